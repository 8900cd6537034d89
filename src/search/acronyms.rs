//! Acronyms and their expansions, mined from the corpus while a snapshot is built: the
//! documentation's glossary pages (titled "ABC - Expansion") and code-list labels that spell an
//! acronym out ("… virus respiratoire syncytial [VRS]", "Déficit immunitaire combiné sévère
//! (DICS)"). Each pair keeps its source (the page or the code row), is stored beside the
//! snapshot's index (`hublot-acronyms.json`) and read back by the query-time synonym layer.
//! Nothing mined is ever written into the repository.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// File name, in the index directory of a snapshot.
pub(crate) const FILE: &str = "hublot-acronyms.json";

/// At most this many pairs per snapshot, expansions per acronym, characters per expansion.
const MAX_PAIRS: usize = 20_000;
const MAX_PER_ACRONYM: usize = 3;
const MAX_EXPANSION_CHARS: usize = 120;

/// One acronym with one of its expansions, and where the corpus says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinedAcronym {
    /// As written (`RSA`, `CMU-C`).
    pub acronym: String,
    /// As written (`Résumé de sortie anonyme`).
    pub expansion: String,
    /// The id of the page or code row that says it (`doc/glossaire/RSA.md`,
    /// `code/IR_CIM_V/J210`).
    pub source: String,
}

/// Collects pairs while the sources are read.
#[derive(Default)]
pub(crate) struct Miner {
    /// (acronym folded, expansion folded) → (pair, rank: 0 glossary, 1 code label; count).
    found: HashMap<(String, String), (MinedAcronym, u8, u32)>,
}

fn fold(s: &str) -> String {
    super::fold_accents(s)
}

/// Letters and digits of an acronym, folded (`CMU-C` → `cmuc`).
fn letters(acronym: &str) -> String {
    fold(acronym)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Whether `w` looks like an acronym in running text: 2 to 8 characters, letters (at least two
/// capitals, no lowercase after the first… except a final one, `PUMa`), digits and hyphens, and
/// not a Roman numeral (`IV` in "Paralysie du nerf pathétique (IV)").
fn looks_like_acronym(w: &str) -> bool {
    let n = w.chars().count();
    if !(2..=8).contains(&n) || !w.chars().next().is_some_and(char::is_alphabetic) {
        return false;
    }
    if !w.chars().all(|c| c.is_alphanumeric() || c == '-') || w.ends_with('-') {
        return false;
    }
    let upper = w.chars().filter(|c| c.is_uppercase()).count();
    let lower = w.chars().filter(|c| c.is_lowercase()).count();
    if upper < 2 || lower > 1 {
        return false;
    }
    !w.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// The expansion of `acronym` ending `text` (Schwartz and Hearst, 2003): every letter of the
/// acronym is found, right to left, in the text, the first one starting a word. Returns the
/// shortest such tail of `text`, or `None`.
fn expansion_before(acronym: &str, text: &str) -> Option<String> {
    let a: Vec<char> = letters(acronym).chars().collect();
    if a.len() < 2 {
        return None;
    }
    let t: Vec<char> = text.trim_end().chars().collect();
    let tf: Vec<char> = fold(&t.iter().collect::<String>()).chars().collect();
    // Folding may change lengths (œ → oe): work on the folded text and cut the folded string.
    let mut li = tf.len() as isize - 1;
    let mut si = a.len() as isize - 1;
    while si >= 0 {
        let c = a[si as usize];
        loop {
            if li < 0 {
                return None;
            }
            let here = tf[li as usize];
            let word_start = li == 0 || !tf[li as usize - 1].is_alphanumeric();
            if here == c && (si > 0 || word_start) {
                break;
            }
            li -= 1;
        }
        li -= 1;
        si -= 1;
    }
    let start = (li + 1) as usize;
    let folded_tail: String = tf[start..].iter().collect();
    // Map back to the original text by character count from the end when lengths agree.
    let shown = if tf.len() == t.len() {
        t[start..].iter().collect::<String>()
    } else {
        folded_tail
    };
    let shown = shown
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string();
    // No more content words than letters ("méthode non effractive pendant au moins 24 heures"
    // is not MAPA), no brackets left, and not the acronym itself ("VOLUMES] CIBLES").
    let content: Vec<String> = fold(&shown)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !super::index::STOP_WORDS.contains(w))
        .map(String::from)
        .collect();
    let own = letters(acronym);
    let words = shown.split_whitespace().count();
    if shown.chars().count() <= acronym.chars().count()
        || shown.chars().count() > MAX_EXPANSION_CHARS
        || shown.contains(['[', ']', '(', ')'])
        || words < 2
        || content.len() > a.len()
        || content.contains(&own)
    {
        return None;
    }
    Some(shown)
}

impl Miner {
    fn add(&mut self, acronym: &str, expansion: &str, source: String, rank: u8) {
        let key = (letters(acronym), fold(expansion.trim()));
        if key.0.len() < 2 || key.1.is_empty() {
            return;
        }
        if self.found.len() >= MAX_PAIRS && !self.found.contains_key(&key) {
            return;
        }
        let e = self.found.entry(key).or_insert_with(|| {
            (
                MinedAcronym {
                    acronym: acronym.to_string(),
                    expansion: expansion.trim().to_string(),
                    source,
                },
                rank,
                0,
            )
        });
        e.2 += 1;
    }

    /// A documentation page: glossary pages are titled "ABC - Expansion".
    pub fn doc(&mut self, path: &str, title: &str) {
        let in_glossary = path.starts_with("glossaire/") || path.contains("/glossaire/");
        if !in_glossary {
            return;
        }
        let stem = path
            .rsplit('/')
            .next()
            .unwrap_or(path)
            .trim_end_matches(".md");
        for sep in [" - ", " – ", " — ", " : "] {
            if let Some((a, e)) = title.split_once(sep) {
                let a = a.trim();
                let named_by_file = letters(a) == letters(stem);
                if !a.contains(' ')
                    && (looks_like_acronym(a) || named_by_file)
                    && e.trim().chars().count() > a.chars().count()
                    && e.chars().count() <= MAX_EXPANSION_CHARS
                {
                    self.add(a, e, format!("doc/{path}"), 0);
                }
                return;
            }
        }
    }

    /// A code-list row: "expansion (ABC)", "expansion [ABC]" or "ABC : expansion".
    pub fn label(&mut self, list: &str, code: &str, label: &str) {
        if !(label.contains('(') || label.contains('[') || label.contains(" : ")) {
            return;
        }
        let source = || format!("code/{list}/{code}");
        for (open, close) in [('(', ')'), ('[', ']')] {
            let mut rest = label;
            while let Some(i) = rest.find(open) {
                let before = &label[..label.len() - rest.len() + i];
                let after = &rest[i + 1..];
                let Some(j) = after.find(close) else { break };
                let inside = after[..j].trim();
                if looks_like_acronym(inside) {
                    if let Some(exp) = expansion_before(inside, before) {
                        self.add(inside, &exp, source(), 1);
                    }
                }
                rest = &after[j + 1..];
            }
        }
        if let Some((a, e)) = label.split_once(" : ") {
            let a = a.trim();
            if looks_like_acronym(a) {
                let e = e
                    .split([',', ';', '(', '['])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_string();
                // The expansion must start with the acronym's letters, in order: "MCO : séjours
                // de moins de 2 jours" is a heading, not an expansion.
                let initials: String = fold(&e)
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty() && !super::index::STOP_WORDS.contains(w))
                    .filter_map(|w| w.chars().next())
                    .collect();
                if !e.is_empty() && initials == letters(a) {
                    self.add(a, &e, source(), 1);
                }
            }
        }
    }

    /// The pairs kept: for each acronym, glossary pages first, then the expansions seen most
    /// often in code labels, at most [`MAX_PER_ACRONYM`].
    pub fn finish(self) -> Vec<MinedAcronym> {
        let mut by: HashMap<String, Vec<(MinedAcronym, u8, u32)>> = HashMap::new();
        for ((a, _), v) in self.found {
            by.entry(a).or_default().push(v);
        }
        let mut out = Vec::new();
        for (_, mut v) in by {
            v.sort_by(|x, y| {
                x.1.cmp(&y.1)
                    .then(y.2.cmp(&x.2))
                    .then(x.0.expansion.cmp(&y.0.expansion))
            });
            out.extend(v.into_iter().take(MAX_PER_ACRONYM).map(|x| x.0));
        }
        out.sort_by(|x, y| {
            x.acronym
                .cmp(&y.acronym)
                .then(x.expansion.cmp(&y.expansion))
        });
        out
    }
}

/// Writes the mined pairs into an index directory.
pub(crate) fn write(index_dir: &Path, pairs: &[MinedAcronym]) -> Result<()> {
    let p = index_dir.join(FILE);
    let bytes = serde_json::to_vec_pretty(pairs).expect("pairs serialise");
    std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))
}

/// Reads the mined pairs of an index directory; none when the snapshot predates mining.
pub(crate) fn read(index_dir: &Path) -> Result<Vec<MinedAcronym>> {
    let p = index_dir.join(FILE);
    match std::fs::read(&p) {
        Ok(bytes) => {
            let mut v: Vec<MinedAcronym> =
                serde_json::from_slice(&bytes).map_err(|e| Error::json(&p, &e))?;
            v.truncate(MAX_PAIRS);
            Ok(v)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(&p, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_titles_and_labels_give_pairs_with_their_source() {
        let mut m = Miner::default();
        m.doc("glossaire/RSA.md", "RSA - Résumé de sortie anonyme");
        m.doc(
            "glossaire/Cnaf.md",
            "Cnaf - Caisse nationale des allocations familiales",
        );
        m.doc("fiches/ivg.md", "IVG - not a glossary page");
        m.label(
            "IR_CIM_V",
            "J210",
            "Bronchiolite aiguë due au virus respiratoire syncytial [VRS]",
        );
        m.label(
            "IR_CIM_V",
            "D810",
            "Deficit immunitaire combine severe (DICS) avec dysgénésie réticulaire",
        );
        // Roman numerals, headings and words in brackets that the text does not spell out.
        m.label("X", "1", "Paralysie du nerf pathétique (IV)");
        m.label("X", "2", "MCO : séjours de moins de 2 jours");
        m.label("X", "3", "Soins conservateur dentaires (CCAM)");
        m.label("X", "4", "GHS : groupe homogène de séjours");
        let v = m.finish();
        let got: Vec<(&str, &str, &str)> = v
            .iter()
            .map(|p| (p.acronym.as_str(), p.expansion.as_str(), p.source.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Cnaf",
                    "Caisse nationale des allocations familiales",
                    "doc/glossaire/Cnaf.md"
                ),
                (
                    "DICS",
                    "Deficit immunitaire combine severe",
                    "code/IR_CIM_V/D810"
                ),
                ("GHS", "groupe homogène de séjours", "code/X/4"),
                ("RSA", "Résumé de sortie anonyme", "doc/glossaire/RSA.md"),
                ("VRS", "virus respiratoire syncytial", "code/IR_CIM_V/J210"),
            ]
        );
    }

    #[test]
    fn pairs_round_trip_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).unwrap().is_empty());
        let v = vec![MinedAcronym {
            acronym: "RSA".into(),
            expansion: "Résumé de sortie anonyme".into(),
            source: "doc/glossaire/RSA.md".into(),
        }];
        write(dir.path(), &v).unwrap();
        assert_eq!(read(dir.path()).unwrap(), v);
    }
}
