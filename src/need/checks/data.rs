//! The data asked for: each item found in the catalogue, then data minimisation (every item
//! justified, no whole table or base without a selection, no duplicate), potential identifiers
//! with their coarser alternatives, and the combinations that re-identify.

use super::ctx::Ctx;
use super::text::{list, list_or, list_some, says_something};
use super::vars::{alternatives, Alternative, Kind};
use super::{Section, Severity};
use crate::cite::Lang;
use crate::model::{Base, Table, Variable};
use crate::need::{DataItem, NeedStatement};
use crate::Result;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// A data item with what the catalogue says of it.
pub(super) struct Item<'d> {
    /// Its index in the statement.
    pub index: usize,
    pub item: &'d DataItem,
    pub reference: String,
    /// The table, when the item names one that the catalogue has.
    pub table: Option<Rc<Table>>,
    /// The variable's index in the table, when the item names one that the table has.
    pub var: Option<usize>,
    /// The base: the table's, else the one the item names.
    pub base: Option<Rc<Base>>,
    /// The id of that base (kept when the catalogue does not know it).
    pub base_id: String,
}

impl Item<'_> {
    pub fn variable(&self) -> Option<&Variable> {
        Some(&self.table.as_ref()?.variables[self.var?])
    }
}

/// Finds every item of `doc` in the catalogue; says which ones it does not know.
pub(super) fn resolve<'d>(doc: &'d NeedStatement, cx: &mut Ctx) -> Result<Vec<Item<'d>>> {
    let lang = cx.lang;
    let mut out = Vec::with_capacity(doc.data.len());
    for (index, item) in doc.data.iter().enumerate() {
        let reference = item.reference();
        let table = match &item.table {
            Some(t) => cx.table(t.trim())?,
            None => None,
        };
        let var = match (&table, &item.variable) {
            (Some(t), Some(v)) => t
                .variables
                .iter()
                .position(|x| x.name.eq_ignore_ascii_case(v.trim())),
            _ => None,
        };
        let base_id = table
            .as_ref()
            .map(|t| t.base.clone())
            .unwrap_or_else(|| item.base.trim().to_string());
        let base = if base_id.is_empty() {
            None
        } else {
            cx.base(&base_id)?
        };
        let unknown = match (&item.table, &item.variable) {
            (Some(t), _) if table.is_none() => Some(tr!(
                lang,
                "La table {t} n'est pas dans le catalogue.",
                "Table {t} is not in the catalogue."
            )),
            (Some(t), Some(v)) if var.is_none() => Some(tr!(
                lang,
                "La variable {v} n'est pas dans la table {t} du catalogue.",
                "Variable {v} is not in table {t} of the catalogue."
            )),
            (None, _) if base.is_none() => Some(tr!(
                lang,
                "La base « {base_id} » n'est pas dans le catalogue.",
                "Base `{base_id}` is not in the catalogue."
            )),
            _ => None,
        };
        if let Some(message) = unknown {
            cx.push(
                Section::Data,
                index,
                Severity::Warning,
                "data.unknown",
                Some(reference.clone()),
                message,
                tr!(
                    lang,
                    "Vérifiez l'orthographe, ou choisissez l'élément dans le catalogue pour que \
                     les vérifications puissent le lire.",
                    "Check the spelling, or pick the item from the catalogue so that the checks \
                     can read it."
                ),
            );
        }
        out.push(Item {
            index,
            item,
            reference,
            table,
            var,
            base,
            base_id,
        });
    }
    Ok(out)
}

/// One potential identifier in the statement: asked for itself, or inside a whole table.
struct Ident {
    index: usize,
    table: String,
    name: String,
    kind: Kind,
    /// Brought along as a join key.
    key: bool,
}

fn alt_names(lang: Lang, alts: &[Alternative], from: &str) -> String {
    let names: Vec<String> = alts
        .iter()
        .map(|a| {
            if a.table == from {
                format!("{} ({})", a.name, a.description)
            } else {
                format!("{} ({}, table {})", a.name, a.description, a.table)
            }
        })
        .collect();
    list_or(lang, &names)
}

pub(super) fn check(doc: &NeedStatement, items: &[Item], cx: &mut Ctx) -> Result<()> {
    let lang = cx.lang;
    let _ = doc;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let whole_tables: BTreeSet<String> = items
        .iter()
        .filter(|i| i.item.variable.is_none())
        .filter_map(|i| i.table.as_ref().map(|t| t.name.clone()))
        .collect();
    let mut idents: Vec<Ident> = Vec::new();
    for it in items {
        let r = &it.reference;
        // Duplicates: reported once, on the later copy; the rest of its checks are the first's.
        if let Some(first) = seen.get(r) {
            let n = first + 1;
            cx.push(
                Section::Data,
                it.index,
                Severity::Warning,
                "minimisation.duplicate",
                Some(r.clone()),
                tr!(
                    lang,
                    "{r} est demandé deux fois (déjà en position {n}).",
                    "{r} is asked for twice (already at position {n})."
                ),
                tr!(
                    lang,
                    "Retirez ce doublon et gardez une seule justification.",
                    "Remove the duplicate and keep one justification."
                ),
            );
            continue;
        }
        seen.insert(r.clone(), it.index);
        let why = it.item.why.trim();
        // An identifier's own finding says when it is unjustified, with its coarser stand-in.
        let kind = match (&it.table, it.var) {
            (Some(t), Some(i)) => cx.folded(t).kind[i],
            _ => None,
        };
        let identifier = kind.is_some();
        if !it.item.key {
            if why.is_empty() && !identifier {
                cx.push(
                    Section::Data,
                    it.index,
                    Severity::Warning,
                    "minimisation.unjustified",
                    Some(r.clone()),
                    tr!(
                        lang,
                        "{r} n'est pas justifié : chaque donnée demandée doit l'être \
                         (minimisation des données).",
                        "{r} is not justified: every data item asked for must be (data \
                         minimisation)."
                    ),
                    tr!(
                        lang,
                        "Dites à quoi il sert dans l'analyse (critère, variable d'ajustement, \
                         résultat…), ou retirez-le.",
                        "Say what it is for in the analysis (criterion, adjustment variable, \
                         outcome…), or remove it."
                    ),
                );
            } else if !says_something(why) {
                cx.push(
                    Section::Data,
                    it.index,
                    Severity::Info,
                    "minimisation.vague",
                    Some(r.clone()),
                    tr!(
                        lang,
                        "La justification de {r} (« {why} ») est trop courte pour convaincre un \
                         relecteur.",
                        "The justification of {r} (\"{why}\") is too short to convince a \
                         reviewer."
                    ),
                    tr!(
                        lang,
                        "Écrivez en une phrase le rôle de cette donnée dans le protocole.",
                        "Write in one sentence what the item does in the protocol."
                    ),
                );
            }
        }
        match (&it.table, &it.item.table, &it.item.variable) {
            // A whole base.
            (None, None, _) => {
                let name = it.base.as_ref().map(|b| b.name.clone()).unwrap_or_default();
                let n = cx
                    .cat
                    .tables(Some(&it.base_id))
                    .map(|t| t.len())
                    .unwrap_or(0);
                cx.push(
                    Section::Data,
                    it.index,
                    Severity::Warning,
                    "minimisation.whole-base",
                    Some(r.clone()),
                    tr!(
                        lang,
                        "La base {name} est demandée entière ({n} tables dans le catalogue), \
                         sans sélection.",
                        "Base {name} is asked for whole ({n} tables in the catalogue), with no \
                         selection."
                    ),
                    tr!(
                        lang,
                        "Listez les tables, puis les variables, dont l'étude a besoin, chacune \
                         avec sa raison.",
                        "List the tables, then the variables, that the study needs, each with \
                         its reason."
                    ),
                );
            }
            // A whole table.
            (Some(t), _, None) => {
                let n = t.variables.len();
                let tn = &t.name;
                cx.push(
                    Section::Data,
                    it.index,
                    Severity::Warning,
                    "minimisation.whole-table",
                    Some(r.clone()),
                    tr!(
                        lang,
                        "La table {tn} est demandée entière ({n} variables), sans sélection de \
                         variables.",
                        "Table {tn} is asked for whole ({n} variables), with no selection of \
                         variables."
                    ),
                    tr!(
                        lang,
                        "Listez les variables dont vous avez besoin, chacune avec sa raison.",
                        "List the variables you need, each with its reason."
                    ),
                );
                let mut held: Vec<(Kind, String)> = Vec::new();
                let f = cx.folded(t);
                for (v, k) in t.variables.iter().zip(&f.kind) {
                    if let Some(k) = *k {
                        held.push((k, v.name.clone()));
                        idents.push(Ident {
                            index: it.index,
                            table: t.name.clone(),
                            name: v.name.clone(),
                            kind: k,
                            key: false,
                        });
                    }
                }
                let glossary: Vec<String> = held
                    .iter()
                    .filter(|(k, _)| k.glossary())
                    .map(|(k, n)| format!("{n} ({})", k.label(lang)))
                    .collect();
                if !glossary.is_empty() {
                    let names = list_some(lang, &glossary, 6);
                    cx.push(
                        Section::Data,
                        it.index,
                        Severity::Warning,
                        "identifier.whole-table",
                        Some(r.clone()),
                        tr!(
                            lang,
                            "La table {tn} demandée entière contient des identifiants \
                             potentiels : {names}.",
                            "Table {tn}, asked for whole, holds potential identifiers: {names}."
                        ),
                        tr!(
                            lang,
                            "Sélectionnez les variables utiles : chaque identifiant potentiel \
                             gardé doit être justifié, et une version plus grossière suffit \
                             souvent.",
                            "Select the variables you need: each potential identifier kept \
                             must be justified, and a coarser version is often enough."
                        ),
                    );
                }
            }
            // A variable.
            (Some(t), _, Some(_)) => {
                if whole_tables.contains(&t.name) {
                    let tn = &t.name;
                    cx.push(
                        Section::Data,
                        it.index,
                        Severity::Info,
                        "minimisation.covered",
                        Some(r.clone()),
                        tr!(
                            lang,
                            "{r} est déjà compris dans la table {tn}, demandée entière.",
                            "{r} is already part of table {tn}, asked for whole."
                        ),
                        tr!(
                            lang,
                            "Demandez la table variable par variable, ou retirez cette ligne.",
                            "Ask for the table variable by variable, or remove this line."
                        ),
                    );
                }
                let Some(v) = it.variable() else { continue };
                let Some(k) = kind else { continue };
                idents.push(Ident {
                    index: it.index,
                    table: t.name.clone(),
                    name: v.name.clone(),
                    kind: k,
                    key: it.item.key,
                });
                let alts = alternatives(cx, k, v, t)?;
                let label = k.label(lang);
                let justified = says_something(why);
                let severity = if it.item.key || justified {
                    Severity::Info
                } else {
                    Severity::Warning
                };
                let vn = &v.name;
                let desc = &v.description;
                let what = if k.glossary() {
                    tr!(lang, "un identifiant potentiel", "a potential identifier")
                } else {
                    tr!(
                        lang,
                        "un identifiant qui ne doit jamais sortir",
                        "an identifier that must never be taken out"
                    )
                };
                let message = if it.item.key {
                    tr!(
                        lang,
                        "{vn} ({desc} ; {label}) est amené comme clé de jointure : il ne doit \
                         jamais sortir de l'espace de travail.",
                        "{vn} ({desc}; {label}) comes along as a join key: it must never leave \
                         the workspace."
                    )
                } else if justified {
                    tr!(
                        lang,
                        "{vn} ({desc}) est {what} ({label}) ; les relecteurs liront sa \
                         justification de près.",
                        "{vn} ({desc}) is {what} ({label}); reviewers will read its \
                         justification closely."
                    )
                } else {
                    tr!(
                        lang,
                        "{vn} ({desc}) est {what} ({label}) demandé sans justification qui \
                         en explique la précision.",
                        "{vn} ({desc}) is {what} ({label}) asked for without a justification \
                         of that precision."
                    )
                };
                let fix = if alts.is_empty() {
                    tr!(
                        lang,
                        "Expliquez pourquoi l'étude a besoin de cette précision, ou retirez la \
                         variable.",
                        "Explain why the study needs this precision, or remove the variable."
                    )
                } else {
                    let names = alt_names(lang, &alts, &t.name);
                    tr!(
                        lang,
                        "Si l'étude peut s'en passer, demandez plutôt {names} ; sinon, \
                         justifiez cette précision.",
                        "Unless the study needs this precision, ask for {names} instead; \
                         otherwise justify it."
                    )
                };
                cx.push(
                    Section::Data,
                    it.index,
                    severity,
                    k.rule(),
                    Some(r.clone()),
                    message,
                    fix,
                );
            }
            _ => {}
        }
    }
    combinations(doc, &idents, cx);
    Ok(())
}

/// Identifiers that re-identify together: an exact date with a fine place, and several
/// potential identifiers in the rows of one table.
fn combinations(doc: &NeedStatement, idents: &[Ident], cx: &mut Ctx) {
    let lang = cx.lang;
    let shown = |i: &Ident| format!("{}.{}", i.table, i.name);
    let dates: Vec<&Ident> = idents
        .iter()
        .filter(|i| i.kind.exact_date() && !i.key)
        .collect();
    let places: Vec<&Ident> = idents
        .iter()
        .filter(|i| i.kind.fine_place() && !i.key)
        .collect();
    if let (Some(_), Some(first)) = (dates.first(), places.first()) {
        let d = list_some(lang, &dates.iter().map(|i| shown(i)).collect::<Vec<_>>(), 3);
        let p = list_some(
            lang,
            &places.iter().map(|i| shown(i)).collect::<Vec<_>>(),
            3,
        );
        cx.push(
            Section::Data,
            first.index,
            Severity::Warning,
            "combination.date-geography",
            Some(format!("variable/{}/{}", first.table, first.name)),
            tr!(
                lang,
                "La demande croise des dates exactes ({d}) avec un lieu plus fin que le \
                 département ({p}) : ensemble, ils permettent de retrouver des personnes.",
                "The statement crosses exact dates ({d}) with a place finer than the department \
                 ({p}): together they can single people out."
            ),
            tr!(
                lang,
                "Gardez l'un des deux à sa précision exacte au plus : le mois plutôt que le jour, \
                 ou le département plutôt que la commune.",
                "Keep at most one of the two at full precision: the month rather than the day, or \
                 the department rather than the commune."
            ),
        );
    }
    let mut by_table: BTreeMap<&str, Vec<&Ident>> = BTreeMap::new();
    for i in idents.iter().filter(|i| i.kind.glossary()) {
        by_table.entry(&i.table).or_default().push(i);
    }
    let mut tables: Vec<(usize, &str, Vec<&Ident>)> = by_table
        .into_iter()
        .filter(|(_, v)| v.iter().map(|i| i.kind).collect::<BTreeSet<_>>().len() >= 2)
        .map(|(t, v)| (v[0].index, t, v))
        .collect();
    tables.sort_by_key(|(i, _, _)| *i);
    for (index, t, v) in tables {
        let names: Vec<String> = v
            .iter()
            .map(|i| format!("{} ({})", i.name, i.kind.label(lang)))
            .collect();
        let names = list_some(lang, &names, 6);
        cx.push(
            Section::Data,
            index,
            Severity::Warning,
            "combination.same-table",
            Some(format!("table/{t}")),
            tr!(
                lang,
                "Plusieurs identifiants potentiels sont demandés dans la table {t} : {names}. \
                 Croisés sur une même ligne, ils rendent une personne reconnaissable.",
                "Several potential identifiers are asked for in table {t}: {names}. Crossed on \
                 one row, they make a person recognisable."
            ),
            tr!(
                lang,
                "Ne gardez que ceux que l'analyse exige, et pour les autres la version plus \
                 grossière (année, mois, département).",
                "Keep only those the analysis requires, and the coarser version of the others \
                 (year, month, department)."
            ),
        );
    }
    if doc.route == crate::need::Route::Esnd {
        let kinds: BTreeSet<Kind> = idents
            .iter()
            .filter(|i| i.kind.glossary())
            .map(|i| i.kind)
            .collect();
        if kinds.len() >= 2 {
            let names: Vec<String> = kinds.iter().map(|k| k.label(lang).to_string()).collect();
            let names = list(lang, &names);
            cx.push(
                Section::Route,
                0,
                Severity::Error,
                "route.esnd-crossing",
                Some("route".into()),
                tr!(
                    lang,
                    "La voie rapide vers l'ESND exclut tout croisement d'identifiants \
                     potentiels ; la demande en croise plusieurs ({names}).",
                    "The fast route to the ESND excludes any crossing of potential \
                     identifiers; the statement crosses several ({names})."
                ),
                tr!(
                    lang,
                    "Gardez au plus un identifiant potentiel, ou passez par la procédure \
                     d'autorisation.",
                    "Keep at most one potential identifier, or go through the authorisation \
                     route."
                ),
            );
        }
    }
}
