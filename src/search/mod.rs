//! Full-text search over the catalogue with tantivy.
//!
//! One index per snapshot holds documents of five kinds (`base`, `table`, `variable`,
//! `nomenclature`, `code`, `doc`). Text is analysed for French (lowercase, French stemming, light
//! stop words, accents folded); identifiers get their own fields (`ident` exact and
//! case-insensitive, `ident_parts` split on `_`). The query builder ranks an exact identifier
//! far above a phrase, a phrase above title terms and title terms above body terms; English and
//! lay words are expanded through a small [`glossary`] and the French medical synonym layer
//! (`synonyms`: a hand-written list of lay words, settings of care and topics, plus the
//! acronyms each snapshot mines from its corpus, see [`acronyms`]), always at a lower weight
//! than the words typed; a query of two words or more equal to a code's label puts that code
//! first; a word that occurs nowhere is matched fuzzily; a variable present in many tables is
//! collapsed into one hit. With `explain`, each hit says which word or synonym matched which of
//! its fields.
//!
//! Answers are kept in a small cache of each snapshot, keyed on the whole request (`cache.rs`;
//! `HUBLOT_SEARCH_CACHE=off` turns it off).
//!
//! Every search is bounded, whatever the front end: the query's length and its number of
//! different words ([`MAX_QUERY_CHARS`], [`MAX_QUERY_WORDS`]; past them the search is refused
//! with [`crate::Error::TooLarge`]), the words matched fuzzily and the length of a phrase, and
//! the searches running at once (past that, [`crate::Error::Overloaded`]). Unbounded, a 62 KB
//! query took 1.4 GB and a 1.9 MB one grew past 6 GB.

pub(crate) mod acronyms;
mod analyzer;
mod cache;
mod clauses;
mod deleted;
mod gate;
pub mod glossary;
mod index;
mod query;
mod synonyms;

pub use index::{IndexBuilder, SearchIndex, INDEX_FORMAT_VERSION};
pub use query::{
    Facet, SearchHit, SearchRequest, SearchResponse, Why, MAX_QUERY_CHARS, MAX_QUERY_WORDS,
};

/// Lowercases and removes accents (é → e, œ → oe), the way the analyzers do.
pub fn fold_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                out.push('a')
            }
            'ç' | 'Ç' => out.push('c'),
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => out.push('i'),
            'ñ' | 'Ñ' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => out.push('u'),
            'ý' | 'ÿ' | 'Ý' => out.push('y'),
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}
