//! A need statement with many variables, for the export tests and bench. The variables are real
//! SNDS table and variable names with their descriptions, read from
//! `../shared/corpus/schema-snds` when it is there; without it, a built-in list of real names
//! stands in (and [`Fixture::from_corpus`] says so).

#![allow(dead_code)]

use hublot::cite::Lang;
use hublot::need::checks::{CheckReport, Finding, Severity};
use hublot::need::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Justifications that would break a naive writer: markup of typst, Markdown and HTML,
/// spreadsheet formulas, accents.
pub const HOSTILE: &[&str] = &[
    "#set page(width: 1cm) #panic(\"injected\") *gras* _souligné_",
    "$x^2$ [lien](http://exemple.fr) <script>alert(1)</script>",
    "@ref <label> // pas un commentaire \\ barre oblique inversée",
    "=HYPERLINK(\"http://evil.example\";\"clic\")",
    "+33 1 23 45 67 89, numéro d'appel",
    "-2+3 est une formule pour un tableur",
    "@SUM(A1:A9) aussi",
    "Âge à l'inclusion : œuvre, ÉÈÊ, « guillemets » | pipe & esperluette ~ tilde `code`",
    "# pas un titre\n- pas une liste\n1. pas une énumération",
];

/// The statement and what the api would resolve for its export.
pub struct Fixture {
    pub doc: NeedStatement,
    pub labels: BTreeMap<String, String>,
    pub report: CheckReport,
    pub citations: Vec<String>,
    pub from_corpus: bool,
}

/// (base, table, variable, description) of real SNDS variables, from the corpus.
fn corpus_variables(n: usize) -> Option<Vec<(String, String, String, String)>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/schema-snds/schemas");
    let mut out = Vec::new();
    for (dir, base) in [
        ("DCIR", "dcir"),
        ("BENEFICIAIRE", "beneficiaire"),
        ("PMSI/PMSI MCO", "pmsi-mco"),
    ] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            let table = f.file_stem()?.to_string_lossy().to_string();
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&f).ok()?).ok()?;
            for field in v["fields"].as_array()?.iter().take(12) {
                let name = field["name"].as_str()?.to_string();
                let desc = field["description"].as_str().unwrap_or("").to_string();
                out.push((base.to_string(), table.clone(), name, desc));
                if out.len() >= n {
                    return Some(out);
                }
            }
        }
    }
    Some(out)
}

/// Real names, for when the corpus is missing.
const BUILT_IN: &[(&str, &str, &str, &str)] = &[
    (
        "dcir",
        "ER_PRS_F",
        "BEN_NIR_PSA",
        "Identifiant anonyme du patient dans le SNIIRAM",
    ),
    (
        "dcir",
        "ER_PRS_F",
        "BEN_RNG_GEM",
        "Rang de naissance du bénéficiaire",
    ),
    (
        "dcir",
        "ER_PRS_F",
        "BEN_AMA_COD",
        "Age du bénéficiaire en mois ou années",
    ),
    ("dcir", "ER_PRS_F", "BEN_SEX_COD", "Sexe du bénéficiaire"),
    (
        "dcir",
        "ER_PRS_F",
        "EXE_SOI_DTD",
        "Date de début d'exécution des soins",
    ),
    (
        "dcir",
        "ER_PRS_F",
        "PRS_NAT_REF",
        "Nature de prestation de référence",
    ),
    (
        "dcir",
        "ER_PHA_F",
        "PHA_PRS_C13",
        "Code CIP de la pharmacie (13 caractères)",
    ),
    ("dcir", "ER_PHA_F", "PHA_ACT_QSN", "Quantité affinée signée"),
    (
        "beneficiaire",
        "IR_BEN_R",
        "BEN_NAI_ANN",
        "Année de naissance",
    ),
    (
        "beneficiaire",
        "IR_BEN_R",
        "BEN_RES_DPT",
        "Département de résidence",
    ),
    ("pmsi-mco", "T_MCOaaB", "DGN_PAL", "Diagnostic principal"),
    ("pmsi-mco", "T_MCOaaD", "ASS_DGN", "Diagnostic associé"),
];

impl Fixture {
    /// A statement in `lang` asking for about `n` variables, every third one justified with a
    /// hostile string, plus a whole table, a whole base, criteria, team and findings.
    pub fn new(n: usize, lang: Lang) -> Fixture {
        let (vars, from_corpus) = match corpus_variables(n) {
            Some(v) if !v.is_empty() => (v, true),
            _ => {
                eprintln!(
                    "need_fixture: ../shared/corpus/schema-snds is missing; using {} built-in \
                     SNDS variables",
                    BUILT_IN.len()
                );
                (
                    BUILT_IN
                        .iter()
                        .map(|(b, t, v, d)| {
                            (b.to_string(), t.to_string(), v.to_string(), d.to_string())
                        })
                        .collect(),
                    false,
                )
            }
        };
        let mut doc = NeedStatement::new("Parcours de soins après infarctus", Route::Mr004, lang);
        doc.project.acronym = "PASSI-IDM".into();
        doc.project.lead = "Dr Élodie Martin".into();
        doc.project.organisation = "CHU de Bordeaux".into();
        doc.project.contacts = vec!["elodie.martin@chu-bordeaux.fr".into(), "Jean Dupont".into()];
        doc.project.purpose =
            "Décrire le parcours de soins des patients hospitalisés pour un infarctus du myocarde."
                .into();
        doc.project.public_interest = "Améliorer la prise en charge après la sortie.".into();
        doc.project.outputs = "Deux articles, un tableau de bord régional.".into();
        doc.project.funding = "PHRC national 2025".into();
        let mut labels = BTreeMap::new();
        for (i, (base, table, var, desc)) in vars.iter().enumerate() {
            let why = if i % 3 == 0 {
                HOSTILE[(i / 3) % HOSTILE.len()].to_string()
            } else {
                format!("Nécessaire pour l'analyse {i} : {desc}")
            };
            doc.data.push(DataItem {
                base: base.clone(),
                table: Some(table.clone()),
                variable: Some(var.clone()),
                why,
                key: var == "BEN_NIR_PSA" || var == "BEN_RNG_GEM",
            });
            labels.insert(format!("variable/{table}/{var}"), desc.clone());
            labels
                .entry(format!("base/{base}"))
                .or_insert_with(|| base.to_uppercase());
        }
        doc.data.push(DataItem {
            base: "dcir".into(),
            table: Some("ER_ETE_F".into()),
            variable: None,
            why: "Table entière : établissements exécutants".into(),
            key: false,
        });
        labels.insert("table/ER_ETE_F".into(), "Table des établissements".into());
        doc.data.push(DataItem {
            base: "cepidc".into(),
            table: None,
            variable: None,
            why: "Causes de décès à un an".into(),
            key: false,
        });
        labels.insert("base/cepidc".into(), "Causes médicales de décès".into());
        doc.period = StudyPeriod {
            start: "2018-01-01".into(),
            end: "2023-12-31".into(),
            history_years: Some(3),
            why: "Antécédents cardiovasculaires sur trois ans.".into(),
        };
        doc.population = Population {
            text: "Patients de 18 ans et plus hospitalisés pour un premier infarctus.".into(),
            criteria: vec![
                Criterion {
                    include: true,
                    kind: CriterionKind::Diagnosis,
                    nomenclature: "IR_CIM_V".into(),
                    codes: vec!["I21*".into(), "I22*".into()],
                    text: "Diagnostic principal d'un séjour MCO".into(),
                },
                Criterion {
                    include: false,
                    kind: CriterionKind::Ald,
                    nomenclature: "IR_ALD_V".into(),
                    codes: vec!["5".into()],
                    text: "ALD insuffisance cardiaque avant l'inclusion".into(),
                },
            ],
        };
        doc.linkage = Linkage {
            kind: LinkageKind::Cohort,
            keys: vec!["BEN_NIR_PSA".into(), "BEN_RNG_GEM".into()],
            text: "Chaînage DCIR–PMSI sur l'identifiant pseudonymisé.".into(),
        };
        doc.processing = Processing {
            place: Place::Hdh,
            text: "Espace projet sécurisé.".into(),
        };
        doc.retention_months = Some(36);
        doc.team = vec![Member {
            name: "Élodie Martin".into(),
            role: "Investigatrice".into(),
            organisation: "CHU de Bordeaux".into(),
            access: "all".into(),
        }];
        let report = CheckReport {
            findings: vec![
                Finding {
                    severity: Severity::Warning,
                    rule: "identifier.birth-month".into(),
                    item: Some("variable/IR_BEN_R/BEN_NAI_MOI".into()),
                    message: "Le mois de naissance est un identifiant potentiel.".into(),
                    fix: "Demandez l'année de naissance seule.".into(),
                },
                Finding {
                    severity: Severity::Error,
                    rule: "completeness.retention".into(),
                    item: Some("retention_months".into()),
                    message: "Durée de conservation manquante.".into(),
                    fix: "Indiquez une durée en mois.".into(),
                },
            ],
            errors: 1,
            warnings: 1,
            infos: 0,
        };
        let citations = vec![
            "Caisse nationale de l'Assurance Maladie. (2024). Datamart de consommation \
             inter-régimes (DCIR) [Jeu de données]. Health Data Hub."
                .into(),
        ];
        Fixture {
            doc,
            labels,
            report,
            citations,
            from_corpus,
        }
    }

    /// The export input over this fixture.
    pub fn input(&self) -> hublot::need::export::ExportInput<'_> {
        hublot::need::export::ExportInput {
            id: 7,
            doc: &self.doc,
            version: 2,
            labels: &self.labels,
            report: &self.report,
            citations: &self.citations,
            generated: "2026-12-02",
        }
    }
}
