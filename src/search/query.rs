//! Turning what a person typed into a ranked list of hits.

use super::index::{SearchIndex, KINDS};
use super::{fold_accents, glossary};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, SegmentReader, TantivyDocument, Term};
use ts_rs::TS;

/// A search, as the CLI, the HTTP API and the app ask for it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SearchRequest {
    /// What was typed.
    pub q: String,
    /// Only this kind (`base`, `table`, `variable`, `nomenclature`, `code`, `doc`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub kind: Option<String>,
    /// Only this base (slug).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub base: Option<String>,
    /// Only this domain (`produit`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub produit: Option<String>,
    /// Only this table.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub table: Option<String>,
    /// Only this code list (codes and variables using it).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub nomenclature: Option<String>,
    /// How many hits (default 20, at most 500).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<usize>,
    /// Do not collapse a variable name present in several tables into one hit.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub no_group: bool,
}

/// One hit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct SearchHit {
    /// Kind of document.
    pub kind: String,
    /// Its id (`table/IR_BEN_R`, `variable/IR_BEN_R/BEN_SEX_COD`…), also its page's route.
    pub id: String,
    /// What to show.
    pub title: String,
    /// Relevance (higher is better; comparable within one response only).
    pub score: f32,
    /// Variable or table or base name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Table of a variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Code list of a code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nomenclature: Option<String>,
    /// The code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The code's label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Path of a doc page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Base of a table, variable or base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// Domain (`produit`) of a table or variable.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub produit: Option<String>,
    /// For a variable: in how many tables a variable of that name exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tables_count: Option<u64>,
    /// For a collapsed variable: the other matching tables, best first.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub also_in: Vec<String>,
}

/// A facet value, ready to show.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct Facet {
    /// The value (`table`).
    pub value: String,
    /// How many documents match with it.
    pub count: u64,
    /// Whether the request filters on it.
    pub selected: bool,
}

/// The answer to a search.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SearchResponse {
    /// The query as typed.
    pub query: String,
    /// How many documents matched (before grouping).
    pub total: u64,
    /// Time taken in the core, in milliseconds.
    pub took_ms: f64,
    /// Hits, best first.
    pub hits: Vec<SearchHit>,
    /// Counts by kind (over the whole query, ignoring the kind filter).
    pub kinds: Vec<Facet>,
    /// The words matched, lowercased and unaccented, for highlighting.
    pub terms: Vec<String>,
    /// True when some words matched only approximately (typo tolerance).
    pub fuzzy: bool,
}

/// One pass over the matching documents: counts them by kind (for the facets, ignoring the
/// kind filter) and keeps the best `limit` of the requested kind, each score multiplied by the
/// document's prior. Counting and ranking in separate searches cost twice the time.
struct RankAndCount {
    limit: usize,
    kind: Option<u64>,
}

struct SegmentRankAndCount {
    segment: u32,
    kinds: tantivy::columnar::Column<u64>,
    prior: tantivy::columnar::Column<f64>,
    kind: Option<u64>,
    limit: usize,
    counts: [u64; 6],
    // Min-heap of the best hits so far (score, doc): the root is the weakest kept.
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(OrdScore, DocId)>>,
}

/// An f32 score with a total order (scores are never NaN).
#[derive(Clone, Copy, PartialEq, PartialOrd)]
struct OrdScore(f32);
impl Eq for OrdScore {}
#[allow(clippy::derive_ord_xor_partial_ord)]
impl Ord for OrdScore {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

type Ranked = (Vec<(Score, DocAddress)>, [u64; 6]);

impl Collector for RankAndCount {
    type Fruit = Ranked;
    type Child = SegmentRankAndCount;
    fn for_segment(&self, segment: u32, r: &SegmentReader) -> tantivy::Result<SegmentRankAndCount> {
        Ok(SegmentRankAndCount {
            segment,
            kinds: r.fast_fields().u64("kind_n")?,
            prior: r.fast_fields().f64("prior")?,
            kind: self.kind,
            limit: self.limit,
            counts: [0; 6],
            heap: std::collections::BinaryHeap::with_capacity(self.limit + 1),
        })
    }
    fn requires_scoring(&self) -> bool {
        true
    }
    fn merge_fruits(&self, fruits: Vec<Ranked>) -> tantivy::Result<Ranked> {
        let mut counts = [0; 6];
        let mut all = Vec::new();
        for (hits, c) in fruits {
            for i in 0..6 {
                counts[i] += c[i];
            }
            all.extend(hits);
        }
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        all.truncate(self.limit);
        Ok((all, counts))
    }
}

impl SegmentCollector for SegmentRankAndCount {
    type Fruit = Ranked;
    fn collect(&mut self, doc: DocId, score: Score) {
        let k = self.kinds.first(doc).unwrap_or(0);
        if let Some(c) = self.counts.get_mut(k as usize) {
            *c += 1;
        }
        if self.kind.is_some_and(|want| want != k) {
            return;
        }
        let s = OrdScore(score * self.prior.first(doc).unwrap_or(1.0) as f32);
        if self.heap.len() < self.limit {
            self.heap.push(std::cmp::Reverse((s, doc)));
        } else if let Some(std::cmp::Reverse((weakest, _))) = self.heap.peek() {
            if s > *weakest {
                self.heap.pop();
                self.heap.push(std::cmp::Reverse((s, doc)));
            }
        }
    }
    fn harvest(self) -> Ranked {
        let seg = self.segment;
        let hits = self
            .heap
            .into_iter()
            .map(|std::cmp::Reverse((s, d))| (s.0, DocAddress::new(seg, d)))
            .collect();
        (hits, self.counts)
    }
}

/// `t_mco22b` → `t_mcoaab`: PMSI tables are named with `aa` for the year.
fn pmsi_year_placeholder(w: &str) -> Option<String> {
    let b = w.as_bytes();
    if b.len() > 7
        && w.starts_with("t_")
        && b[5].is_ascii_digit()
        && b[6].is_ascii_digit()
        && b[2..5].iter().all(u8::is_ascii_alphabetic)
    {
        Some(format!("{}aa{}", &w[..5], &w[7..]))
    } else {
        None
    }
}

impl SearchIndex {
    /// Whether some term of `field` starts with `prefix`.
    fn has_prefix(&self, searcher: &tantivy::Searcher, field: Field, prefix: &str) -> bool {
        searcher.segment_readers().iter().any(|seg| {
            let Ok(inv) = seg.inverted_index(field) else {
                return false;
            };
            let Ok(mut stream) = inv.terms().range().ge(prefix.as_bytes()).into_stream() else {
                return false;
            };
            stream.advance() && stream.key().starts_with(prefix.as_bytes())
        })
    }

    fn analyze(&self, analyzer: &str, text: &str) -> Vec<(usize, String)> {
        let mut a = self
            .index
            .tokenizers()
            .get(analyzer)
            .expect("analyzer registered");
        let mut ts = a.token_stream(text);
        let mut out = Vec::new();
        ts.process(&mut |t| out.push((t.position, t.text.clone())));
        out
    }

    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let start = std::time::Instant::now();
        let f = &self.f;
        let searcher = self.reader.searcher();
        let limit = req.limit.unwrap_or(20).clamp(1, 500);
        let q = req.q.trim();
        let mut terms_out: Vec<String> = Vec::new();
        let mut fuzzy_used = false;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let boosted = |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(q, b)))
        };
        let term_q = |field: Field, text: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, text),
                IndexRecordOption::WithFreqs,
            ))
        };

        // 1. Identifiers: the whole query, then each word, exactly (case and accents ignored).
        let folded = fold_accents(q);
        let words: Vec<String> = folded
            .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '\'' || c == '’')
            .filter(|w| !w.is_empty())
            .map(|w| {
                w.trim_matches(|c: char| c == '"' || c == '(' || c == ')' || c == '?')
                    .to_string()
            })
            .filter(|w| !w.is_empty())
            .collect();
        if !folded.is_empty() {
            should.push(boosted(term_q(f.ident, &folded), 40.0));
        }
        // Forms people type for identifiers: `ben nir psa`, `I21.9`, `T_MCO22B` (a year
        // instead of the `aa` placeholder of PMSI table names).
        if words.len() > 1 && words.len() <= 4 {
            should.push(boosted(term_q(f.ident, &words.join("_")), 30.0));
        }
        for w in &words {
            if w.contains('.') && w.len() <= 12 {
                should.push(boosted(term_q(f.ident, &w.replace('.', "")), 30.0));
            }
            if let Some(generic) = pmsi_year_placeholder(w) {
                should.push(boosted(term_q(f.ident, &generic), 30.0));
            }
        }
        if words.len() > 1 {
            for w in words
                .iter()
                .filter(|w| !super::index::STOP_WORDS.contains(&&***w))
            {
                should.push(boosted(term_q(f.ident, w), 12.0));
            }
        }
        for w in &words {
            if w.contains('_') {
                for (_, p) in self.analyze("words", w) {
                    should.push(boosted(term_q(f.ident_parts, &p), 1.5));
                }
            }
        }

        // 2. Words, stemmed: in titles (×3) and bodies (×1); a bonus when all of them match; a
        // bigger one for the phrase.
        let stems = self.analyze("fr", q);
        let mut per_term: Vec<Box<dyn Query>> = Vec::new();
        let raw_words = self.analyze("words", q);
        let last_pos = raw_words.last().map(|x| x.0);
        for (pos, s) in stems.iter() {
            let known = [f.title, f.label, f.body].iter().any(|&fl| {
                searcher
                    .doc_freq(&Term::from_field_text(fl, s))
                    .unwrap_or(0)
                    > 0
            });
            let mut alts: Vec<(Occur, Box<dyn Query>)> = vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(term_q(f.title, s), 3.0)),
                ),
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(term_q(f.label, s), 3.0)),
                ),
                (Occur::Should, term_q(f.body, s)),
            ];
            // A word seen nowhere is probably a typo: look for close words in titles. Not for
            // words with digits (codes, identifiers), and not for the word being typed when
            // some title word starts with it: the prefix clause below covers it, far cheaper.
            let raw = raw_words
                .iter()
                .find(|(p, _)| *p == *pos)
                .map(|x| x.1.as_str())
                .unwrap_or(s);
            let typing = Some(*pos) == last_pos && !req.q.ends_with(' ');
            if !known
                && raw.chars().count() >= 4
                && !raw.chars().any(|c| c.is_ascii_digit())
                && (!typing || !self.has_prefix(&searcher, f.title_words, raw))
            {
                // One edit (a transposition counts as one) covers most real typos; the
                // automaton for two edits costs milliseconds on long words.
                let dist = 1;
                let fz = FuzzyTermQuery::new(Term::from_field_text(f.title_words, raw), dist, true);
                alts.push((Occur::Should, Box::new(BoostQuery::new(Box::new(fz), 2.0))));
                fuzzy_used = true;
            }
            let alt: Box<dyn Query> = Box::new(BooleanQuery::new(alts));
            should.push((Occur::Should, alt.box_clone()));
            per_term.push(alt);
            terms_out.push(s.clone());
        }
        // The exact (unstemmed) word earns a little more than its stem: `sein` should not
        // match "Seine-Maritime" as well as "cancer du sein".
        for (_, w) in &raw_words {
            if !super::index::STOP_WORDS.contains(&w.as_str()) {
                should.push(boosted(term_q(f.title_words, w), 0.6));
            }
        }

        // Search as you type: the last word, if unfinished (not a word of any title), also
        // counts as a prefix.
        if let Some((_, last)) = raw_words.last() {
            let complete = searcher
                .doc_freq(&Term::from_field_text(f.title_words, last))
                .unwrap_or(0)
                > 0;
            if !req.q.ends_with(' ') && !complete && last.chars().count() >= 3 {
                let pq = FuzzyTermQuery::new_prefix(
                    Term::from_field_text(f.title_words, last),
                    0,
                    false,
                );
                should.push(boosted(Box::new(pq), 0.8));
            }
        }
        if per_term.len() > 1 {
            let all: Vec<(Occur, Box<dyn Query>)> =
                per_term.into_iter().map(|q| (Occur::Must, q)).collect();
            should.push(boosted(Box::new(BooleanQuery::new(all)), 2.0));
        }
        if stems.len() > 1 {
            // Phrases are matched in titles only: positions in long bodies cost more than
            // they add over the all-terms bonus.
            let terms: Vec<(usize, Term)> = stems
                .iter()
                .map(|(p, s)| (*p - stems[0].0, Term::from_field_text(f.title, s)))
                .collect();
            should.push(boosted(
                Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1)),
                4.0,
            ));
        }

        // 3. Glossary: English and lay words bring in the French the catalogue uses.
        let plain_words: Vec<String> = raw_words.iter().map(|x| x.1.clone()).collect();
        for exp in glossary::expand(&plain_words) {
            let es = self.analyze("fr", exp);
            let mut group: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (_, s) in &es {
                if terms_out.contains(s) {
                    continue;
                }
                group.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term_q(f.title, s), 2.5)),
                ));
                group.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term_q(f.label, s), 2.5)),
                ));

                terms_out.push(s.clone());
            }
            if es.len() > 1 {
                let terms: Vec<(usize, Term)> = es
                    .iter()
                    .map(|(p, s)| (*p - es[0].0, Term::from_field_text(f.title, s)))
                    .collect();
                group.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1)),
                        3.0,
                    )),
                ));
            }
            if !group.is_empty() {
                should.push((Occur::Should, Box::new(BooleanQuery::new(group))));
            }
        }

        if should.is_empty() {
            return Ok(SearchResponse {
                query: req.q.clone(),
                total: 0,
                took_ms: start.elapsed().as_secs_f64() * 1e3,
                hits: vec![],
                kinds: vec![],
                terms: vec![],
                fuzzy: false,
            });
        }
        let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(should));

        // Filters score nothing; the kind filter is applied while collecting, after counting.
        let mut filters: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        for (field, val) in [
            (f.base, &req.base),
            (f.produit, &req.produit),
            (f.table, &req.table),
            (f.nomenclature, &req.nomenclature),
        ] {
            if let Some(v) = val.as_deref().filter(|v| !v.is_empty()) {
                filters.push((
                    Occur::Must,
                    Box::new(ConstScoreQuery::new(term_q(field, v), 0.0)),
                ));
            }
        }
        let kind = req.kind.as_deref().filter(|k| !k.is_empty());
        let kind_n = match kind {
            Some(k) => Some(KINDS.iter().position(|x| *x == k).ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown kind `{k}`; expected one of {}",
                    KINDS.join(", ")
                ))
            })? as u64),
            None => None,
        };
        let query = BooleanQuery::new(filters);
        let group = !req.no_group;
        let fetch = if group { limit * 4 + 20 } else { limit };
        let stats = super::index::FieldStats {
            searcher: &searcher,
            scale: &self.scale,
        };
        let (docs, kind_counts) = searcher
            .search_with_statistics_provider(
                &query,
                &RankAndCount {
                    limit: fetch,
                    kind: kind_n,
                },
                &stats,
            )
            .map_err(|e| Error::index(&self.path, e))?;
        let total = match kind_n {
            Some(k) => kind_counts[k as usize],
            None => kind_counts.iter().sum(),
        };

        let mut hits: Vec<SearchHit> = Vec::with_capacity(limit);
        let mut var_at: HashMap<String, usize> = HashMap::new();
        // A code list may repeat a code (one row per version of a GHS, say): one hit per id.
        let mut seen = std::collections::HashSet::new();
        for (score, addr) in docs {
            let d: TantivyDocument = searcher
                .doc(addr)
                .map_err(|e| Error::index(&self.path, e))?;
            let get = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let kind = get(f.kind).unwrap_or_default();
            let hit = SearchHit {
                id: get(f.id).unwrap_or_default(),
                title: get(f.shown).unwrap_or_default(),
                score,
                name: get(f.name),
                table: get(f.table).filter(|_| kind == "variable"),
                nomenclature: get(f.nomenclature).filter(|_| kind == "code"),
                code: get(f.code),
                label: get(f.shown).filter(|_| kind == "code"),
                path: get(f.path),
                base: get(f.base),
                produit: get(f.produit),
                tables_count: d.get_first(f.n_tables).and_then(|v| v.as_u64()),
                also_in: vec![],
                kind,
            };
            if !seen.insert(hit.id.clone()) {
                continue;
            }
            if group && hit.kind == "variable" {
                let key = hit.name.as_deref().unwrap_or_default().to_uppercase();
                if let Some(&i) = var_at.get(&key) {
                    if let Some(t) = hit.table {
                        hits[i].also_in.push(t);
                    }
                    continue;
                }
                if hits.len() < limit {
                    var_at.insert(key, hits.len());
                }
            }
            if hits.len() < limit {
                hits.push(hit);
            } else if !group {
                break;
            }
        }
        hits.truncate(limit);
        let kinds = KINDS
            .iter()
            .zip(kind_counts)
            .filter(|(_, c)| *c > 0)
            .map(|(k, c)| Facet {
                value: k.to_string(),
                count: c,
                selected: kind == Some(*k),
            })
            .collect();
        Ok(SearchResponse {
            query: req.q.clone(),
            total,
            took_ms: start.elapsed().as_secs_f64() * 1e3,
            hits,
            kinds,
            terms: terms_out,
            fuzzy: fuzzy_used,
        })
    }
}
