//! The population's criteria checked against their code lists (unknown codes, codes so
//! specific that the group is small), and the sensitive categories of health data found in the
//! criteria's labels and in the tables and variables asked for.

use super::ctx::Ctx;
use super::data::Item;
use super::text::{has_any, list_some, norm};
use super::{Section, Severity};
use crate::cite::Lang;
use crate::need::{CriterionKind, NeedStatement};
use crate::Result;

/// Most codes looked up in one check: a statement may list thousands of drug codes; beyond
/// this the checks say they stopped.
const MAX_CODES: usize = 5_000;

/// At most this many exact leaf codes make a criterion "very specific".
const FEW_CODES: usize = 3;

/// Sensitive categories of health data, recognised in folded text. The words are those the
/// code lists and schemas use (CIM-10 labels, table titles such as `Fich comp IVG`, the RIM-P
/// psychiatry product).
const SENSITIVE: &[(&str, &[&str])] = &[
    (
        "hiv",
        &[" vih ", " sida ", " hiv ", " immunodeficience humaine"],
    ),
    (
        "mental-health",
        &[
            " psychiatr",
            " rim p ",
            " mentaux ",
            " mental ",
            " mentale ",
            " schizophren",
            " bipolaire",
            " depressi",
            " psychose",
            " psychotique",
            " isolement et contention",
        ],
    ),
    (
        "abortion",
        &[" ivg ", " interruption volontaire", " avortement"],
    ),
    (
        "addiction",
        &[
            " addict",
            " alcool",
            " toxicoman",
            " cannabi",
            " cocain",
            " drogue",
            " substances psychoactives",
            " sevrage",
            " buprenorphine",
            " methadone",
            " opioides",
        ],
    ),
    (
        "suicide",
        &[
            " suicid",
            " auto infligee",
            " auto intoxication",
            " autolyse",
        ],
    ),
    (
        "detention",
        &[" penitentiaire", " detenu", " milieu carceral"],
    ),
    (
        "rare-disease",
        &[
            " maladie orpheline",
            " maladies orphelines",
            " maladie rare",
            " maladies rares",
        ],
    ),
];

fn category_label(cat: &str, lang: Lang) -> &'static str {
    match (cat, lang) {
        ("hiv", Lang::Fr) => "infection par le VIH",
        ("hiv", Lang::En) => "HIV infection",
        ("mental-health", Lang::Fr) => "santé mentale",
        ("mental-health", Lang::En) => "mental health",
        ("abortion", Lang::Fr) => "interruption volontaire de grossesse",
        ("abortion", Lang::En) => "abortion",
        ("addiction", Lang::Fr) => "addictions",
        ("addiction", Lang::En) => "addictions",
        ("suicide", Lang::Fr) => "suicide et gestes auto-infligés",
        ("suicide", Lang::En) => "suicide and self-harm",
        ("detention", Lang::Fr) => "détention",
        ("detention", Lang::En) => "detention",
        (_, Lang::Fr) => "maladies rares",
        (_, Lang::En) => "rare diseases",
    }
}

/// Where a sensitive category was seen: the item or field, and in words.
struct Seen {
    section: Section,
    index: usize,
    item: String,
    what: String,
}

/// The code lists a criterion of each kind usually takes its codes from, proposed only when the
/// catalogue has them.
fn usual_lists(kind: CriterionKind) -> &'static [&'static str] {
    match kind {
        CriterionKind::Diagnosis => &["IR_CIM_V", "MS_CIM_V"],
        CriterionKind::Act => &["IR_CCAM_V63", "IR_CCAM_V54"],
        CriterionKind::Drug => &["IR_PHA_R", "IR_CIP_V", "IR_UCD_V"],
        CriterionKind::Ald => &["IR_ALD_V"],
        CriterionKind::Other => &[],
    }
}

pub(super) fn check(doc: &NeedStatement, items: &[Item], cx: &mut Ctx) -> Result<()> {
    let lang = cx.lang;
    let mut seen: Vec<(usize, Seen)> = Vec::new();
    let mut budget = MAX_CODES;
    for (ci, c) in doc.population.criteria.iter().enumerate() {
        let path = format!("population.criteria[{ci}]");
        let nom = c.nomenclature.trim();
        let codes: Vec<String> = c
            .codes
            .iter()
            .map(|s| s.trim().replace(['.', ' '], "").to_uppercase())
            .filter(|s| !s.is_empty())
            .collect();
        let n = ci + 1;
        if c.kind == CriterionKind::Other {
            if c.text.trim().is_empty() && codes.is_empty() {
                cx.push(
                    Section::Population,
                    n,
                    Severity::Warning,
                    "population.empty-criterion",
                    Some(path.clone()),
                    tr!(
                        lang,
                        "Le critère {n} ne dit ni ses codes ni ce qu'il retient.",
                        "Criterion {n} gives neither codes nor what it selects."
                    ),
                    tr!(
                        lang,
                        "Décrivez le critère en mots, ou retirez-le.",
                        "Describe the criterion in words, or remove it."
                    ),
                );
            }
            if nom.is_empty() {
                continue;
            }
        } else {
            if nom.is_empty() {
                let usual: Vec<String> = usual_lists(c.kind)
                    .iter()
                    .filter(|l| cx.cat.nomenclature(l).ok().flatten().is_some())
                    .map(|l| l.to_string())
                    .collect();
                let fix = if usual.is_empty() {
                    tr!(
                        lang,
                        "Indiquez la nomenclature d'où viennent les codes.",
                        "Name the code list the codes come from."
                    )
                } else {
                    let l = list_some(lang, &usual, 3);
                    tr!(
                        lang,
                        "Indiquez la nomenclature d'où viennent les codes (par exemple {l}).",
                        "Name the code list the codes come from (for example {l})."
                    )
                };
                cx.push(
                    Section::Population,
                    n,
                    Severity::Warning,
                    "population.no-nomenclature",
                    Some(path.clone()),
                    tr!(
                        lang,
                        "Le critère {n} ne dit pas de quelle nomenclature viennent ses codes.",
                        "Criterion {n} does not say which code list its codes come from."
                    ),
                    fix,
                );
            }
            if codes.is_empty() {
                cx.push(
                    Section::Population,
                    n,
                    Severity::Warning,
                    "population.no-codes",
                    Some(path.clone()),
                    tr!(
                        lang,
                        "Le critère {n} n'a aucun code : l'extraction ne pourra pas le cibler.",
                        "Criterion {n} has no code: the extraction cannot target it."
                    ),
                    tr!(
                        lang,
                        "Ajoutez les codes, ou des préfixes terminés par * (I21*).",
                        "Add the codes, or prefixes ending with * (I21*)."
                    ),
                );
            }
            if nom.is_empty() {
                continue;
            }
        }
        if cx.cat.nomenclature(nom)?.is_none() {
            cx.push(
                Section::Population,
                n,
                Severity::Warning,
                "population.unknown-nomenclature",
                Some(path.clone()),
                tr!(
                    lang,
                    "La nomenclature {nom} du critère {n} n'est pas dans le catalogue : ses codes \
                     ne peuvent pas être vérifiés.",
                    "Code list {nom} of criterion {n} is not in the catalogue: its codes cannot \
                     be checked."
                ),
                tr!(
                    lang,
                    "Vérifiez le nom de la nomenclature (celui des tables de valeurs du SNDS, \
                     comme IR_CIM_V).",
                    "Check the code list's name (that of the SNDS value tables, such as \
                     IR_CIM_V)."
                ),
            );
            continue;
        }
        let mut unknown: Vec<String> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        let mut leaves = 0;
        let mut rare_labels: Vec<String> = Vec::new();
        for code in &codes {
            if budget == 0 {
                break;
            }
            budget -= 1;
            let (prefix, exact) = match code.strip_suffix('*') {
                Some(p) => (p, false),
                None => (code.as_str(), true),
            };
            if prefix.is_empty() {
                continue;
            }
            let (total, first) = cx.cat.codes_with_prefix(nom, prefix, 20)?;
            let hit = if exact {
                first.iter().find(|r| r.code == prefix)
            } else {
                first.first()
            };
            let Some(hit) = hit else {
                unknown.push(code.clone());
                continue;
            };
            if exact {
                labels.push(hit.label.clone());
                if total == 1 {
                    leaves += 1;
                }
            } else {
                labels.extend(first.iter().map(|r| r.label.clone()));
            }
            if has_any(
                &norm(&hit.label),
                &[" rare", " orphelin", " congenital", " hereditaire"],
            ) {
                rare_labels.push(format!("{} ({})", hit.code, hit.label));
            }
        }
        if !unknown.is_empty() {
            let list = list_some(lang, &unknown, 8);
            cx.push(
                Section::Population,
                n,
                Severity::Error,
                "population.unknown-code",
                Some(path.clone()),
                tr!(
                    lang,
                    "Codes inconnus de {nom} dans le critère {n} : {list}.",
                    "Codes unknown to {nom} in criterion {n}: {list}."
                ),
                tr!(
                    lang,
                    "Corrigez-les d'après la nomenclature (un préfixe se termine par *), ou \
                     retirez-les.",
                    "Correct them from the code list (a prefix ends with *), or remove them."
                ),
            );
        }
        let specific = !codes.is_empty()
            && unknown.is_empty()
            && codes.len() <= FEW_CODES
            && leaves == codes.len();
        if specific || !rare_labels.is_empty() {
            let what = if rare_labels.is_empty() {
                list_some(lang, &codes, FEW_CODES)
            } else {
                list_some(lang, &rare_labels, 3)
            };
            cx.push(
                Section::Population,
                n,
                Severity::Info,
                "population.rare-codes",
                Some(path.clone()),
                tr!(
                    lang,
                    "Le critère {n} retient des codes très précis ({what}) : la population peut \
                     être petite, et chacun y plus facile à reconnaître.",
                    "Criterion {n} uses very specific codes ({what}): the population may be \
                     small, and each person in it easier to recognise."
                ),
                tr!(
                    lang,
                    "Vérifiez les effectifs attendus, gardez les autres variables grossières et \
                     ne publiez que des effectifs d'au moins 10.",
                    "Check the expected counts, keep the other variables coarse and publish no \
                     count under 10."
                ),
            );
        }
        for l in &labels {
            let d = norm(l);
            for (ki, (_, pats)) in SENSITIVE.iter().enumerate() {
                if has_any(&d, pats) {
                    seen.push((
                        ki,
                        Seen {
                            section: Section::Population,
                            index: n,
                            item: path.clone(),
                            what: l.clone(),
                        },
                    ));
                }
            }
        }
    }
    for it in items {
        let Some(t) = &it.table else { continue };
        let f = cx.folded(t);
        let mut texts = vec![f.context.as_str()];
        if let Some(i) = it.var {
            texts.push(&f.desc[i]);
        }
        let base = it.base.as_ref().map(|b| norm(&b.name)).unwrap_or_default();
        texts.push(&base);
        for (ki, (_, pats)) in SENSITIVE.iter().enumerate() {
            if texts.iter().any(|x| has_any(x, pats)) {
                let what = match it.variable() {
                    Some(v) => format!("{}.{} ({})", t.name, v.name, v.description),
                    None => format!("{} ({})", t.name, t.title),
                };
                seen.push((
                    ki,
                    Seen {
                        section: Section::Data,
                        index: it.index,
                        item: it.reference.clone(),
                        what,
                    },
                ));
            }
        }
    }
    for (ki, (cat, _)) in SENSITIVE.iter().enumerate() {
        let here: Vec<&Seen> = seen
            .iter()
            .filter(|(k, _)| *k == ki)
            .map(|(_, s)| s)
            .collect();
        let Some(first) = here.first() else { continue };
        let mut whats: Vec<String> = Vec::new();
        for s in &here {
            if !whats.contains(&s.what) {
                whats.push(s.what.clone());
            }
        }
        let whats = list_some(lang, &whats, 3);
        let label = category_label(cat, lang);
        cx.push(
            first.section,
            first.index,
            Severity::Info,
            &format!("sensitive.{cat}"),
            Some(first.item.clone()),
            tr!(
                lang,
                "La demande touche une catégorie sensible ({label}) : {whats}.",
                "The statement touches a sensitive category ({label}): {whats}."
            ),
            tr!(
                lang,
                "Justifiez ce besoin avec soin, limitez l'équipe qui y accède, et vérifiez \
                 qu'aucun résultat ne laisse deviner cette information pour une personne.",
                "Justify this need with care, keep the team with access small, and make sure \
                 no result lets anyone infer this information about a person."
            ),
        );
    }
    Ok(())
}
