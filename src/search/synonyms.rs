//! The French medical synonym layer of the search, applied at query time (no re-import).
//!
//! Two sources, one matcher:
//! - the hand-written list `synonyms/fr-medical.tsv` (lay words → the words of the catalogue,
//!   grouped by category: diseases, acts, abbreviations, settings of care and topics);
//! - the acronyms the active snapshot mined from its own corpus ([`super::acronyms`]), both
//!   ways: the acronym brings in its expansion, the expansion brings in the acronym.
//!
//! Keys are matched on the stemmed words of the query (the `fr` analyzer: case, accents, stop
//! words and plurals aside), longest phrase first. Each expansion keeps where it came from so
//! that a hit can say why it matched.

use super::acronyms::MinedAcronym;
use std::collections::HashMap;

/// The hand-written list, compiled in.
const HAND: &str = include_str!("synonyms/fr-medical.tsv");
/// Its path in the repository, as a source shown to users.
pub(crate) const HAND_PATH: &str = "src/search/synonyms/fr-medical.tsv";

/// At most this many expansions are added to one query.
pub(crate) const MAX_EXPANSIONS: usize = 12;

/// Where an expansion comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// The hand-written list.
    Synonym,
    /// An acronym typed, its mined expansion searched.
    Acronym,
    /// A mined expansion typed, its acronym searched.
    Expansion,
}

impl Via {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Via::Synonym => "synonym",
            Via::Acronym => "acronym",
            Via::Expansion => "expansion",
        }
    }
}

/// One expansion: typed words (stemmed) → words to search.
#[derive(Debug, Clone)]
pub(crate) struct Expansion {
    key: Vec<String>,
    /// The typed words, as the list or the corpus writes them.
    pub from: String,
    /// The words searched in their place.
    pub to: String,
    pub via: Via,
    /// `src/search/synonyms/fr-medical.tsv:42 (disease)`, or the page or code row mined.
    pub source: String,
    /// A setting of care or a topic: it points to bases, tables and documentation, not to the
    /// labels of code-list rows.
    pub topic: bool,
}

/// A line of the hand-written list.
#[derive(Debug)]
pub(crate) struct HandLine {
    pub line: usize,
    pub category: String,
    pub from: String,
    pub to: Vec<String>,
}

/// The lines of a list in the format of `fr-medical.tsv`, and the numbers of malformed lines.
fn parse(text: &str) -> (Vec<HandLine>, Vec<usize>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let l = l.trim_end_matches('\r');
        if l.trim().is_empty() || l.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = l.split('\t').collect();
        let to: Vec<String> = cols
            .get(2)
            .map(|t| {
                t.split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        if cols.len() != 3 || cols[1].trim().is_empty() || to.is_empty() {
            bad.push(i + 1);
            continue;
        }
        out.push(HandLine {
            line: i + 1,
            category: cols[0].trim().to_string(),
            from: cols[1].trim().to_string(),
            to,
        });
    }
    (out, bad)
}

/// The hand-written list.
pub(crate) fn hand_written() -> Vec<HandLine> {
    parse(HAND).0
}

/// Every expansion, by the first stem of its key.
pub(crate) struct Synonyms {
    by_first: HashMap<String, Vec<Expansion>>,
}

impl Synonyms {
    /// No expansion at all.
    pub(crate) fn none() -> Self {
        Synonyms {
            by_first: HashMap::new(),
        }
    }

    /// The hand-written list and the mined pairs, keys stemmed with `stem`.
    pub(crate) fn new(mined: &[MinedAcronym], stem: &mut dyn FnMut(&str) -> Vec<String>) -> Self {
        let mut by_first: HashMap<String, Vec<Expansion>> = HashMap::new();
        let mut push = |key: Vec<String>, e: Expansion| {
            if let Some(first) = key.first().cloned() {
                by_first
                    .entry(first)
                    .or_default()
                    .push(Expansion { key, ..e });
            }
        };
        for h in hand_written() {
            let key = stem(&h.from);
            for to in &h.to {
                push(
                    key.clone(),
                    Expansion {
                        key: vec![],
                        from: h.from.clone(),
                        to: to.clone(),
                        via: Via::Synonym,
                        source: format!("{HAND_PATH}:{} ({})", h.line, h.category),
                        topic: h.category == "setting",
                    },
                );
            }
        }
        for m in mined {
            push(
                stem(&m.acronym),
                Expansion {
                    key: vec![],
                    from: m.acronym.clone(),
                    to: m.expansion.clone(),
                    via: Via::Acronym,
                    source: m.source.clone(),
                    topic: false,
                },
            );
            // An expansion of one word ("Dom") would fire on too many queries.
            let key = stem(&m.expansion);
            if key.len() >= 2 {
                push(
                    key,
                    Expansion {
                        key: vec![],
                        from: m.expansion.clone(),
                        to: m.acronym.clone(),
                        via: Via::Expansion,
                        source: m.source.clone(),
                        topic: false,
                    },
                );
            }
        }
        Synonyms { by_first }
    }

    /// The expansions of a query's stems: at each position the longest keys that match there
    /// (all of them when several have that length), then on after them. At most
    /// [`MAX_EXPANSIONS`], duplicates (same words to search) once.
    pub(crate) fn expand(&self, stems: &[String]) -> Vec<&Expansion> {
        let mut out: Vec<&Expansion> = Vec::new();
        let mut i = 0;
        while i < stems.len() && out.len() < MAX_EXPANSIONS {
            let mut best = 0;
            let mut found: Vec<&Expansion> = Vec::new();
            for e in self.by_first.get(&stems[i]).into_iter().flatten() {
                let n = e.key.len();
                if n >= best && i + n <= stems.len() && stems[i..i + n] == e.key[..] {
                    if n > best {
                        best = n;
                        found.clear();
                    }
                    found.push(e);
                }
            }
            for e in found {
                let to = super::fold_accents(&e.to);
                if out.len() < MAX_EXPANSIONS
                    && !out.iter().any(|o| super::fold_accents(&o.to) == to)
                {
                    out.push(e);
                }
            }
            i += best.max(1);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hand_written_list_is_well_formed() {
        let (lines, bad) = parse(HAND);
        assert!(bad.is_empty(), "malformed lines of {HAND_PATH}: {bad:?}");
        assert!(lines.len() > 100, "{}", lines.len());
        let cats: std::collections::BTreeSet<&str> =
            lines.iter().map(|l| l.category.as_str()).collect();
        assert_eq!(
            cats.into_iter().collect::<Vec<_>>(),
            ["abbreviation", "act", "disease", "setting"]
        );
        // Each typed phrase once per category: a second line would be a silent duplicate.
        let mut seen = std::collections::HashSet::new();
        for l in &lines {
            assert!(
                seen.insert((l.category.clone(), super::super::fold_accents(&l.from))),
                "{HAND_PATH}:{}: `{}` is listed twice",
                l.line,
                l.from
            );
        }
    }

    #[test]
    fn longest_key_wins_and_mined_pairs_go_both_ways() {
        // A crude stemmer for the test: lowercase words, French stop words out.
        let mut stem = |s: &str| -> Vec<String> {
            super::super::fold_accents(s)
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty() && !super::super::index::STOP_WORDS.contains(w))
                .map(String::from)
                .collect()
        };
        let mined = vec![MinedAcronym {
            acronym: "RHS".into(),
            expansion: "résumé hebdomadaire standardisé".into(),
            source: "doc/glossaire/RHS.md".into(),
        }];
        let s = Synonyms::new(&mined, &mut stem);
        let words = |q: &str| stem(q);
        let to = |q: &str| -> Vec<(String, &'static str)> {
            s.expand(&words(q))
                .into_iter()
                .map(|e| (e.to.clone(), e.via.as_str()))
                .collect()
        };
        assert_eq!(
            to("cancer du poumon"),
            [("tumeur maligne bronches poumon".to_string(), "synonym")]
        );
        assert_eq!(to("cancer"), [("tumeur maligne".to_string(), "synonym")]);
        assert_eq!(
            to("rhs"),
            [("résumé hebdomadaire standardisé".to_string(), "acronym")]
        );
        assert_eq!(
            to("le résumé hebdomadaire standardisé"),
            [("RHS".to_string(), "expansion")]
        );
        let v = s.expand(&words("scanner"));
        let e = v[0];
        assert!(e.source.starts_with(HAND_PATH) && e.source.ends_with("(act)"));
    }
}
