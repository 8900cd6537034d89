//! What every human-readable export shows, resolved once: the headings and labels in the
//! statement's language, the names of routes and kinds, the items grouped by base with their
//! catalogue labels. The PDF template reads it as JSON; the DOCX and Markdown writers walk it.
//! So the three show the same thing, and no writer decides wording.

use super::ExportInput;
use crate::cite::Lang;
use crate::need::checks::Severity;
use crate::need::{CriterionKind, LinkageKind, Place, Route, Status};
use serde::Serialize;

/// Headings and labels, in one language.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Texts {
    pub doc_kind: &'static str,
    pub acronym: &'static str,
    pub route: &'static str,
    pub status: &'static str,
    pub version: &'static str,
    pub generated: &'static str,
    pub summary: &'static str,
    pub lead: &'static str,
    pub organisation: &'static str,
    pub contacts: &'static str,
    pub purpose: &'static str,
    pub public_interest: &'static str,
    pub outputs: &'static str,
    pub funding: &'static str,
    pub access_route: &'static str,
    pub data: &'static str,
    pub no_data: &'static str,
    pub base: &'static str,
    pub table: &'static str,
    pub variable: &'static str,
    pub label: &'static str,
    pub justification: &'static str,
    pub key: &'static str,
    pub key_mark: &'static str,
    pub key_note: &'static str,
    pub whole_base: &'static str,
    pub whole_tables: &'static str,
    pub variables: &'static str,
    pub period: &'static str,
    pub start: &'static str,
    pub end: &'static str,
    pub history: &'static str,
    pub why: &'static str,
    pub population: &'static str,
    pub criteria: &'static str,
    pub include: &'static str,
    pub exclude: &'static str,
    pub kind: &'static str,
    pub nomenclature: &'static str,
    pub codes: &'static str,
    pub description: &'static str,
    pub linkage: &'static str,
    pub keys: &'static str,
    pub processing: &'static str,
    pub place: &'static str,
    pub retention: &'static str,
    pub team: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub access: &'static str,
    pub checks: &'static str,
    pub severity: &'static str,
    pub item: &'static str,
    pub message: &'static str,
    pub fix: &'static str,
    pub no_findings: &'static str,
    pub bibliography: &'static str,
    pub missing: &'static str,
    pub none: &'static str,
    pub page: &'static str,
}

const FR: Texts = Texts {
    doc_kind: "Expression de besoin",
    acronym: "Acronyme",
    route: "Voie d'accès",
    status: "Statut",
    version: "Version",
    generated: "Document généré le",
    summary: "Résumé du projet",
    lead: "Responsable de mise en œuvre",
    organisation: "Responsable de traitement",
    contacts: "Contacts",
    purpose: "Objectif",
    public_interest: "Intérêt public",
    outputs: "Résultats attendus",
    funding: "Financement",
    access_route: "Voie d'accès",
    data: "Données demandées",
    no_data: "Aucune donnée demandée pour l'instant.",
    base: "Base",
    table: "Table",
    variable: "Variable",
    label: "Libellé",
    justification: "Justification",
    key: "Clé",
    key_mark: "clé",
    key_note: "« clé » : variable de chaînage, demandée parce qu'une jointure en a besoin.",
    whole_base: "Base entière demandée",
    whole_tables: "Tables entières",
    variables: "Variables",
    period: "Période d'étude et profondeur historique",
    start: "Début",
    end: "Fin",
    history: "Profondeur historique",
    why: "Justification",
    population: "Population",
    criteria: "Critères",
    include: "Inclusion",
    exclude: "Exclusion",
    kind: "Type",
    nomenclature: "Nomenclature",
    codes: "Codes",
    description: "Description",
    linkage: "Chaînage",
    keys: "Clés",
    processing: "Lieu de traitement",
    place: "Environnement",
    retention: "Durée de conservation",
    team: "Équipe",
    name: "Nom",
    role: "Rôle",
    access: "Accès",
    checks: "Contrôles",
    severity: "Gravité",
    item: "Élément",
    message: "Constat",
    fix: "Correction",
    no_findings: "Aucune remarque.",
    bibliography: "Bibliographie",
    missing: "Non renseigné",
    none: "Aucun",
    page: "Page",
};

const EN: Texts = Texts {
    doc_kind: "Need statement",
    acronym: "Acronym",
    route: "Access route",
    status: "Status",
    version: "Version",
    generated: "Generated on",
    summary: "Project summary",
    lead: "Project lead",
    organisation: "Data controller",
    contacts: "Contacts",
    purpose: "Purpose",
    public_interest: "Public interest",
    outputs: "Expected outputs",
    funding: "Funding",
    access_route: "Access route",
    data: "Data requested",
    no_data: "No data requested yet.",
    base: "Base",
    table: "Table",
    variable: "Variable",
    label: "Label",
    justification: "Justification",
    key: "Key",
    key_mark: "key",
    key_note: "“key”: a linkage variable, requested because a join needs it.",
    whole_base: "Whole base requested",
    whole_tables: "Whole tables",
    variables: "Variables",
    period: "Study period and historical depth",
    start: "Start",
    end: "End",
    history: "Historical depth",
    why: "Justification",
    population: "Population",
    criteria: "Criteria",
    include: "Inclusion",
    exclude: "Exclusion",
    kind: "Kind",
    nomenclature: "Code list",
    codes: "Codes",
    description: "Description",
    linkage: "Linkage",
    keys: "Keys",
    processing: "Processing place",
    place: "Environment",
    retention: "Retention period",
    team: "Team",
    name: "Name",
    role: "Role",
    access: "Access",
    checks: "Checks",
    severity: "Severity",
    item: "Item",
    message: "Finding",
    fix: "Fix",
    no_findings: "No findings.",
    bibliography: "Bibliography",
    missing: "Not given",
    none: "None",
    page: "Page",
};

/// The texts of `lang`.
pub(crate) fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Fr => &FR,
        Lang::En => &EN,
    }
}

/// A route's full name, as the HDH and the CNIL write it.
pub(crate) fn route_name(route: Route, lang: Lang) -> &'static str {
    match (route, lang) {
        (Route::Unset, Lang::Fr) => "Non choisie",
        (Route::Unset, Lang::En) => "Not chosen",
        (Route::Authorisation, Lang::Fr) => {
            "Autorisation (dépôt au HDH, avis du CESREES, autorisation de la CNIL)"
        }
        (Route::Authorisation, Lang::En) => {
            "Authorisation (filed with the HDH, CESREES opinion, CNIL authorisation)"
        }
        (Route::Mr004, Lang::Fr) => {
            "MR-004 — Recherches n'impliquant pas la personne humaine, sur données existantes"
        }
        (Route::Mr004, Lang::En) => "MR-004 — Research not involving people, on existing data",
        (Route::Mr005, Lang::Fr) => {
            "MR-005 — Accès aux données du PMSI par les établissements de santé et les \
             fédérations hospitalières"
        }
        (Route::Mr005, Lang::En) => {
            "MR-005 — Access to hospital (PMSI) data by health establishments and hospital \
             federations"
        }
        (Route::Mr006, Lang::Fr) => "MR-006 — Accès aux données du PMSI par les industriels",
        (Route::Mr006, Lang::En) => "MR-006 — Access to hospital (PMSI) data by industry",
        (Route::Mr007, Lang::Fr) => {
            "MR-007 — Base principale du SNDS, recherches n'impliquant pas la personne humaine"
        }
        (Route::Mr007, Lang::En) => "MR-007 — Main SNDS base, research not involving people",
        (Route::Mr008, Lang::Fr) => {
            "MR-008 — Base principale du SNDS, par les organismes de santé publique et les \
             équipes de recherche"
        }
        (Route::Mr008, Lang::En) => {
            "MR-008 — Main SNDS base, by public health bodies and research teams"
        }
        (Route::Esnd, Lang::Fr) => "Accès rapide à l'échantillon du SNDS (ESND, ex-EGB)",
        (Route::Esnd, Lang::En) => "Fast route to the SNDS sample (ESND, formerly EGB)",
    }
}

/// A status in words.
pub(crate) fn status_name(status: Status, lang: Lang) -> &'static str {
    match (status, lang) {
        (Status::Draft, Lang::Fr) => "Brouillon",
        (Status::Draft, Lang::En) => "Draft",
        (Status::Ready, Lang::Fr) => "Prête",
        (Status::Ready, Lang::En) => "Ready",
        (Status::Submitted, Lang::Fr) => "Déposée",
        (Status::Submitted, Lang::En) => "Submitted",
        (Status::Approved, Lang::Fr) => "Accordée",
        (Status::Approved, Lang::En) => "Approved",
        (Status::Rejected, Lang::Fr) => "Refusée",
        (Status::Rejected, Lang::En) => "Rejected",
    }
}

fn criterion_kind(kind: CriterionKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CriterionKind::Diagnosis, Lang::Fr) => "Diagnostic (CIM-10)",
        (CriterionKind::Diagnosis, Lang::En) => "Diagnosis (ICD-10)",
        (CriterionKind::Act, Lang::Fr) => "Acte (CCAM)",
        (CriterionKind::Act, Lang::En) => "Medical act (CCAM)",
        (CriterionKind::Drug, Lang::Fr) => "Médicament",
        (CriterionKind::Drug, Lang::En) => "Drug",
        (CriterionKind::Ald, Lang::Fr) => "Affection de longue durée (ALD)",
        (CriterionKind::Ald, Lang::En) => "Long-term condition (ALD)",
        (CriterionKind::Other, Lang::Fr) => "Autre",
        (CriterionKind::Other, Lang::En) => "Other",
    }
}

fn linkage_kind(kind: LinkageKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (LinkageKind::None, Lang::Fr) => "Aucun chaînage avec des données hors SNDS",
        (LinkageKind::None, Lang::En) => "No linkage with data outside the SNDS",
        (LinkageKind::Direct, Lang::Fr) => "Direct, sur le NIR, par un tiers de confiance",
        (LinkageKind::Direct, Lang::En) => "Direct, on the NIR, through a trusted third party",
        (LinkageKind::Indirect, Lang::Fr) => "Indirect, sur des variables communes",
        (LinkageKind::Indirect, Lang::En) => "Indirect, on shared variables",
        (LinkageKind::Cohort, Lang::Fr) => "Appariement d'une cohorte au SNDS",
        (LinkageKind::Cohort, Lang::En) => "A cohort matched to the SNDS",
    }
}

fn place_name(place: Place, lang: Lang) -> &'static str {
    match (place, lang) {
        (Place::Unset, Lang::Fr) => "Non choisi",
        (Place::Unset, Lang::En) => "Not chosen",
        (Place::Hdh, Lang::Fr) => "Plateforme du Health Data Hub",
        (Place::Hdh, Lang::En) => "Health Data Hub platform",
        (Place::CnamPortal, Lang::Fr) => "Portail SNDS de la CNAM",
        (Place::CnamPortal, Lang::En) => "CNAM's SNDS portal",
        (Place::Other, Lang::Fr) => "Autre environnement conforme au référentiel de sécurité",
        (Place::Other, Lang::En) => "Another environment approved against the security framework",
    }
}

fn severity_name(severity: Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (Severity::Error, Lang::Fr) => "Erreur",
        (Severity::Error, Lang::En) => "Error",
        (Severity::Warning, Lang::Fr) => "Avertissement",
        (Severity::Warning, Lang::En) => "Warning",
        (Severity::Info, Lang::Fr) => "Information",
        (Severity::Info, Lang::En) => "Information",
    }
}

/// A labelled value; `value` empty means not given.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Field {
    pub label: &'static str,
    pub value: String,
}

fn field(label: &'static str, value: impl Into<String>) -> Field {
    Field {
        label,
        value: value.into(),
    }
}

/// One row of a data table.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Row {
    pub table: String,
    pub variable: String,
    pub label: String,
    pub why: String,
    pub key: bool,
}

/// The items of one base.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BaseView {
    pub id: String,
    pub label: String,
    /// The justification of the whole base, when the whole base is asked.
    pub whole: Option<String>,
    /// Whole tables asked (variable empty).
    pub tables: Vec<Row>,
    /// Variables asked.
    pub variables: Vec<Row>,
}

/// A criterion, in words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CriterionView {
    pub sense: &'static str,
    pub kind: &'static str,
    pub nomenclature: String,
    pub codes: String,
    pub text: String,
}

/// A team member.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MemberView {
    pub name: String,
    pub role: String,
    pub organisation: String,
    pub access: String,
}

/// A finding, in words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FindingView {
    pub severity: &'static str,
    /// `error`, `warning`, `info`: for colours.
    pub level: &'static str,
    pub item: String,
    pub message: String,
    pub fix: String,
}

/// Everything a human-readable export shows.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct View {
    pub lang: &'static str,
    pub t: &'static Texts,
    pub title: String,
    pub acronym: String,
    pub route: String,
    pub status: String,
    pub version: String,
    pub generated: String,
    pub summary: Vec<Field>,
    pub bases: Vec<BaseView>,
    pub period: Vec<Field>,
    pub population: String,
    pub criteria: Vec<CriterionView>,
    pub linkage: Vec<Field>,
    pub processing: Vec<Field>,
    pub retention: String,
    pub team: Vec<MemberView>,
    pub findings: Vec<FindingView>,
    pub check_counts: String,
    pub citations: Vec<String>,
    pub has_keys: bool,
}

impl View {
    /// Resolves `input` into what the exports show.
    pub(crate) fn new(input: &ExportInput) -> View {
        let doc = input.doc;
        let lang = doc.lang;
        let t = texts(lang);
        let label = |r: &str| input.labels.get(r).cloned().unwrap_or_default();
        let p = &doc.project;

        let mut bases: Vec<BaseView> = Vec::new();
        for item in &doc.data {
            let i = match bases.iter().position(|b| b.id == item.base) {
                Some(i) => i,
                None => {
                    bases.push(BaseView {
                        id: item.base.clone(),
                        label: label(&format!("base/{}", item.base)),
                        whole: None,
                        tables: Vec::new(),
                        variables: Vec::new(),
                    });
                    bases.len() - 1
                }
            };
            let b = &mut bases[i];
            let row = Row {
                table: item.table.clone().unwrap_or_default(),
                variable: item.variable.clone().unwrap_or_default(),
                label: label(&item.reference()),
                why: item.why.clone(),
                key: item.key,
            };
            match (&item.table, &item.variable) {
                (Some(_), Some(_)) => b.variables.push(row),
                (Some(_), None) => b.tables.push(row),
                _ => b.whole = Some(item.why.clone()),
            }
        }

        let (years, months) = match lang {
            Lang::Fr => ("an(s)", "mois"),
            Lang::En => ("year(s)", "month(s)"),
        };
        let period = vec![
            field(t.start, doc.period.start.clone()),
            field(t.end, doc.period.end.clone()),
            field(
                t.history,
                doc.period
                    .history_years
                    .map(|y| format!("{y} {years}"))
                    .unwrap_or_default(),
            ),
            field(t.why, doc.period.why.clone()),
        ];
        let criteria = doc
            .population
            .criteria
            .iter()
            .map(|c| CriterionView {
                sense: if c.include { t.include } else { t.exclude },
                kind: criterion_kind(c.kind, lang),
                nomenclature: c.nomenclature.clone(),
                codes: c.codes.join(", "),
                text: c.text.clone(),
            })
            .collect();
        let r = input.report;
        let check_counts = match lang {
            Lang::Fr => format!(
                "{} erreur(s), {} avertissement(s), {} information(s)",
                r.errors, r.warnings, r.infos
            ),
            Lang::En => format!(
                "{} error(s), {} warning(s), {} information(s)",
                r.errors, r.warnings, r.infos
            ),
        };
        View {
            lang: lang.code(),
            t,
            title: p.title.clone(),
            acronym: p.acronym.clone(),
            route: route_name(doc.route, lang).to_string(),
            status: status_name(doc.current_status(), lang).to_string(),
            version: match (input.version, lang) {
                (0, Lang::Fr) => "brouillon jamais enregistré".into(),
                (0, Lang::En) => "draft, never saved".into(),
                (n, _) => n.to_string(),
            },
            generated: input.generated.to_string(),
            summary: vec![
                field(t.lead, p.lead.clone()),
                field(t.organisation, p.organisation.clone()),
                field(t.contacts, p.contacts.join("\n")),
                field(t.purpose, p.purpose.clone()),
                field(t.public_interest, p.public_interest.clone()),
                field(t.outputs, p.outputs.clone()),
                field(t.funding, p.funding.clone()),
            ],
            has_keys: doc.data.iter().any(|d| d.key),
            bases,
            period,
            population: doc.population.text.clone(),
            criteria,
            linkage: vec![
                field(t.kind, linkage_kind(doc.linkage.kind, lang)),
                field(t.keys, doc.linkage.keys.join(", ")),
                field(t.description, doc.linkage.text.clone()),
            ],
            processing: vec![
                field(t.place, place_name(doc.processing.place, lang)),
                field(t.description, doc.processing.text.clone()),
            ],
            retention: doc
                .retention_months
                .map(|m| format!("{m} {months}"))
                .unwrap_or_default(),
            team: doc
                .team
                .iter()
                .map(|m| MemberView {
                    name: m.name.clone(),
                    role: m.role.clone(),
                    organisation: m.organisation.clone(),
                    access: m.access.clone(),
                })
                .collect(),
            findings: r
                .findings
                .iter()
                .map(|f| FindingView {
                    severity: severity_name(f.severity, lang),
                    level: match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    },
                    item: f.item.clone().unwrap_or_default(),
                    message: f.message.clone(),
                    fix: f.fix.clone(),
                })
                .collect(),
            check_counts,
            citations: input.citations.to_vec(),
        }
    }
}
