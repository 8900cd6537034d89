//! Potential identifiers, recognised from a variable's metadata: its type and format (how
//! precise a date is), its description (what the date or place is of), the title of its table
//! (a referential of establishments is not about patients), and the SNDS naming conventions
//! of precision (`…_AMD`, `…_MOI`, `…_ANN`). For each one, the coarser variable the catalogue
//! has beside it.

use super::ctx::{Ctx, Folded};
use super::text::{core_words, has_any, norm};
use crate::cite::Lang;
use crate::model::{Table, Variable};
use crate::Result;
use std::rc::Rc;

/// How precise a date-like variable is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Precision {
    Day,
    Month,
    Year,
    /// Not a date.
    None,
}

/// Kinds of potential identifier. The first five are the SNDS glossary's; professionals and
/// establishments are identifiers that the export rules forbid taking out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Kind {
    BirthMonth,
    ResidenceCommune,
    CareDate,
    DeathDate,
    DeathCommune,
    Professional,
    Establishment,
}

impl Kind {
    pub fn rule(self) -> &'static str {
        match self {
            Kind::BirthMonth => "identifier.birth-month",
            Kind::ResidenceCommune => "identifier.residence-commune",
            Kind::CareDate => "identifier.care-date",
            Kind::DeathDate => "identifier.death-date",
            Kind::DeathCommune => "identifier.death-commune",
            Kind::Professional => "identifier.professional",
            Kind::Establishment => "identifier.establishment",
        }
    }

    /// One of the potential identifiers of the SNDS glossary, whose crossing re-identifies.
    pub fn glossary(self) -> bool {
        !matches!(self, Kind::Professional | Kind::Establishment)
    }

    /// An exact day.
    pub fn exact_date(self) -> bool {
        matches!(self, Kind::CareDate | Kind::DeathDate)
    }

    /// A place finer than the department.
    pub fn fine_place(self) -> bool {
        matches!(self, Kind::ResidenceCommune | Kind::DeathCommune)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Kind::BirthMonth, Lang::Fr) => "mois (ou date) de naissance",
            (Kind::BirthMonth, Lang::En) => "month (or date) of birth",
            (Kind::ResidenceCommune, Lang::Fr) => "lieu de résidence plus fin que le département",
            (Kind::ResidenceCommune, Lang::En) => "place of residence finer than the department",
            (Kind::CareDate, Lang::Fr) => "date exacte de soins",
            (Kind::CareDate, Lang::En) => "exact date of care",
            (Kind::DeathDate, Lang::Fr) => "date exacte de décès",
            (Kind::DeathDate, Lang::En) => "exact date of death",
            (Kind::DeathCommune, Lang::Fr) => "commune de décès",
            (Kind::DeathCommune, Lang::En) => "commune of death",
            (Kind::Professional, Lang::Fr) => "identifiant de professionnel de santé",
            (Kind::Professional, Lang::En) => "health professional identifier",
            (Kind::Establishment, Lang::Fr) => "identifiant d'établissement (FINESS)",
            (Kind::Establishment, Lang::En) => "establishment identifier (FINESS)",
        }
    }
}

fn ends_any(name: &str, suffixes: &[&str]) -> bool {
    suffixes.iter().any(|s| name.ends_with(s))
}

/// How precise `v` is as a date; `d` is its folded description.
pub(super) fn precision(v: &Variable, d: &str) -> Precision {
    let n = v.name.to_ascii_uppercase();
    let fmt = v.format.as_deref().unwrap_or("default");
    let month_words = has_any(d, &[" annee et mois ", " annee mois ", " mois "]);
    let month_name = ends_any(
        &n,
        &["_AM", "_AMD", "_AMF", "_AME", "_ANM", "_MOI", "_MOIS"],
    );
    match v.r#type.to_ascii_lowercase().as_str() {
        "year" => Precision::Year,
        "yearmonth" => Precision::Month,
        "date" | "datetime" => {
            if month_words || month_name || fmt == "%m" || fmt == "%Y%m" {
                Precision::Month
            } else if ends_any(&n, &["_ANN", "_AN"]) || fmt == "%Y" {
                Precision::Year
            } else {
                Precision::Day
            }
        }
        _ if has_any(d, &[" date ", " naissance ", " deces "]) => {
            if month_words || month_name {
                Precision::Month
            } else if has_any(d, &[" annee "]) || ends_any(&n, &["_ANN"]) {
                Precision::Year
            } else {
                Precision::None
            }
        }
        _ => Precision::None,
    }
}

/// A referential of establishments or professionals: its places and dates are theirs, not
/// patients'.
pub(super) fn about_providers(t: &Table) -> bool {
    let title = norm(&t.title);
    has_any(&title, &[" referentiel"]) && has_any(&title, &[" etablissement", " professionnel"])
}

/// Dates of the information system and of contracts, not of a person's care.
const ADMINISTRATIVE: &[&str] = &[
    " insertion",
    " mise a jour",
    " mise a disposition",
    " des donnees",
    " systeme d information",
    " alimentation",
    " maximale de traitement",
    " liquidation",
    " arrivee du dossier",
    " mandatement",
    " remboursement",
    " verrouillage",
    " contrat",
    " convention",
    " selection",
    " classement",
    " rattachement",
    " effet ",
    " finess",
    " flux",
];

/// Words naming a provider in a description.
const PROVIDER_WORDS: &[&str] = &[
    " p s ",
    " ps ",
    " professionnel",
    " prescripteur",
    " executant",
    " etablissement",
    " etab ",
    " medecin",
    " praticien",
    " pharmacien",
];

/// What kind of potential identifier `v` of table `t` is, if any.
#[cfg(test)]
pub(super) fn classify(v: &Variable, t: &Table) -> Option<Kind> {
    classify_folded(v, &norm(&v.description), about_providers(t))
}

/// [`classify`] with the description already folded (`d`) and whether the table is a
/// referential of providers.
pub(super) fn classify_folded(v: &Variable, d: &str, providers: bool) -> Option<Kind> {
    let ty = v.r#type.to_ascii_lowercase();
    if ty == "boolean" {
        return None;
    }
    // Quality controls of a field ("code retour contrôle date de naissance") hold no value of it.
    if has_any(d, &[" code retour", " controle ", " coherence "]) {
        return None;
    }
    let is_date = ty == "date" || ty == "datetime";
    let p = precision(v, d);
    if has_any(d, &[" finess"]) {
        return (!is_date && !has_any(d, &[" sans autorisation", " indicateur"]))
            .then_some(Kind::Establishment);
    }
    if has_any(
        d,
        &[
            " n ",
            " numero",
            " identifiant",
            " matricule",
            " rpps",
            " adeli",
            " nom ",
        ],
    ) && has_any(
        d,
        &[
            // Whole words: `maladies professionnelles` are not people.
            " professionnel ",
            " professionnels ",
            " p s ",
            " ps ",
            " prescripteur",
            " executant",
            " medecin",
            " praticien",
            " pharmacien",
            " accompagnateur",
            " conducteur",
        ],
    ) && !has_any(
        d,
        &[
            " specialite",
            " nature",
            " mode ",
            " convention",
            " indicateur",
            " fiabilite",
            " ordre",
            " organisme",
        ],
    ) {
        return Some(Kind::Professional);
    }
    if has_any(d, &[" naissance "]) {
        let other = has_any(
            d,
            &[
                " rang ",
                " poids ",
                " mere ",
                " pere ",
                " type de ",
                " p s ",
                " ps ",
            ],
        );
        return (!other && matches!(p, Precision::Day | Precision::Month))
            .then_some(Kind::BirthMonth);
    }
    if has_any(d, &[" deces "]) {
        if has_any(d, &[" commune"]) {
            return Some(Kind::DeathCommune);
        }
        return (is_date && p == Precision::Day).then_some(Kind::DeathDate);
    }
    if providers {
        return None;
    }
    if has_any(
        d,
        &[" commune", " code postal", " code geographique", " iris "],
    ) && !has_any(d, PROVIDER_WORDS)
        && !has_any(d, &[" prof"])
    {
        return Some(Kind::ResidenceCommune);
    }
    if is_date && p == Precision::Day && !has_any(d, ADMINISTRATIVE) {
        return Some(Kind::CareDate);
    }
    None
}

/// A coarser variable the catalogue has in place of an identifier.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Alternative {
    pub table: String,
    pub name: String,
    pub description: String,
}

/// How well `c` stands in for `v` of kind `k` (0: not at all). Both descriptions folded.
fn score(k: Kind, v: &Variable, d: &str, c: &Variable, dc: &str, ck: Option<Kind>) -> u32 {
    if c.name == v.name || ck.is_some() {
        return 0;
    }
    let pc = precision(c, dc);
    let role = |words: &[&str]| -> bool {
        // A professional's or establishment's stand-in plays the same role (executing,
        // prescribing) when the identifier names one.
        let roles = [" executant", " prescripteur", " traitant"];
        let mine: Vec<&&str> = roles.iter().filter(|r| d.contains(**r)).collect();
        has_any(dc, words) && (mine.is_empty() || mine.iter().any(|r| dc.contains(**r)))
    };
    match k {
        Kind::BirthMonth => {
            if has_any(dc, &[" naissance "])
                && pc == Precision::Year
                && !has_any(dc, &[" mere ", " pere ", " p s ", " ps "])
            {
                3
            } else if has_any(dc, &[" age "])
                && !has_any(dc, &[" gestationnel", " mere "])
                && pc == Precision::None
            {
                1
            } else {
                0
            }
        }
        Kind::ResidenceCommune | Kind::DeathCommune => {
            let death = k == Kind::DeathCommune;
            if has_any(dc, &[" deces "]) != death
                || has_any(dc, PROVIDER_WORDS)
                || has_any(dc, &[" prof"])
            {
                0
            } else if has_any(dc, &[" departement"]) {
                3
            } else if has_any(dc, &[" region"]) {
                1
            } else {
                0
            }
        }
        Kind::DeathDate => match (has_any(dc, &[" deces "]), pc) {
            (true, Precision::Month) => 3,
            (true, Precision::Year) => 2,
            _ => 0,
        },
        Kind::CareDate => {
            if !matches!(pc, Precision::Month | Precision::Year) {
                return 0;
            }
            let same_event = core_words(d) == core_words(dc);
            let (stem, stem_c) = (stem(&v.name), stem(&c.name));
            let same_stem = !stem.is_empty() && stem == stem_c;
            if !same_event && !same_stem {
                return 0;
            }
            let mut s = 1;
            if same_event {
                s += 2;
            }
            if same_stem && v.name.chars().last() == c.name.chars().last() {
                s += 1;
            }
            if pc == Precision::Month {
                s += 1;
            }
            s
        }
        Kind::Professional => {
            // The professional's own traits, not dates of them nor their establishment's.
            if has_any(dc, &[" date ", " etablissement", " etab "]) {
                0
            } else if role(&[" specialite"]) {
                3
            } else if role(&[" departement"]) {
                2
            } else {
                0
            }
        }
        Kind::Establishment => {
            if !has_any(dc, &[" etablissement", " etab "]) {
                0
            } else if role(&[" categorie", " statut"]) {
                3
            } else if role(&[" departement"]) {
                2
            } else {
                0
            }
        }
    }
}

/// `EXE_SOI_DTD` → `EXE_SOI`: the name without its last part, which says the precision.
fn stem(name: &str) -> &str {
    name.rsplit_once('_').map(|(s, _)| s).unwrap_or("")
}

/// The coarser variables (at most two, equally good) for `v` of kind `k` in table `t`: in the
/// table itself, else in the tables it is linked to. Only variables that exist in the catalogue
/// are proposed.
pub(super) fn alternatives(
    cx: &mut Ctx,
    k: Kind,
    v: &Variable,
    t: &Rc<Table>,
) -> Result<Vec<Alternative>> {
    let d = norm(&v.description);
    let best = |t: &Table, f: &Folded| -> Vec<(u32, Alternative)> {
        let mut found: Vec<(u32, Alternative)> = t
            .variables
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let s = score(k, v, &d, c, &f.desc[i], f.kind[i]);
                (s > 0).then(|| {
                    (
                        s,
                        Alternative {
                            table: t.name.clone(),
                            name: c.name.clone(),
                            description: c.description.clone(),
                        },
                    )
                })
            })
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
        found
    };
    let f = cx.folded(t);
    let mut found = best(t, &f);
    // A professional's stand-in must describe the same professional: only its own table does.
    if found.is_empty() && k != Kind::Professional {
        // Linked tables, those it points to first (a detail table's person or stay).
        let (out, inn) = cx.cat.joins(&t.name)?;
        let mut seen = std::collections::HashSet::new();
        for j in out.iter().chain(inn.iter()).filter(|j| j.exists).take(12) {
            if !seen.insert(j.table.clone()) || j.table == t.name {
                continue;
            }
            if let Some(lt) = cx.table(&j.table)? {
                let lf = cx.folded(&lt);
                found.extend(best(&lt, &lf));
            }
        }
        found.sort_by_key(|f| std::cmp::Reverse(f.0));
    }
    // The best stand-ins only: two of equal merit are offered as a choice.
    let top = found.first().map(|f| f.0).unwrap_or(0);
    let mut out: Vec<Alternative> = Vec::new();
    for (_, a) in found.into_iter().filter(|f| f.0 == top) {
        if !out.iter().any(|o| o.name == a.name) {
            out.push(a);
        }
        if out.len() == 2 {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, ty: &str, format: &str, description: &str) -> Variable {
        Variable {
            name: name.into(),
            r#type: ty.into(),
            format: Some(format.into()),
            description: description.into(),
            ..Default::default()
        }
    }

    fn table(title: &str) -> Table {
        Table {
            name: "T".into(),
            title: title.into(),
            ..Default::default()
        }
    }

    #[test]
    fn kinds_come_from_type_format_and_description() {
        let t = table("Table des prestations");
        let k = |v: Variable| classify(&v, &t);
        assert_eq!(
            k(var("X1", "date", "%m", "Mois de naissance du bénéficiaire")),
            Some(Kind::BirthMonth)
        );
        assert_eq!(
            k(var(
                "X2",
                "year",
                "default",
                "Année de naissance du bénéficiaire"
            )),
            None
        );
        assert_eq!(
            k(var(
                "X3",
                "date",
                "default",
                "Date de décés du bénéficiaire"
            )),
            Some(Kind::DeathDate)
        );
        assert_eq!(
            k(var("X4", "yearmonth", "default", "Année et mois de décès")),
            None
        );
        assert_eq!(
            k(var("X5", "string", "default", "Commune de résidence")),
            Some(Kind::ResidenceCommune)
        );
        assert_eq!(
            k(var("X6", "date", "%d%m%Y", "date d'entrée")),
            Some(Kind::CareDate)
        );
        assert_eq!(
            k(var(
                "X7",
                "date",
                "default",
                "Date de mise à disposition des données"
            )),
            None
        );
        assert_eq!(
            k(var(
                "X8",
                "date",
                "default",
                "Date d'entrée au format année + mois"
            )),
            None
        );
        assert_eq!(
            k(var(
                "X9",
                "string",
                "default",
                "N° du professionnel de santé exécutant"
            )),
            Some(Kind::Professional)
        );
        assert_eq!(
            k(var(
                "X10",
                "string",
                "default",
                "Code commune adr. prof du P.S."
            )),
            None
        );
        assert_eq!(
            k(var(
                "X13",
                "string",
                "default",
                "Numéro de tableau des maladies professionnelles (MP)"
            )),
            None
        );
        assert_eq!(
            k(var(
                "X11",
                "boolean",
                "default",
                "Code retour contrôle date de naissance"
            )),
            None
        );
        let referential = table("Référentiel CNAMTS des établissements");
        assert_eq!(
            classify(
                &var("X12", "string", "default", "Numéro de Commune"),
                &referential
            ),
            None
        );
    }

    #[test]
    fn the_coarser_date_is_the_same_event_by_month() {
        let t = Table {
            name: "T".into(),
            title: "Table des prestations".into(),
            variables: vec![
                var(
                    "EXE_SOI_DTD",
                    "date",
                    "default",
                    "Date de début d'exécution des soins",
                ),
                var(
                    "EXE_SOI_DTF",
                    "date",
                    "default",
                    "Date de fin d'exécution des soins",
                ),
                var(
                    "EXE_SOI_AMD",
                    "yearmonth",
                    "default",
                    "Date (année et mois) de début d'exécution des soins",
                ),
                var(
                    "EXE_SOI_AMF",
                    "yearmonth",
                    "default",
                    "Date (année et mois) de fin d'exécution des soins",
                ),
            ],
            ..Default::default()
        };
        let v = &t.variables[1];
        let d = norm(&v.description);
        let s = |c: &Variable| {
            score(
                Kind::CareDate,
                v,
                &d,
                c,
                &norm(&c.description),
                classify(c, &t),
            )
        };
        assert!(s(&t.variables[3]) > s(&t.variables[2]));
        assert_eq!(s(&t.variables[0]), 0);
    }
}
