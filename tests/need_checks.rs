//! The live checks of a need statement against the real SNDS schemas and code lists
//! (`../shared/corpus`): they flag the potential identifiers and their combinations with a
//! coarser alternative that the catalogue has, unknown codes, incomplete statements for each
//! route, sensitive categories; and they stay quiet on a minimal, complete, justified statement.

mod common;

use hublot::cite::Lang;
use hublot::need::checks::{check, CheckReport, Finding, Severity};
use hublot::need::{
    Criterion, CriterionKind, DataItem, LinkageKind, Member, NeedStatement, Place, Route,
};
use hublot::store::CatalogueDb;
use hublot::{Hublot, ImportRequest};
use std::path::PathBuf;
use std::sync::OnceLock;

/// One import of schema-snds + documentation-snds shared by the tests of this file; each test
/// opens its own read-only handle on the snapshot's catalogue.
fn catalogue() -> CatalogueDb {
    static SNAP: OnceLock<(tempfile::TempDir, Hublot, PathBuf)> = OnceLock::new();
    let (_, _, path) = SNAP.get_or_init(|| {
        let c = common::corpus();
        let dir = common::data_dir();
        let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
        h.import(&ImportRequest {
            paths: vec![c.join("schema-snds"), c.join("documentation-snds")],
            force: false,
        })
        .unwrap();
        let id = h.snapshot().unwrap().id;
        let path = dir
            .path()
            .join("snapshots")
            .join(id)
            .join("catalogue.sqlite");
        (dir, h, path)
    });
    CatalogueDb::open(path).unwrap()
}

fn var(table: &str, name: &str, why: &str) -> DataItem {
    DataItem {
        base: String::new(),
        table: Some(table.into()),
        variable: Some(name.into()),
        why: why.into(),
        key: false,
    }
}

fn key(table: &str, name: &str) -> DataItem {
    DataItem {
        key: true,
        ..var(table, name, "")
    }
}

/// A statement complete for the authorisation route, with no data yet.
fn complete(route: Route) -> NeedStatement {
    let mut d = NeedStatement::new("Statines après un infarctus", route, Lang::Fr);
    d.project.organisation = "Université de Nulle-Part".into();
    d.project.lead = "Dr Exemple".into();
    d.project.purpose = "Mesurer l'adhésion aux statines dans l'année qui suit un infarctus \
                         du myocarde hospitalisé."
        .into();
    d.project.public_interest = "Améliorer la prévention secondaire des maladies \
                                 cardiovasculaires en France."
        .into();
    d.period.start = "2015".into();
    d.period.end = "2020-12".into();
    d.period.history_years = Some(1);
    d.population.text = "Adultes hospitalisés pour un infarctus du myocarde.".into();
    d.population.criteria.push(Criterion {
        include: true,
        kind: CriterionKind::Diagnosis,
        nomenclature: "IR_CIM_V".into(),
        codes: vec!["I21*".into()],
        text: "Diagnostic principal d'un séjour MCO pendant la période.".into(),
    });
    d.processing.place = Place::Hdh;
    d.retention_months = Some(36);
    d.team.push(Member {
        name: "Dr Exemple".into(),
        role: "Investigateur principal".into(),
        organisation: "Université de Nulle-Part".into(),
        access: "all".into(),
    });
    d
}

/// The minimal statement: few variables, each justified, none identifying.
fn minimal() -> NeedStatement {
    let mut d = complete(Route::Authorisation);
    d.data = vec![
        key("ER_PRS_F", "BEN_NIR_PSA"),
        var(
            "ER_PRS_F",
            "EXE_SOI_AMD",
            "Mois de délivrance, pour les fenêtres d'exposition mensuelles.",
        ),
        var(
            "ER_PHA_F",
            "PHA_PRS_C13",
            "Code CIP13 des médicaments délivrés, pour repérer les statines.",
        ),
        var(
            "IR_BEN_R",
            "BEN_NAI_ANN",
            "Année de naissance, pour l'âge à l'inclusion (ajustement).",
        ),
        var(
            "IR_BEN_R",
            "BEN_SEX_COD",
            "Sexe, variable d'ajustement du modèle principal.",
        ),
        var(
            "T_MCOaaB",
            "DGN_PAL",
            "Diagnostic principal du séjour, pour repérer l'infarctus index.",
        ),
    ];
    d
}

fn run(d: &NeedStatement, lang: Lang) -> CheckReport {
    check(d, &catalogue(), lang).unwrap()
}

fn with_rule<'a>(r: &'a CheckReport, rule: &str) -> Vec<&'a Finding> {
    r.findings.iter().filter(|f| f.rule == rule).collect()
}

fn one<'a>(r: &'a CheckReport, rule: &str, item: &str) -> &'a Finding {
    r.findings
        .iter()
        .find(|f| f.rule == rule && f.item.as_deref() == Some(item))
        .unwrap_or_else(|| panic!("no {rule} on {item} in {:#?}", r.findings))
}

fn rules(r: &CheckReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn a_minimal_complete_justified_statement_gets_only_the_small_counts_reminder() {
    let r = run(&minimal(), Lang::Fr);
    assert_eq!(rules(&r), ["outputs.small-counts"], "{:#?}", r.findings);
    assert_eq!((r.errors, r.warnings, r.infos), (0, 0, 1));
    let f = &r.findings[0];
    assert_eq!(f.severity, Severity::Info);
    assert!(f.item.is_none());
    assert!(
        f.message.contains("10") && f.fix.contains("secondaire"),
        "{f:?}"
    );
}

#[test]
fn the_beneficiary_identifiers_are_flagged_with_a_coarser_variable_that_exists() {
    let cat = catalogue();
    let mut d = minimal();
    d.data.push(var("IR_BEN_R", "BEN_NAI_MOI", ""));
    d.data.push(var("IR_BEN_R", "BEN_RES_COM", ""));
    d.data.push(var("IR_BEN_R", "BEN_DCD_DTE", ""));
    let r = check(&d, &cat, Lang::En).unwrap();
    for (rule, item, alt) in [
        (
            "identifier.birth-month",
            "variable/IR_BEN_R/BEN_NAI_MOI",
            "BEN_NAI_ANN",
        ),
        (
            "identifier.residence-commune",
            "variable/IR_BEN_R/BEN_RES_COM",
            "BEN_RES_DPT",
        ),
        (
            "identifier.death-date",
            "variable/IR_BEN_R/BEN_DCD_DTE",
            "BEN_DCD_AME",
        ),
    ] {
        let f = one(&r, rule, item);
        // Unjustified: a reviewer will ask.
        assert_eq!(f.severity, Severity::Warning, "{f:?}");
        assert!(f.fix.contains(alt), "{rule}: {}", f.fix);
        assert!(
            cat.variable("IR_BEN_R", alt).unwrap().is_some(),
            "{alt} proposed but not in IR_BEN_R"
        );
        // One finding per unjustified identifier: its own, not also the generic one.
        assert!(
            r.findings
                .iter()
                .all(|f| !(f.rule == "minimisation.unjustified" && f.item.as_deref() == Some(item))),
            "{item}"
        );
    }
    // Three of the glossary's potential identifiers on the same rows.
    let f = one(&r, "combination.same-table", "table/IR_BEN_R");
    assert_eq!(f.severity, Severity::Warning);
    for n in ["BEN_NAI_MOI", "BEN_RES_COM", "BEN_DCD_DTE"] {
        assert!(f.message.contains(n), "{}", f.message);
    }
    // A death date is an exact date: crossed with the commune.
    one(
        &r,
        "combination.date-geography",
        "variable/IR_BEN_R/BEN_RES_COM",
    );
}

#[test]
fn exact_care_dates_with_the_commune_are_a_dangerous_combination() {
    let mut d = minimal();
    d.data.push(var(
        "ER_PRS_F",
        "EXE_SOI_DTD",
        "Jour exact de délivrance pour mesurer les délais au jour près.",
    ));
    d.data.push(var(
        "ER_PRS_F",
        "BEN_RES_COM",
        "Commune de résidence pour étudier l'accès géographique aux soins.",
    ));
    let r = run(&d, Lang::Fr);
    // Justified: reported, but as information with the alternative.
    let f = one(&r, "identifier.care-date", "variable/ER_PRS_F/EXE_SOI_DTD");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.fix.contains("EXE_SOI_AMD"), "{}", f.fix);
    let f = one(
        &r,
        "combination.date-geography",
        "variable/ER_PRS_F/BEN_RES_COM",
    );
    assert_eq!(f.severity, Severity::Warning);
    assert!(
        f.message.contains("ER_PRS_F.EXE_SOI_DTD") && f.message.contains("ER_PRS_F.BEN_RES_COM"),
        "{}",
        f.message
    );
    one(&r, "combination.same-table", "table/ER_PRS_F");
}

#[test]
fn hospital_dates_death_places_and_provider_numbers_are_recognised() {
    let cat = catalogue();
    let mut d = minimal();
    d.data.push(var("T_MCOaaC", "ENT_DAT", ""));
    d.data.push(var("KI_CCI_R", "DCD_COM_COD", ""));
    d.data.push(var("ER_PRS_F", "PFS_EXE_NUM", ""));
    d.data.push(var("ER_TRS_F", "TRS_DEP_CDP", ""));
    let r = check(&d, &cat, Lang::Fr).unwrap();
    for (rule, table, name, alt) in [
        ("identifier.care-date", "T_MCOaaC", "ENT_DAT", "EXE_SOI_AMD"),
        (
            "identifier.death-commune",
            "KI_CCI_R",
            "DCD_COM_COD",
            "DCD_DPT_COD",
        ),
        (
            "identifier.professional",
            "ER_PRS_F",
            "PFS_EXE_NUM",
            "PSE_SPE_COD",
        ),
        (
            "identifier.residence-commune",
            "ER_TRS_F",
            "TRS_DEP_CDP",
            "BEN_RES_DPT",
        ),
    ] {
        let f = one(&r, rule, &format!("variable/{table}/{name}"));
        assert!(f.fix.contains(alt), "{rule}: {}", f.fix);
        assert!(
            !cat.tables_with_variable(alt).unwrap().is_empty(),
            "{alt} proposed but not in the catalogue"
        );
    }
    // Technical dates of the information system are not dates of care.
    let mut d = minimal();
    d.data.push(var(
        "ER_PRS_F",
        "FLX_DIS_DTD",
        "Date de mise à disposition, pour dater les extractions successives.",
    ));
    let r = check(&d, &cat, Lang::Fr).unwrap();
    assert!(
        r.findings
            .iter()
            .all(|f| !f.rule.starts_with("identifier.")),
        "{:#?}",
        r.findings
    );
}

#[test]
fn a_whole_table_is_flagged_with_the_identifiers_it_holds() {
    let mut d = minimal();
    d.data.push(DataItem {
        base: "beneficiaire".into(),
        table: Some("IR_BEN_R".into()),
        variable: None,
        why: "Caractéristiques des patients.".into(),
        key: false,
    });
    let r = run(&d, Lang::En);
    let f = one(&r, "minimisation.whole-table", "table/IR_BEN_R");
    assert!(f.fix.contains("List the variables"), "{}", f.fix);
    let f = one(&r, "identifier.whole-table", "table/IR_BEN_R");
    assert!(
        f.message.contains("BEN_NAI_MOI") && f.message.contains("BEN_RES_COM"),
        "{}",
        f.message
    );
    one(&r, "combination.same-table", "table/IR_BEN_R");
    // The two variables already asked for are inside it.
    one(&r, "minimisation.covered", "variable/IR_BEN_R/BEN_NAI_ANN");
}

#[test]
fn minimisation_flags_missing_vague_and_duplicate_justifications() {
    let mut d = minimal();
    d.data.push(var("ER_PRS_F", "PRS_NAT_REF", ""));
    d.data.push(var("ER_PRS_F", "BSE_PRS_NAT", "besoin"));
    d.data.push(var(
        "IR_BEN_R",
        "BEN_SEX_COD",
        "Sexe, variable d'ajustement du modèle principal.",
    ));
    let r = run(&d, Lang::Fr);
    assert_eq!(
        one(
            &r,
            "minimisation.unjustified",
            "variable/ER_PRS_F/PRS_NAT_REF"
        )
        .severity,
        Severity::Warning
    );
    assert_eq!(
        one(&r, "minimisation.vague", "variable/ER_PRS_F/BSE_PRS_NAT").severity,
        Severity::Info
    );
    let f = one(
        &r,
        "minimisation.duplicate",
        "variable/IR_BEN_R/BEN_SEX_COD",
    );
    assert!(f.message.contains("position 5"), "{}", f.message);
    // Join keys come along without a justification of their own.
    assert!(with_rule(&r, "minimisation.unjustified")
        .iter()
        .all(|f| f.item.as_deref() != Some("variable/ER_PRS_F/BEN_NIR_PSA")));
}

#[test]
fn unknown_codes_and_code_lists_are_flagged() {
    let mut d = minimal();
    d.population.criteria.push(Criterion {
        include: true,
        kind: CriterionKind::Diagnosis,
        nomenclature: "IR_CIM_V".into(),
        codes: vec!["I21.4".into(), "ZZZ9*".into(), "I2199".into()],
        text: "Autres infarctus.".into(),
    });
    d.population.criteria.push(Criterion {
        include: false,
        kind: CriterionKind::Drug,
        nomenclature: "NOT_A_LIST".into(),
        codes: vec!["123".into()],
        text: "Exclusion.".into(),
    });
    d.population.criteria.push(Criterion {
        include: false,
        kind: CriterionKind::Act,
        nomenclature: String::new(),
        codes: vec![],
        text: "Sans codes.".into(),
    });
    let r = run(&d, Lang::En);
    let f = one(&r, "population.unknown-code", "population.criteria[1]");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains("ZZZ9*") && f.message.contains("I2199") && !f.message.contains("I214"),
        "{}",
        f.message
    );
    one(
        &r,
        "population.unknown-nomenclature",
        "population.criteria[2]",
    );
    one(&r, "population.no-codes", "population.criteria[3]");
    one(&r, "population.no-nomenclature", "population.criteria[3]");
    // Errors come first.
    assert_eq!(r.findings[0].severity, Severity::Error);
}

#[test]
fn a_very_specific_code_is_a_reminder_about_small_populations() {
    let mut d = minimal();
    d.population.criteria[0].codes = vec!["I214".into()];
    let r = run(&d, Lang::Fr);
    let f = one(&r, "population.rare-codes", "population.criteria[0]");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("I214"), "{}", f.message);
}

#[test]
fn sensitive_categories_are_found_in_code_labels_and_tables() {
    let mut d = minimal();
    d.population.criteria.push(Criterion {
        include: true,
        kind: CriterionKind::Diagnosis,
        nomenclature: "IR_CIM_V".into(),
        codes: vec!["B20*".into()],
        text: "Patients vivant avec le VIH.".into(),
    });
    d.data.push(var(
        "T_MCOaaIVG",
        "ETA_NUM",
        "Établissement de l'IVG, clé de chaînage avec le séjour.",
    ));
    d.data.push(DataItem {
        base: "pmsi-rim-p".into(),
        table: Some("T_RIPaaRSA".into()),
        variable: None,
        why: "Séquences de soins psychiatriques des patients inclus.".into(),
        key: false,
    });
    let r = run(&d, Lang::Fr);
    one(&r, "sensitive.hiv", "population.criteria[1]");
    one(&r, "sensitive.abortion", "variable/T_MCOaaIVG/ETA_NUM");
    one(&r, "sensitive.mental-health", "table/T_RIPaaRSA");
    assert!(r
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("sensitive."))
        .all(|f| f.severity == Severity::Info));
}

#[test]
fn completeness_depends_on_the_route() {
    // No route: one error saying to choose one, and what every route needs.
    let empty = NeedStatement::new("", Route::Unset, Lang::Fr);
    let r = run(&empty, Lang::Fr);
    assert_eq!(with_rule(&r, "completeness.route").len(), 1);
    for rule in [
        "completeness.title",
        "completeness.purpose",
        "completeness.public-interest",
        "completeness.organisation",
        "completeness.period-start",
        "completeness.period-end",
        "completeness.population",
        "completeness.processing-place",
        "completeness.retention",
        "completeness.team",
        "completeness.data",
    ] {
        let f = with_rule(&r, rule);
        assert_eq!(f.len(), 1, "{rule}: {:#?}", r.findings);
        assert_eq!(f[0].severity, Severity::Error, "{rule}");
    }
    // MR-007 asks for the historical depth; the authorisation route does not.
    let mut d = minimal();
    d.route = Route::Mr007;
    d.period.history_years = None;
    assert_eq!(
        one(
            &run(&d, Lang::Fr),
            "completeness.history-depth",
            "period.history_years"
        )
        .severity,
        Severity::Error
    );
    d.route = Route::Authorisation;
    assert!(with_rule(&run(&d, Lang::Fr), "completeness.history-depth").is_empty());
    // MR-005: PMSI only.
    d.route = Route::Mr005;
    d.processing.place = Place::Other;
    d.processing.text = "Plateforme sécurisée de l'ATIH.".into();
    let r = run(&d, Lang::Fr);
    let f = one(&r, "route.pmsi-only", "variable/ER_PRS_F/BEN_NIR_PSA");
    assert!(
        f.message.contains("variable/IR_BEN_R/BEN_SEX_COD") && !f.message.contains("T_MCOaaB"),
        "{}",
        f.message
    );
    // The ESND fast route: the sample alone, no linkage, no crossing of identifiers.
    let mut e = complete(Route::Esnd);
    e.data = vec![
        var(
            "EB_INB_F",
            "BEN_NAI_ANM",
            "Âge au mois près pour les nourrissons de la cohorte.",
        ),
        var(
            "EB_PRS_F",
            "EXE_SOI_DTD",
            "Date exacte des soins pour les délais de prise en charge.",
        ),
    ];
    let r = run(&e, Lang::Fr);
    assert!(
        with_rule(&r, "route.sample-only").is_empty(),
        "{:#?}",
        r.findings
    );
    one(&r, "route.esnd-crossing", "route");
    e.data
        .push(var("ER_PRS_F", "BEN_SEX_COD", "Sexe, pour l'ajustement."));
    e.linkage.kind = LinkageKind::Direct;
    let r = run(&e, Lang::Fr);
    one(&r, "route.sample-only", "variable/ER_PRS_F/BEN_SEX_COD");
    one(&r, "route.esnd-linkage", "linkage.kind");
    one(&r, "completeness.linkage-keys", "linkage.keys");
}

#[test]
fn messages_are_written_in_the_language_asked() {
    let mut d = minimal();
    d.data.push(var("IR_BEN_R", "BEN_NAI_MOI", ""));
    let fr = run(&d, Lang::Fr);
    let en = run(&d, Lang::En);
    assert_eq!(rules(&fr), rules(&en));
    for (a, b) in fr.findings.iter().zip(&en.findings) {
        assert_ne!(a.message, b.message, "{}", a.rule);
        assert_ne!(a.fix, b.fix, "{}", a.rule);
    }
    let f = one(
        &fr,
        "identifier.birth-month",
        "variable/IR_BEN_R/BEN_NAI_MOI",
    );
    assert!(f.message.contains("identifiant potentiel"), "{}", f.message);
    assert!(f.fix.contains("demandez plutôt BEN_NAI_ANN"), "{}", f.fix);
    let f = one(
        &en,
        "identifier.birth-month",
        "variable/IR_BEN_R/BEN_NAI_MOI",
    );
    assert!(f.message.contains("potential identifier"), "{}", f.message);
    assert!(f.fix.contains("ask for BEN_NAI_ANN"), "{}", f.fix);
}

#[test]
fn findings_are_sorted_by_severity_then_by_place_in_the_document() {
    let mut d = minimal();
    d.project.purpose.clear();
    d.data.push(var("IR_BEN_R", "BEN_NAI_MOI", ""));
    d.data.push(var("ER_PRS_F", "NOT_A_VARIABLE", "x"));
    let r = run(&d, Lang::Fr);
    let sev: Vec<Severity> = r.findings.iter().map(|f| f.severity).collect();
    let mut sorted = sev.clone();
    sorted.sort();
    assert_eq!(sev, sorted);
    assert_eq!(r.findings[0].rule, "completeness.purpose");
    // The warnings follow the data's order: the birth month (item 7) before the unknown
    // variable (item 8).
    let pos = |rule: &str| r.findings.iter().position(|f| f.rule == rule).unwrap();
    assert!(pos("identifier.birth-month") < pos("data.unknown"));
    assert_eq!(
        r.errors + r.warnings + r.infos,
        r.findings.len(),
        "counts add up"
    );
}
