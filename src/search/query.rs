//! Turning what a person typed into a ranked list of hits.

use super::index::{Fields, SearchIndex, KINDS};
use super::{fold_accents, glossary};

/// The glossary's path in the repository, shown as the source of its expansions.
const GLOSSARY_PATH: &str = "src/search/glossary.rs";
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, SegmentReader, Term};
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
    /// Say, for each hit, which typed word or synonym matched which of its fields (`why`).
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub explain: bool,
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
    /// Why it matched, when the request asked to `explain`: each word searched and the fields
    /// of this hit it was found in.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub why: Vec<Why>,
}

/// One reason a hit matched: a word searched and the fields of the hit that contain it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct Why {
    /// The word or words searched: as typed, or what a synonym searched in their place.
    pub term: String,
    /// The hit's fields that contain it: `identifier`, `identifier part`, `title`, `label`,
    /// `text` (description, documentation, base and table text).
    pub fields: Vec<String>,
    /// How it came into the search: `typed`, `identifier`, `glossary`, `synonym` (the
    /// hand-written list), `acronym` (a mined expansion of a typed acronym), `expansion` (the
    /// mined acronym of typed words), `label` (the query is this code's label).
    pub via: String,
    /// For a synonym, acronym or expansion: the typed words it stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Where the synonym comes from: the list and its line, or the page or code row of the
    /// active snapshot it was mined from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A clause of the query that `explain` checks against each hit.
struct Clue {
    field: Field,
    field_name: &'static str,
    /// The indexed form searched (stem, folded word…).
    text: String,
    term: String,
    via: &'static str,
    from: Option<String>,
    source: Option<String>,
}

/// Lowercase, accents off, every run of other characters than letters and digits one space:
/// how a query and a code's label are compared.
pub(crate) fn normalise_label(s: &str) -> String {
    let f = fold_accents(s);
    let mut out = String::with_capacity(f.len());
    for w in f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A stored document as a hit reads it: each stored value as a string or a number, nothing
/// else (tantivy's `TantivyDocument` copies every value twice on the way, and the hit a third
/// time).
struct Stored(Vec<(Field, StoredValue)>);

enum StoredValue {
    Str(String),
    U64(u64),
    Other,
}

impl Stored {
    /// The first value of `field`, if it is a string.
    fn str(&self, field: Field) -> Option<&str> {
        match self.0.iter().find(|(f, _)| *f == field) {
            Some((_, StoredValue::Str(s))) => Some(s),
            _ => None,
        }
    }

    /// The first value of `field`, if it is a string, moved out.
    fn take(&mut self, field: Field) -> Option<String> {
        match self.0.iter_mut().find(|(f, _)| *f == field) {
            Some((_, StoredValue::Str(s))) => Some(std::mem::take(s)),
            _ => None,
        }
    }

    /// The first value of `field`, if it is an unsigned number.
    fn u64(&self, field: Field) -> Option<u64> {
        match self.0.iter().find(|(f, _)| *f == field) {
            Some((_, StoredValue::U64(n))) => Some(*n),
            _ => None,
        }
    }
}

impl tantivy::schema::document::DocumentDeserialize for Stored {
    fn deserialize<'de, D>(
        mut d: D,
    ) -> std::result::Result<Self, tantivy::schema::document::DeserializeError>
    where
        D: tantivy::schema::document::DocumentDeserializer<'de>,
    {
        let mut out = Vec::with_capacity(d.size_hint());
        while let Some((field, v)) = d.next_field::<StoredValue>()? {
            out.push((field, v));
        }
        Ok(Stored(out))
    }
}

impl tantivy::schema::document::ValueDeserialize for StoredValue {
    fn deserialize<'de, D>(
        d: D,
    ) -> std::result::Result<Self, tantivy::schema::document::DeserializeError>
    where
        D: tantivy::schema::document::ValueDeserializer<'de>,
    {
        use tantivy::schema::document::{DeserializeError, ValueVisitor};
        struct Visit;
        impl ValueVisitor for Visit {
            type Value = StoredValue;
            fn visit_string(
                &self,
                s: String,
            ) -> std::result::Result<StoredValue, DeserializeError> {
                Ok(StoredValue::Str(s))
            }
            fn visit_u64(&self, n: u64) -> std::result::Result<StoredValue, DeserializeError> {
                Ok(StoredValue::U64(n))
            }
            fn visit_i64(&self, _: i64) -> std::result::Result<StoredValue, DeserializeError> {
                Ok(StoredValue::Other)
            }
            fn visit_f64(&self, _: f64) -> std::result::Result<StoredValue, DeserializeError> {
                Ok(StoredValue::Other)
            }
            fn visit_bool(&self, _: bool) -> std::result::Result<StoredValue, DeserializeError> {
                Ok(StoredValue::Other)
            }
        }
        d.deserialize_any(Visit)
    }
}

/// Whether the document at `addr` has `text` in `field`.
fn doc_has(searcher: &tantivy::Searcher, addr: DocAddress, field: Field, text: &str) -> bool {
    use tantivy::DocSet;
    let seg = searcher.segment_reader(addr.segment_ord);
    let Ok(inv) = seg.inverted_index(field) else {
        return false;
    };
    let term = Term::from_field_text(field, text);
    match inv.read_postings(&term, IndexRecordOption::Basic) {
        Ok(Some(mut p)) => p.doc() <= addr.doc_id && p.seek(addr.doc_id) == addr.doc_id,
        _ => false,
    }
}

/// What a hit shows of a document, as its stored fields hold it.
pub(crate) struct HitRow {
    kind: Box<str>,
    id: Box<str>,
    shown: Option<Box<str>>,
    name: Option<Box<str>>,
    table: Option<Box<str>>,
    nomenclature: Option<Box<str>>,
    code: Option<Box<str>>,
    path: Option<Box<str>>,
    base: Option<Box<str>>,
    produit: Option<Box<str>>,
    n_tables: Option<u64>,
}

impl HitRow {
    fn read(searcher: &tantivy::Searcher, addr: DocAddress, f: &Fields) -> tantivy::Result<HitRow> {
        let mut d: Stored = searcher.doc(addr)?;
        let mut take = |field: Field| d.take(field).map(String::into_boxed_str);
        Ok(HitRow {
            kind: take(f.kind).unwrap_or_default(),
            id: take(f.id).unwrap_or_default(),
            shown: take(f.shown),
            name: take(f.name),
            table: take(f.table),
            nomenclature: take(f.nomenclature),
            code: take(f.code),
            path: take(f.path),
            base: take(f.base),
            produit: take(f.produit),
            n_tables: d.u64(f.n_tables),
        })
    }

    fn hit(&self, score: Score) -> SearchHit {
        let s = |v: &Option<Box<str>>| v.as_deref().map(str::to_string);
        let kind = self.kind.to_string();
        SearchHit {
            id: self.id.to_string(),
            title: s(&self.shown).unwrap_or_default(),
            score,
            name: s(&self.name),
            table: s(&self.table).filter(|_| kind == "variable"),
            nomenclature: s(&self.nomenclature).filter(|_| kind == "code"),
            code: s(&self.code),
            label: s(&self.shown).filter(|_| kind == "code"),
            path: s(&self.path),
            base: s(&self.base),
            produit: s(&self.produit),
            tables_count: self.n_tables,
            also_in: vec![],
            why: vec![],
            kind,
        }
    }
}

/// A hit's row: from the snapshot's table of the documents other than codes, or read.
enum Row<'a> {
    Kept(&'a HitRow),
    Read(HitRow),
}

impl std::ops::Deref for Row<'_> {
    type Target = HitRow;
    fn deref(&self) -> &HitRow {
        match self {
            Row::Kept(r) => r,
            Row::Read(r) => r,
        }
    }
}

/// The numbers of the kinds `variable` and `code` in [`KINDS`] (the `kind_n` fast field).
const KIND_VARIABLE: u8 = 2;
use super::index::CODE_KIND as KIND_CODE;

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
struct RankAndCount<'a> {
    limit: usize,
    kind: Option<u64>,
    hot: &'a Hot,
}

struct SegmentRankAndCount {
    segment: u32,
    dense: std::sync::Arc<SegmentDense>,
    kind: Option<u64>,
    limit: usize,
    counts: [u64; 6],
    // Min-heap of the best hits so far (score, doc): the root is the weakest kept.
    heap: std::collections::BinaryHeap<std::cmp::Reverse<(OrdScore, DocId)>>,
}

/// What a search reads of every matching document, read once when the snapshot is opened
/// rather than by each search: the kind and the prior of each document, and the number of
/// words of each code's label (dense arrays, 6 bytes a document).
pub(crate) struct SegmentDense {
    kinds: Vec<u8>,
    priors: Vec<f32>,
    /// Words of a code's label (the `label_words` fast field, 255 for 255 or more; 0 for the
    /// other kinds).
    label_words: Vec<u8>,
}

/// The searcher of a snapshot and its per-segment arrays. The reader is never reloaded (a
/// snapshot is immutable), so one searcher serves every search.
pub(crate) struct Hot {
    pub(crate) searcher: tantivy::Searcher,
    segments: Vec<std::sync::Arc<SegmentDense>>,
    /// What a hit shows of each live document other than a code (tables, variables, pages:
    /// the hits that a search reads beyond those it shows, to group variables), per segment.
    /// Filled once the snapshot is open.
    rows: std::sync::Arc<std::sync::OnceLock<Rows>>,
    /// Answers already given by this snapshot.
    cache: super::cache::Cache,
}

impl Hot {
    pub(crate) fn new(reader: &tantivy::IndexReader, f: &Fields) -> tantivy::Result<Hot> {
        let searcher = reader.searcher();
        let mut segments = Vec::new();
        for r in searcher.segment_readers() {
            let kinds_col = r.fast_fields().u64("kind_n")?;
            let prior_col = r.fast_fields().f64("prior")?;
            let words_col = r.fast_fields().u64("label_words")?;
            let n = r.max_doc();
            let kinds = (0..n)
                .map(|d| kinds_col.first(d).unwrap_or(0) as u8)
                .collect();
            let priors = (0..n)
                .map(|d| prior_col.first(d).unwrap_or(1.0) as f32)
                .collect();
            let label_words = (0..n)
                .map(|d| words_col.first(d).unwrap_or(0).min(255) as u8)
                .collect();
            segments.push(std::sync::Arc::new(SegmentDense {
                kinds,
                priors,
                label_words,
            }));
        }
        let rows = std::sync::Arc::new(std::sync::OnceLock::new());
        // Read after the open returns: ~6,000 documents cost 10 to 30 ms, more than the rest of
        // the open; a search that comes first reads its hits from the store.
        let (fill, s, segs, f) = (rows.clone(), searcher.clone(), segments.clone(), f.clone());
        std::thread::Builder::new()
            .name("hublot-hit-rows".into())
            .spawn(move || {
                if let Ok(r) = read_rows(&s, &segs, &f) {
                    let _ = fill.set(r);
                }
            })
            .map_err(|e| tantivy::TantivyError::SystemError(e.to_string()))?;
        Ok(Hot {
            searcher,
            segments,
            rows,
            cache: super::cache::Cache::from_env(),
        })
    }

    fn kind_of(&self, addr: DocAddress) -> u8 {
        self.segments[addr.segment_ord as usize].kinds[addr.doc_id as usize]
    }

    fn label_words(&self, addr: DocAddress) -> u8 {
        self.segments[addr.segment_ord as usize].label_words[addr.doc_id as usize]
    }

    /// What a hit shows of the document at `addr`.
    fn row(&self, f: &Fields, addr: DocAddress) -> tantivy::Result<Row<'_>> {
        if let Some(rows) = self.rows.get() {
            let (docs, seg) = &rows[addr.segment_ord as usize];
            if let Ok(i) = docs.binary_search(&addr.doc_id) {
                return Ok(Row::Kept(&seg[i]));
            }
        }
        Ok(Row::Read(HitRow::read(&self.searcher, addr, f)?))
    }
}

/// Per segment: the documents, in order, and their rows.
type Rows = Vec<(Vec<DocId>, Vec<HitRow>)>;

/// The rows of every live document other than a code, per segment, in document order.
fn read_rows(
    searcher: &tantivy::Searcher,
    segments: &[std::sync::Arc<SegmentDense>],
    f: &Fields,
) -> tantivy::Result<Rows> {
    let mut rows = Vec::with_capacity(segments.len());
    for (ord, (r, dense)) in searcher.segment_readers().iter().zip(segments).enumerate() {
        let (mut docs, mut seg) = (Vec::new(), Vec::new());
        for (doc, &kind) in dense.kinds.iter().enumerate() {
            let doc = doc as DocId;
            if kind == KIND_CODE || r.is_deleted(doc) {
                continue;
            }
            docs.push(doc);
            seg.push(HitRow::read(searcher, DocAddress::new(ord as u32, doc), f)?);
        }
        rows.push((docs, seg));
    }
    Ok(rows)
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

impl Collector for RankAndCount<'_> {
    type Fruit = Ranked;
    type Child = SegmentRankAndCount;
    fn for_segment(
        &self,
        segment: u32,
        _r: &SegmentReader,
    ) -> tantivy::Result<SegmentRankAndCount> {
        Ok(SegmentRankAndCount {
            segment,
            dense: self.hot.segments[segment as usize].clone(),
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
        let k = self.dense.kinds[doc as usize] as u64;
        if let Some(c) = self.counts.get_mut(k as usize) {
            *c += 1;
        }
        if self.kind.is_some_and(|want| want != k) {
            return;
        }
        let s = OrdScore(score * self.dense.priors[doc as usize]);
        if self.heap.len() < self.limit {
            self.heap.push(std::cmp::Reverse((s, doc)));
        } else if let Some(mut weakest) = self.heap.peek_mut() {
            if s > weakest.0 .0 {
                // Replaces the root in place: one sift instead of a pop and a push.
                *weakest = std::cmp::Reverse((s, doc));
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

/// The longest query searched, in characters. The longest real queries are a few words (the
/// relevance set's longest is 33 characters); a pasted paragraph still fits.
pub const MAX_QUERY_CHARS: usize = 1024;

/// The most different words a query may have (repeated words count once). Each word adds a
/// handful of clauses and, when unknown, a fuzzy automaton: this bounds the work of a search.
pub const MAX_QUERY_WORDS: usize = 32;

/// At most this many unknown words of a query are matched fuzzily; the others must match
/// exactly. A fuzzy word costs an automaton walk over the title dictionary and a bitset over
/// every document, by far the most expensive clause.
const MAX_FUZZY_WORDS: usize = 8;

/// A query longer than this many words gets no phrase clause: titles are short and a phrase's
/// cost grows with its length.
const MAX_PHRASE_TERMS: usize = 16;

/// The longest filter value (a base, a table, a code list, a kind), in bytes.
const MAX_FILTER_BYTES: usize = 256;

/// Refuses a request whose query or filters are longer than a search accepts, before any work.
fn check_size(req: &SearchRequest) -> Result<()> {
    // Counting characters is linear; the byte length bounds it first (a char is ≤ 4 bytes).
    if req.q.len() > 4 * MAX_QUERY_CHARS || req.q.chars().count() > MAX_QUERY_CHARS {
        return Err(Error::TooLarge(format!(
            "the query is {} characters long; a search accepts at most {MAX_QUERY_CHARS}",
            req.q.chars().count()
        )));
    }
    for (name, v) in [
        ("kind", &req.kind),
        ("base", &req.base),
        ("produit", &req.produit),
        ("table", &req.table),
        ("nomenclature", &req.nomenclature),
    ] {
        if let Some(v) = v.as_deref().filter(|v| v.len() > MAX_FILTER_BYTES) {
            return Err(Error::TooLarge(format!(
                "`{name}` is {} bytes long; a filter accepts at most {MAX_FILTER_BYTES}",
                v.len()
            )));
        }
    }
    Ok(())
}

/// Refuses a query with more than [`MAX_QUERY_WORDS`] different words, counted both as the
/// analyzer's tokens and as the space-separated words the identifier clauses use.
fn check_words(words: &[String], tokens: &[(usize, String)]) -> Result<()> {
    let distinct = tokens
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len()
        .max(words.len());
    if distinct > MAX_QUERY_WORDS {
        return Err(Error::TooLarge(format!(
            "the query has {distinct} different words; a search accepts at most \
             {MAX_QUERY_WORDS}: keep the words that matter"
        )));
    }
    Ok(())
}

/// Keeps the first occurrence of each word, in order.
fn dedup(words: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    words
        .into_iter()
        .filter(|w| seen.insert(w.clone()))
        .collect()
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
        self.has_live_prefix(searcher, field, prefix)
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

    /// Runs a search. Refused with [`Error::TooLarge`] when the query is longer than
    /// [`MAX_QUERY_CHARS`] or has more than [`MAX_QUERY_WORDS`] different words, and with
    /// [`Error::Overloaded`] when as many searches as allowed are already running.
    ///
    /// Answers are kept in a small cache of the snapshot (`search/cache.rs`), keyed on the whole
    /// request; a repeated request is answered from it (its `took_ms` is then the time of the
    /// look-up). `HUBLOT_SEARCH_CACHE=off` turns it off.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        let start = std::time::Instant::now();
        check_size(req)?;
        let limit = req.limit.unwrap_or(20).clamp(1, 500);
        let cache = &self.hot.cache;
        let key = cache.is_on().then(|| super::cache::Key::of(req, limit));
        if let Some(hit) = key.as_ref().and_then(|k| cache.get(k)) {
            let mut r = SearchResponse::clone(&hit);
            r.took_ms = start.elapsed().as_secs_f64() * 1e3;
            return Ok(r);
        }
        let r = self.search_uncached(req, limit, start)?;
        if let Some(k) = key {
            cache.put(k, std::sync::Arc::new(r.clone()));
        }
        Ok(r)
    }

    fn search_uncached(
        &self,
        req: &SearchRequest,
        limit: usize,
        start: std::time::Instant,
    ) -> Result<SearchResponse> {
        let _pass = self.gate.enter()?;
        let f = &self.f;
        let searcher = &self.hot.searcher;
        // One set of statistics for the whole search: the checks below (is a word known, is the
        // last word complete) and the clauses' weights look up the same terms.
        let stats = self.stats(searcher);
        let live_df = |t: &Term| {
            use tantivy::query::Bm25StatisticsProvider;
            stats.doc_freq(t).unwrap_or(0)
        };
        let q = req.q.trim();
        let mut terms_out: Vec<String> = Vec::new();
        let mut fuzzy_used = false;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // What `explain` checks against each hit; gathered only when asked.
        let mut clues: Vec<Clue> = Vec::new();
        let mut clue = |field: Field,
                        field_name: &'static str,
                        text: &str,
                        term: &str,
                        via: &'static str,
                        from: Option<&str>,
                        source: Option<&str>| {
            if req.explain && clues.len() < 400 {
                clues.push(Clue {
                    field,
                    field_name,
                    text: text.to_string(),
                    term: term.to_string(),
                    via,
                    from: from.map(String::from),
                    source: source.map(String::from),
                });
            }
        };
        let boosted = |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) {
            (Occur::Should, Box::new(BoostQuery::new(q, b)))
        };
        let terms = super::clauses::Terms::default();
        let term_q = |field: Field, text: &str| -> Box<dyn Query> { terms.query(field, text) };

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
        // Repeated words count once: they would only repeat clauses.
        let words = dedup(words);
        let raw_words = self.analyze("words", q);
        check_words(&words, &raw_words)?;
        if !folded.is_empty() {
            should.push(boosted(term_q(f.ident, &folded), 40.0));
            clue(f.ident, "identifier", &folded, q, "identifier", None, None);
        }
        // Forms people type for identifiers: `ben nir psa`, `I21.9`, `T_MCO22B` (a year
        // instead of the `aa` placeholder of PMSI table names).
        if words.len() > 1 && words.len() <= 4 {
            should.push(boosted(term_q(f.ident, &words.join("_")), 30.0));
            clue(
                f.ident,
                "identifier",
                &words.join("_"),
                q,
                "identifier",
                None,
                None,
            );
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
                clue(f.ident, "identifier", w, w, "identifier", None, None);
            }
        }
        for w in &words {
            if w.contains('_') {
                for (_, p) in self.analyze("words", w) {
                    should.push(boosted(term_q(f.ident_parts, &p), 1.5));
                    clue(
                        f.ident_parts,
                        "identifier part",
                        &p,
                        w,
                        "identifier",
                        None,
                        None,
                    );
                }
            }
        }

        // 2. Words, stemmed: in titles (×3) and bodies (×1); a bonus when all of them match; a
        // bigger one for the phrase.
        let stems = self.analyze("fr", q);
        let mut per_term: Vec<Box<dyn Query>> = Vec::new();
        let last_pos = raw_words.last().map(|x| x.0);
        let mut fuzzy_words = 0;
        for (pos, s) in stems.iter() {
            if terms_out.contains(s) {
                continue;
            }
            let known = [f.title, f.label, f.body]
                .iter()
                .any(|&fl| live_df(&Term::from_field_text(fl, s)) > 0);
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
                && fuzzy_words < MAX_FUZZY_WORDS
                && raw.chars().count() >= 4
                && !raw.chars().any(|c| c.is_ascii_digit())
                && (!typing
                    || !(self.has_prefix(searcher, f.title_words, raw)
                        || self.has_prefix(searcher, f.label, raw)))
            {
                // One edit (a transposition counts as one) covers most real typos; the
                // automaton for two edits costs milliseconds on long words. Code labels are
                // indexed stemmed only: there the stem of the typo is compared.
                let dist = 1;
                for (field, text) in [(f.title_words, raw), (f.label, s.as_str())] {
                    let fz = FuzzyTermQuery::new(Term::from_field_text(field, text), dist, true);
                    let fz = super::clauses::fixed_docs(searcher, &fz)
                        .map_err(|e| Error::index(&self.path, e))?;
                    alts.push((Occur::Should, Box::new(BoostQuery::new(fz, 2.0))));
                }
                fuzzy_used = true;
                fuzzy_words += 1;
            }
            let alt: Box<dyn Query> = Box::new(BooleanQuery::new(alts));
            should.push((Occur::Should, alt.box_clone()));
            per_term.push(alt);
            for (field, name) in [(f.title, "title"), (f.label, "label"), (f.body, "text")] {
                clue(field, name, s, raw, "typed", None, None);
            }
            terms_out.push(s.clone());
        }
        // The exact (unstemmed) word earns a little more than its stem: `sein` should not
        // match "Seine-Maritime" as well as "cancer du sein".
        let plain_words = dedup(raw_words.iter().map(|x| x.1.clone()).collect());
        for w in &plain_words {
            if !super::index::STOP_WORDS.contains(&w.as_str()) {
                should.push(boosted(term_q(f.title_words, w), 0.6));
            }
        }

        // Search as you type: the last word, if unfinished (not a word of any title), also
        // counts as a prefix.
        // Code labels are indexed stemmed only: the prefix is also looked for among their stems.
        if let Some((_, last)) = raw_words.last() {
            let complete = [f.title_words, f.label]
                .iter()
                .any(|&fl| live_df(&Term::from_field_text(fl, last)) > 0);
            if !req.q.ends_with(' ') && !complete && last.chars().count() >= 3 {
                for field in [f.title_words, f.label] {
                    let pq =
                        FuzzyTermQuery::new_prefix(Term::from_field_text(field, last), 0, false);
                    should.push(boosted(Box::new(pq), 0.8));
                }
            }
        }
        if per_term.len() > 1 {
            let all: Vec<(Occur, Box<dyn Query>)> =
                per_term.into_iter().map(|q| (Occur::Must, q)).collect();
            should.push(boosted(Box::new(BooleanQuery::new(all)), 2.0));
        }
        if stems.len() > 1 && stems.len() <= MAX_PHRASE_TERMS {
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
        // Glossary keys span consecutive words: expand the words as typed, repeats included.
        let typed_words: Vec<String> = raw_words.iter().map(|x| x.1.clone()).collect();
        let mut expansions = glossary::expand(&typed_words);
        let mut seen = std::collections::HashSet::new();
        expansions.retain(|e| seen.insert(*e));
        for exp in expansions {
            let es = self.analyze("fr", exp);
            let mut group: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (_, s) in &es {
                for (field, name) in [(f.title, "title"), (f.label, "label")] {
                    clue(field, name, s, exp, "glossary", None, Some(GLOSSARY_PATH));
                }
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

        // 4. The synonym layer: lay French, settings of care and the snapshot's mined acronyms
        // (both ways), matched on the stemmed words. Lower weights than the words typed, and
        // than the glossary: a synonym adds hits, it never pushes an exact match down.
        let stem_words: Vec<String> = stems.iter().map(|(_, s)| s.clone()).collect();
        for e in self.synonyms.expand(&stem_words) {
            let es = self.analyze("fr", &e.to);
            if es.is_empty() || es.len() > MAX_PHRASE_TERMS {
                continue;
            }
            let (via, from, source) = (
                e.via.as_str(),
                Some(e.from.as_str()),
                Some(e.source.as_str()),
            );
            let mut group: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            // A setting of care or a topic points to bases, tables and documentation (titles and
            // text), never to code labels: "médicaments délivrés" means the pharmacy tables, not
            // the accounting codes that say so.
            let (fields, body_boost): (&[(Field, &'static str)], f32) = if e.topic {
                (&[(f.title, "title"), (f.body, "text")], 1.0)
            } else {
                (
                    &[(f.title, "title"), (f.label, "label"), (f.body, "text")],
                    0.5,
                )
            };
            for (_, s) in &es {
                for &(field, name) in fields {
                    clue(field, name, s, &e.to, via, from, source);
                }
                let either: Vec<(Occur, Box<dyn Query>)> = fields
                    .iter()
                    .map(|&(field, _)| (Occur::Should, term_q(field, s)))
                    .collect();
                all.push((Occur::Must, Box::new(BooleanQuery::new(either))));
                if terms_out.contains(s) {
                    continue;
                }
                for &(field, _) in fields {
                    let b = if field == f.body { body_boost } else { 2.0 };
                    group.push(boosted(term_q(field, s), b));
                }
                terms_out.push(s.clone());
            }
            if es.len() > 1 {
                // Every word of the expansion in the same document: labels have no positions, so
                // this stands for the phrase there; titles also get the phrase itself.
                group.push(boosted(Box::new(BooleanQuery::new(all)), 1.5));
                let terms: Vec<(usize, Term)> = es
                    .iter()
                    .map(|(p, s)| (*p - es[0].0, Term::from_field_text(f.title, s)))
                    .collect();
                group.push(boosted(
                    Box::new(PhraseQuery::new_with_offset_and_slop(terms, 1)),
                    2.5,
                ));
            }
            if e.via == super::synonyms::Via::Expansion {
                // A mined acronym is also a part of identifiers (`RHS_NUM`).
                for (_, p) in self.analyze("words", &e.to) {
                    clue(
                        f.ident_parts,
                        "identifier part",
                        &p,
                        &e.to,
                        via,
                        from,
                        source,
                    );
                    group.push(boosted(term_q(f.ident_parts, &p), 1.5));
                }
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
                    Box::new(ConstScoreQuery::new(
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, v),
                            IndexRecordOption::WithFreqs,
                        )),
                        0.0,
                    )),
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
        let (docs, kind_counts) = searcher
            .search_with_statistics_provider(
                &query,
                &RankAndCount {
                    limit: fetch,
                    kind: kind_n,
                    hot: &self.hot,
                },
                &stats,
            )
            .map_err(|e| Error::index(&self.path, e))?;
        let total = match kind_n {
            Some(k) => kind_counts[k as usize],
            None => kind_counts.iter().sum(),
        };

        let mut hits: Vec<SearchHit> = Vec::with_capacity(limit);
        let mut addrs: Vec<DocAddress> = Vec::with_capacity(limit);
        // A query of two words or more equal to a code's label (case, accents and punctuation
        // aside) puts the best such code first, wherever it ranked among the documents fetched.
        // One word is rarely meant as a label: "lunettes" or "pharmacie" ask for a topic, not
        // for the code row that happens to be labelled so.
        let wanted_label = normalise_label(q);
        let has_letter = self.label_first
            && wanted_label.contains(' ')
            && wanted_label.chars().any(char::is_alphabetic);
        let wanted_label = has_letter.then_some(wanted_label);
        let mut exact: Option<(usize, Option<(SearchHit, DocAddress)>)> = None;
        let mut var_at: HashMap<String, usize> = HashMap::new();
        // A code list may repeat a code (one row per version of a GHS, say): one hit per id.
        let mut seen = std::collections::HashSet::new();
        // Once the hits shown are found, a document further down changes the answer only as
        // another table of a shown variable or as the code whose label is the query: the others
        // are not read from the store (each read decompresses a block of 16 KB, the largest
        // cost of a search when all were read). A code label's length in words (the
        // `label_words` fast field, counted as `normalise_label` splits) tells without reading
        // it that it cannot be the query. A skipped code is read after all if a later row of the
        // same id turns out to be the label: that row was a repeat before.
        let label_norm = wanted_label
            .as_deref()
            .map(|w| w.split(' ').count().min(255) as u8);
        let mut skipped_codes: Vec<DocAddress> = Vec::new();
        for (score, addr) in docs {
            if hits.len() >= limit {
                let k = self.hot.kind_of(addr);
                let wants_variable = group && k == KIND_VARIABLE && !var_at.is_empty();
                let wants_code = k == KIND_CODE && exact.is_none() && wanted_label.is_some();
                if !wants_variable && !wants_code {
                    continue;
                }
                if wants_code && label_norm.is_some_and(|n| self.hot.label_words(addr) != n) {
                    skipped_codes.push(addr);
                    continue;
                }
            }
            let row = self
                .hot
                .row(f, addr)
                .map_err(|e| Error::index(&self.path, e))?;
            if !seen.insert(row.id.to_string()) {
                continue;
            }
            let is_code = &*row.kind == "code";
            // The label's length in words tells most codes apart without normalising the label.
            let is_exact = exact.is_none()
                && is_code
                && label_norm.is_some_and(|n| self.hot.label_words(addr) == n)
                && wanted_label.as_deref().is_some_and(|w| {
                    row.shown
                        .as_deref()
                        .is_some_and(|l| normalise_label(l) == w)
                });
            if is_exact && hits.len() >= limit && !skipped_codes.is_empty() {
                let mut repeat = false;
                for a in std::mem::take(&mut skipped_codes) {
                    let d: Stored = searcher.doc(a).map_err(|e| Error::index(&self.path, e))?;
                    if let Some(id) = d.str(f.id) {
                        repeat |= *id == *row.id;
                        seen.insert(id.to_string());
                    }
                }
                if repeat {
                    continue;
                }
            }
            if is_exact {
                if hits.len() < limit {
                    exact = Some((hits.len(), None));
                } else {
                    exact = Some((0, Some((row.hit(score), addr))));
                    if !group {
                        break;
                    }
                    continue;
                }
            }
            if group && &*row.kind == "variable" {
                let key = row.name.as_deref().unwrap_or_default().to_uppercase();
                if let Some(&i) = var_at.get(&key) {
                    if let Some(t) = &row.table {
                        hits[i].also_in.push(t.to_string());
                    }
                    continue;
                }
                if hits.len() < limit {
                    var_at.insert(key, hits.len());
                }
            }
            if hits.len() < limit {
                hits.push(row.hit(score));
                addrs.push(addr);
            } else if !group && (exact.is_some() || wanted_label.is_none()) {
                break;
            }
        }
        hits.truncate(limit);
        addrs.truncate(limit);
        let promoted = exact.is_some();
        match exact {
            Some((i, None)) if i > 0 => {
                let h = hits.remove(i);
                hits.insert(0, h);
                let a = addrs.remove(i);
                addrs.insert(0, a);
            }
            Some((_, Some((h, a)))) => {
                hits.insert(0, h);
                addrs.insert(0, a);
                hits.truncate(limit);
                addrs.truncate(limit);
            }
            _ => {}
        }
        if req.explain {
            for (hit, addr) in hits.iter_mut().zip(&addrs) {
                hit.why = explain(searcher, *addr, &clues);
                if promoted && addr == &addrs[0] && hit.kind == "code" {
                    hit.why.insert(
                        0,
                        Why {
                            term: q.to_string(),
                            fields: vec!["label".into()],
                            via: "label".into(),
                            from: None,
                            source: None,
                        },
                    );
                }
            }
        }
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

/// The reasons a document matched: each clue it contains, grouped by word and origin.
fn explain(searcher: &tantivy::Searcher, addr: DocAddress, clues: &[Clue]) -> Vec<Why> {
    let mut out: Vec<Why> = Vec::new();
    for c in clues {
        if !doc_has(searcher, addr, c.field, &c.text) {
            continue;
        }
        let same = out
            .iter_mut()
            .find(|w| w.term == c.term && w.via == c.via && w.from.as_deref() == c.from.as_deref());
        match same {
            Some(w) => {
                if !w.fields.iter().any(|f| f == c.field_name) {
                    w.fields.push(c.field_name.to_string());
                }
            }
            None => out.push(Why {
                term: c.term.clone(),
                fields: vec![c.field_name.to_string()],
                via: c.via.to_string(),
                from: c.from.clone(),
                source: c.source.clone(),
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::IndexBuilder;

    /// A small index: one code list of sexes and a few codes.
    fn index() -> (tempfile::TempDir, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        let b = IndexBuilder::create(dir.path()).unwrap();
        b.add_nomenclature("IR_SEX_V", "Sexe", &["SEX_COD".into(), "SEX_LIB".into()])
            .unwrap();
        for (code, label) in [("1", "masculin"), ("2", "féminin"), ("9", "inconnu")] {
            b.add_code("IR_SEX_V", Some("Sexe"), 3, code, label)
                .unwrap();
        }
        b.finish().unwrap();
        let idx = SearchIndex::open(dir.path()).unwrap();
        (dir, idx)
    }

    fn q(text: &str) -> SearchRequest {
        SearchRequest {
            q: text.into(),
            ..Default::default()
        }
    }

    /// `n` different words of letters only, `mot…` (so that each could be matched fuzzily).
    fn distinct_words(n: usize) -> Vec<String> {
        short_words("mot", n)
    }

    fn short_words(prefix: &str, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let mut w = String::from(prefix);
                let mut k = i;
                loop {
                    w.push((b'a' + (k % 26) as u8) as char);
                    k /= 26;
                    if k == 0 {
                        break w;
                    }
                }
            })
            .collect()
    }

    #[test]
    fn a_query_longer_than_the_limit_is_refused_as_too_large() {
        let (_d, idx) = index();
        // The size of the query that took `hublot serve` to 1.6 GB.
        let long = distinct_words(62 * 1024 / 6).join(" ");
        let e = idx.search(&q(&long)).unwrap_err();
        assert!(matches!(e, Error::TooLarge(_)), "{e}");
        assert_eq!(e.status(), 413);
        assert!(e.to_string().contains("at most 1024"), "{e}");
        // Characters are counted, not bytes: 1024 accented letters pass the length check.
        let accented = "é".repeat(MAX_QUERY_CHARS);
        assert!(idx.search(&q(&accented)).is_ok());
        let e = idx
            .search(&q(&"é".repeat(MAX_QUERY_CHARS + 1)))
            .unwrap_err();
        assert!(e.to_string().contains("1025 characters"), "{e}");
    }

    #[test]
    fn more_different_words_than_the_limit_are_refused_repeats_count_once() {
        let (_d, idx) = index();
        let many = short_words("w", 200).join(" ");
        assert!(many.chars().count() <= MAX_QUERY_CHARS);
        let e = idx.search(&q(&many)).unwrap_err();
        assert!(matches!(e, Error::TooLarge(_)), "{e}");
        assert!(
            e.to_string().contains("200 different words") && e.to_string().contains("at most 32"),
            "{e}"
        );
        let limit = distinct_words(MAX_QUERY_WORDS).join(" ");
        assert!(idx.search(&q(&limit)).is_ok());
        let one_more = distinct_words(MAX_QUERY_WORDS + 1).join(" ");
        assert!(idx.search(&q(&one_more)).is_err());
        // The same word many times is one word; it still finds what it finds once.
        let repeated = ["féminin"; 100].join(" ");
        let r = idx.search(&q(&repeated)).unwrap();
        assert_eq!(r.hits[0].id, "code/IR_SEX_V/2");
        assert_eq!(r.terms, idx.search(&q("féminin")).unwrap().terms);
    }

    #[test]
    fn long_filters_are_refused() {
        let (_d, idx) = index();
        let e = idx
            .search(&SearchRequest {
                q: "sexe".into(),
                table: Some("T".repeat(10_000)),
                ..Default::default()
            })
            .unwrap_err();
        assert!(matches!(e, Error::TooLarge(_)), "{e}");
        assert!(e.to_string().contains("`table`"), "{e}");
    }

    #[test]
    fn many_unknown_words_still_answer_and_typos_still_match() {
        let (_d, idx) = index();
        // 32 unknown words, each a fuzzy candidate, and a typo among them.
        let mut w = distinct_words(MAX_QUERY_WORDS - 1);
        w.insert(0, "feminim".into());
        let r = idx.search(&q(&w.join(" "))).unwrap();
        assert!(r.fuzzy);
        assert_eq!(r.hits[0].id, "code/IR_SEX_V/2");
    }

    #[test]
    fn kind_numbers_match_the_kinds() {
        assert_eq!(KINDS[KIND_VARIABLE as usize], "variable");
        assert_eq!(KINDS[KIND_CODE as usize], "code");
    }

    #[test]
    fn a_full_gate_refuses_a_search_at_once() {
        let (_d, idx) = index();
        let passes: Vec<_> = (0..idx.gate.limit())
            .map(|_| idx.gate.enter().unwrap())
            .collect();
        let e = idx.search(&q("sexe")).unwrap_err();
        assert!(matches!(e, Error::Overloaded(_)), "{e}");
        assert_eq!(e.status(), 503);
        drop(passes);
        assert!(!idx.search(&q("sexe")).unwrap().hits.is_empty());
    }
}
