//! Completeness for the chosen route, and whether the data asked for is within the route's
//! reach. What each route asks rests on the CNAM guide to project access (the file, the
//! convention), the page on reference methodologies (MR-005 and MR-006: PMSI data on the ATIH's
//! platform) and the 2023 methodologies MR-007 and MR-008 (components of the main base, target
//! population, targeting period, data categories, historical depth, access duration).

use super::ctx::Ctx;
use super::data::Item;
use super::text::{has_any, list_some, norm};
use super::{Section, Severity};
use crate::cite::Lang;
use crate::model::Base;
use crate::need::{LinkageKind, NeedStatement, Place, Route};
use crate::Result;

/// A mandatory field left empty: one error naming it and what to write.
fn missing(cx: &mut Ctx, section: Section, index: usize, field: &str, what: (String, String)) {
    let (message, fix) = what;
    let rule = match field {
        "project.public_interest" => "completeness.public-interest".to_string(),
        "population.text" => "completeness.population".to_string(),
        "linkage.keys" => "completeness.linkage-keys".to_string(),
        "processing.place" => "completeness.processing-place".to_string(),
        "retention_months" => "completeness.retention".to_string(),
        "period.history_years" => "completeness.history-depth".to_string(),
        "period.start" => "completeness.period-start".to_string(),
        "period.end" => "completeness.period-end".to_string(),
        f => format!("completeness.{}", f.rsplit('.').next().unwrap_or(f)),
    };
    cx.push(
        section,
        index,
        Severity::Error,
        &rule,
        Some(field.into()),
        message,
        fix,
    );
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` as (year, month, day); `end` fills in the last month/day.
fn parse_day(s: &str, end: bool) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let num = |p: &str, len: usize| -> Option<u32> {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (y, m, d) = match parts.as_slice() {
        [y] => (
            num(y, 4)?,
            if end { 12 } else { 1 },
            if end { 31 } else { 1 },
        ),
        [y, m] => (num(y, 4)?, num(m, 2)?, if end { 31 } else { 1 }),
        [y, m, d] => (num(y, 4)?, num(m, 2)?, num(d, 2)?),
        _ => return None,
    };
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// The fields every route needs, then those of the chosen route.
pub(super) fn check(doc: &NeedStatement, cx: &mut Ctx) -> Result<()> {
    let lang = cx.lang;
    if doc.route == Route::Unset {
        cx.push(
            Section::Route,
            0,
            Severity::Error,
            "completeness.route",
            Some("route".into()),
            tr!(
                lang,
                "Aucune voie d'accès n'est choisie : ce qu'il faut fournir en dépend.",
                "No access route is chosen: what the file must hold depends on it."
            ),
            tr!(
                lang,
                "Choisissez la voie : autorisation (HDH, CESREES, CNIL), une méthodologie de \
                 référence (MR-004 à MR-008) ou la voie rapide vers l'ESND.",
                "Choose the route: authorisation (HDH, CESREES, CNIL), a reference methodology \
                 (MR-004 to MR-008) or the fast route to the ESND."
            ),
        );
    }
    let p = &doc.project;
    if blank(&p.title) {
        missing(
            cx,
            Section::Project,
            0,
            "project.title",
            (
                tr!(
                    lang,
                    "Le projet n'a pas de titre.",
                    "The project has no title."
                ),
                tr!(
                    lang,
                    "Donnez un titre qui dit la question étudiée.",
                    "Give a title that says what is studied."
                ),
            ),
        );
    }
    if blank(&p.organisation) {
        missing(
            cx,
            Section::Project,
            1,
            "project.organisation",
            (
                tr!(
                    lang,
                    "Le responsable de traitement (l'organisme qui porte le projet) n'est pas \
                     indiqué.",
                    "The data controller (the organisation carrying the project) is not given."
                ),
                tr!(
                    lang,
                    "Indiquez l'organisme responsable du traitement.",
                    "Name the organisation responsible for the processing."
                ),
            ),
        );
    }
    if blank(&p.purpose) {
        missing(
            cx,
            Section::Project,
            2,
            "project.purpose",
            (
                tr!(
                    lang,
                    "La finalité du projet n'est pas décrite.",
                    "The purpose of the project is not described."
                ),
                tr!(
                    lang,
                    "Écrivez la question à laquelle l'étude répond et pourquoi ces données y \
                     répondent.",
                    "Write the question the study answers and why these data answer it."
                ),
            ),
        );
    }
    if blank(&p.public_interest) {
        missing(
            cx,
            Section::Project,
            3,
            "project.public_interest",
            (
                tr!(
                    lang,
                    "L'intérêt public du projet n'est pas justifié ; toutes les voies d'accès \
                     l'exigent.",
                    "The public interest of the project is not argued; every access route \
                     requires it."
                ),
                tr!(
                    lang,
                    "Expliquez ce que les résultats apporteront à la santé publique, aux \
                     patients ou au système de soins.",
                    "Explain what the results will bring to public health, patients or the \
                     health system."
                ),
            ),
        );
    }
    if doc.data.is_empty() {
        missing(
            cx,
            Section::Data,
            0,
            "data",
            (
                tr!(
                    lang,
                    "Aucune donnée n'est demandée.",
                    "No data is asked for."
                ),
                tr!(
                    lang,
                    "Ajoutez depuis le catalogue les tables et variables dont l'étude a besoin.",
                    "Add from the catalogue the tables and variables the study needs."
                ),
            ),
        );
    }
    period(doc, cx);
    let pop = &doc.population;
    if blank(&pop.text) && pop.criteria.is_empty() {
        missing(
            cx,
            Section::Population,
            0,
            "population.text",
            (
                tr!(
                    lang,
                    "La population étudiée n'est pas décrite.",
                    "The study population is not described."
                ),
                tr!(
                    lang,
                    "Décrivez qui entre dans l'étude et ajoutez les critères d'inclusion (codes \
                     de diagnostics, d'actes, de médicaments, ALD).",
                    "Describe who is in the study and add the inclusion criteria (codes of \
                     diagnoses, acts, drugs, long-term conditions)."
                ),
            ),
        );
    }
    if doc.linkage.kind != LinkageKind::None {
        if doc.linkage.keys.iter().all(|k| blank(k)) {
            missing(
                cx,
                Section::Linkage,
                0,
                "linkage.keys",
                (
                    tr!(
                        lang,
                        "Un appariement est prévu mais ses clés ne sont pas indiquées.",
                        "A linkage is planned but its keys are not given."
                    ),
                    tr!(
                        lang,
                        "Indiquez les variables qui relient les sources (le NIR via un tiers de \
                         confiance pour un appariement direct, les variables communes pour un \
                         appariement indirect).",
                        "Give the variables that link the sources (the NIR through a trusted \
                         third party for a direct linkage, the shared variables for an indirect \
                         one)."
                    ),
                ),
            );
        }
        if blank(&doc.linkage.text) {
            cx.push(
                Section::Linkage,
                1,
                Severity::Warning,
                "completeness.linkage-text",
                Some("linkage.text".into()),
                tr!(
                    lang,
                    "L'appariement n'est pas décrit.",
                    "The linkage is not described."
                ),
                tr!(
                    lang,
                    "Dites quelles sources sont reliées, par qui et comment.",
                    "Say which sources are linked, by whom and how."
                ),
            );
        }
    }
    if doc.processing.place == Place::Unset {
        missing(
            cx,
            Section::Processing,
            0,
            "processing.place",
            (
                tr!(
                    lang,
                    "Le lieu de traitement des données n'est pas choisi.",
                    "Where the data will be processed is not chosen."
                ),
                tr!(
                    lang,
                    "Choisissez la plateforme du HDH, le portail SNDS de la CNAM ou un autre \
                     environnement homologué au référentiel de sécurité du SNDS.",
                    "Choose the HDH platform, the CNAM's SNDS portal or another environment \
                     approved against the SNDS security framework."
                ),
            ),
        );
    } else if doc.processing.place == Place::Other && blank(&doc.processing.text) {
        cx.push(
            Section::Processing,
            1,
            Severity::Warning,
            "completeness.processing-text",
            Some("processing.text".into()),
            tr!(
                lang,
                "L'environnement de traitement n'est pas décrit.",
                "The processing environment is not described."
            ),
            tr!(
                lang,
                "Nommez l'environnement et dites comment il respecte le référentiel de \
                 sécurité du SNDS.",
                "Name the environment and say how it meets the SNDS security framework."
            ),
        );
    }
    match doc.retention_months {
        None | Some(0) => missing(
            cx,
            Section::Retention,
            0,
            "retention_months",
            (
                tr!(
                    lang,
                    "La durée de conservation (ou d'accès) des données n'est pas indiquée.",
                    "How long the data is kept (or accessed) is not given."
                ),
                tr!(
                    lang,
                    "Indiquez en mois la durée nécessaire à l'étude, pas davantage.",
                    "Give in months the time the study needs, no more."
                ),
            ),
        ),
        Some(_) => {}
    }
    if doc.team.iter().all(|m| blank(&m.name)) {
        missing(
            cx,
            Section::Team,
            0,
            "team",
            (
                tr!(
                    lang,
                    "Aucune personne n'est déclarée pour accéder aux données.",
                    "No person is declared to access the data."
                ),
                tr!(
                    lang,
                    "Listez les personnes qui accéderont aux données, avec leur rôle et leur \
                     organisme.",
                    "List the people who will access the data, with their role and organisation."
                ),
            ),
        );
    }
    if matches!(doc.route, Route::Mr007 | Route::Mr008) {
        let r = doc.route.name().to_uppercase();
        if doc.period.history_years.is_none() {
            missing(
                cx,
                Section::Period,
                2,
                "period.history_years",
                (
                    tr!(
                        lang,
                        "La profondeur historique n'est pas indiquée ; la {r} la demande.",
                        "The historical depth is not given; {r} asks for it."
                    ),
                    tr!(
                        lang,
                        "Indiquez en années l'historique nécessaire avant la période (pour les \
                         antécédents), ou 0.",
                        "Give in years the history needed before the period (for antecedents), \
                         or 0."
                    ),
                ),
            );
        }
        if blank(&pop.text) && !pop.criteria.is_empty() {
            missing(
                cx,
                Section::Population,
                0,
                "population.text",
                (
                    tr!(
                        lang,
                        "La population cible n'est pas décrite en mots ; la {r} la demande.",
                        "The target population is not described in words; {r} asks for it."
                    ),
                    tr!(
                        lang,
                        "Décrivez la population cible à côté de ses critères.",
                        "Describe the target population beside its criteria."
                    ),
                ),
            );
        }
    }
    if matches!(doc.route, Route::Mr005 | Route::Mr006)
        && matches!(doc.processing.place, Place::Hdh | Place::CnamPortal)
    {
        let r = doc.route.name().to_uppercase();
        cx.push(
            Section::Processing,
            0,
            Severity::Warning,
            "route.place",
            Some("processing.place".into()),
            tr!(
                lang,
                "Les études sous {r} se font sur la plateforme sécurisée de l'ATIH, pas sur \
                 l'environnement choisi.",
                "Studies under {r} run on the ATIH's secure platform, not in the environment \
                 chosen."
            ),
            tr!(
                lang,
                "Choisissez « autre environnement » et nommez la plateforme de l'ATIH, ou \
                 changez de voie.",
                "Choose \"other environment\" and name the ATIH platform, or change route."
            ),
        );
    }
    if doc.route == Route::Esnd && doc.linkage.kind != LinkageKind::None {
        cx.push(
            Section::Linkage,
            0,
            Severity::Error,
            "route.esnd-linkage",
            Some("linkage.kind".into()),
            tr!(
                lang,
                "La voie rapide vers l'ESND porte sur l'échantillon seul ; un appariement \
                 relève de la procédure d'autorisation.",
                "The fast route to the ESND covers the sample alone; a linkage belongs to the \
                 authorisation route."
            ),
            tr!(
                lang,
                "Retirez l'appariement, ou choisissez la voie d'autorisation.",
                "Remove the linkage, or choose the authorisation route."
            ),
        );
    }
    Ok(())
}

fn period(doc: &NeedStatement, cx: &mut Ctx) {
    let lang = cx.lang;
    let pe = &doc.period;
    let mut dates = [None, None];
    for (i, (field, value, end)) in [
        ("period.start", &pe.start, false),
        ("period.end", &pe.end, true),
    ]
    .into_iter()
    .enumerate()
    {
        if blank(value) {
            missing(
                cx,
                Section::Period,
                i,
                field,
                (
                    {
                        let what = match (lang, end) {
                            (Lang::Fr, false) => "début",
                            (Lang::Fr, true) => "fin",
                            (Lang::En, false) => "start",
                            (Lang::En, true) => "end",
                        };
                        tr!(
                            lang,
                            "La période d'étude n'a pas de {what}.",
                            "The study period has no {what}."
                        )
                    },
                    tr!(
                        lang,
                        "Indiquez une date sous la forme AAAA, AAAA-MM ou AAAA-MM-JJ.",
                        "Give a date as YYYY, YYYY-MM or YYYY-MM-DD."
                    ),
                ),
            );
            continue;
        }
        dates[i] = parse_day(value, end);
        if dates[i].is_none() {
            let v = value.trim();
            cx.push(
                Section::Period,
                i,
                Severity::Error,
                "completeness.period-format",
                Some(field.into()),
                tr!(
                    lang,
                    "« {v} » n'est pas une date lisible.",
                    "`{v}` is not a readable date."
                ),
                tr!(
                    lang,
                    "Écrivez AAAA, AAAA-MM ou AAAA-MM-JJ.",
                    "Write YYYY, YYYY-MM or YYYY-MM-DD."
                ),
            );
        }
    }
    if let [Some(a), Some(b)] = dates {
        if a > b {
            cx.push(
                Section::Period,
                1,
                Severity::Error,
                "completeness.period-order",
                Some("period.end".into()),
                tr!(
                    lang,
                    "La fin de la période précède son début.",
                    "The period ends before it starts."
                ),
                tr!(
                    lang,
                    "Corrigez le début ou la fin de la période.",
                    "Correct the start or the end of the period."
                ),
            );
        }
    }
}

/// Families of bases, for what a route reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Hospital stays (PMSI).
    Pmsi,
    /// The SNDS sample (EGB, now ESND).
    Sample,
    /// Another component of the SNDS.
    Snds,
    /// Outside the SNDS.
    Other,
    /// The catalogue does not say.
    Unknown,
}

/// The family of a base, from its routes, kind and parent when the catalogue describes it,
/// else from its name (the SNDS schemas alone name bases after their product: `PMSI MCO`, `EGB`).
fn family(id: &str, b: Option<&Base>) -> Family {
    let routes: Vec<&str> = b
        .map(|b| b.access.routes.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let names = match b {
        Some(b) => norm(&format!("{} {} {}", b.id, b.name, b.produits.join(" "))),
        None => norm(id),
    };
    let kind = b.map(|b| b.kind.as_str()).unwrap_or("");
    if kind == "sample"
        || routes
            .iter()
            .any(|r| r.starts_with("egb") || r.starts_with("esnd"))
        || has_any(&names, &[" egb ", " esnd "])
    {
        Family::Sample
    } else if routes.iter().any(|r| *r == "mr-005" || *r == "mr-006")
        || names.trim_start().starts_with("pmsi")
    {
        Family::Pmsi
    } else if b.is_some_and(|b| b.parent.as_deref() == Some("snds") || b.id == "snds") {
        Family::Snds
    } else if kind.is_empty() && b.is_none_or(|b| b.parent.is_none()) {
        Family::Unknown
    } else {
        Family::Other
    }
}

/// Items outside what the route reaches: one error per route rule, naming them.
pub(super) fn check_items(doc: &NeedStatement, items: &[Item], cx: &mut Ctx) -> Result<()> {
    let lang = cx.lang;
    let r = doc.route.name().to_uppercase();
    let (rule, allowed, message, fix): (&str, fn(Family) -> bool, String, String) = match doc.route
    {
        Route::Mr005 | Route::Mr006 => (
            "route.pmsi-only",
            |f| f == Family::Pmsi,
            tr!(
                lang,
                "La {r} ne donne accès qu'aux données du PMSI ; la demande va au-delà :",
                "{r} gives access to PMSI data only; the statement goes beyond it:"
            ),
            tr!(
                lang,
                "Retirez ces éléments, ou choisissez la voie d'autorisation.",
                "Remove these items, or choose the authorisation route."
            ),
        ),
        Route::Esnd => (
            "route.sample-only",
            |f| f == Family::Sample,
            tr!(
                lang,
                "La voie rapide ne porte que sur l'échantillon (ESND) ; la demande va au-delà :",
                "The fast route covers the sample (ESND) only; the statement goes beyond it:"
            ),
            tr!(
                lang,
                "Prenez les tables de l'échantillon, ou choisissez une autre voie.",
                "Take the sample's tables, or choose another route."
            ),
        ),
        Route::Mr007 | Route::Mr008 => (
            "route.main-base-only",
            |f| matches!(f, Family::Pmsi | Family::Snds | Family::Unknown),
            tr!(
                lang,
                "La {r} porte sur les composantes de la base principale du SNDS ; la demande va \
                 au-delà :",
                "{r} covers the components of the SNDS main base; the statement goes beyond it:"
            ),
            tr!(
                lang,
                "Retirez ces éléments, ou choisissez la voie d'autorisation.",
                "Remove these items, or choose the authorisation route."
            ),
        ),
        _ => return Ok(()),
    };
    let outside: Vec<&Item> = items
        .iter()
        .filter(|i| !allowed(family(&i.base_id, i.base.as_deref())))
        .collect();
    if let Some(first) = outside.first() {
        let names: Vec<String> = outside.iter().map(|i| i.reference.clone()).collect();
        let names = list_some(lang, &names, 5);
        cx.push(
            Section::Data,
            first.index,
            Severity::Error,
            rule,
            Some(first.reference.clone()),
            format!("{message} {names}."),
            fix,
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_dates_are_read_in_three_forms() {
        assert_eq!(parse_day("2015", false), Some((2015, 1, 1)));
        assert_eq!(parse_day("2015", true), Some((2015, 12, 31)));
        assert_eq!(parse_day("2015-06", true), Some((2015, 6, 31)));
        assert_eq!(parse_day("2015-06-02", false), Some((2015, 6, 2)));
        assert_eq!(parse_day("juin 2015", false), None);
        assert_eq!(parse_day("2015-13", false), None);
    }

    #[test]
    fn families_come_from_metadata_or_the_product_name() {
        let pmsi = Base {
            id: "pmsi-mco".into(),
            name: "PMSI MCO".into(),
            ..Default::default()
        };
        assert_eq!(family("pmsi-mco", Some(&pmsi)), Family::Pmsi);
        let egb = Base {
            id: "egb".into(),
            name: "EGB".into(),
            ..Default::default()
        };
        assert_eq!(family("egb", Some(&egb)), Family::Sample);
        let dcir = Base {
            id: "dcir".into(),
            name: "DCIR".into(),
            parent: Some("snds".into()),
            kind: "claims".into(),
            ..Default::default()
        };
        assert_eq!(family("dcir", Some(&dcir)), Family::Snds);
        let cohort = Base {
            id: "constances".into(),
            name: "CONSTANCES".into(),
            kind: "cohort".into(),
            ..Default::default()
        };
        assert_eq!(family("constances", Some(&cohort)), Family::Other);
    }
}
