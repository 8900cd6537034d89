//! Clauses of a search that look up once what tantivy's own queries look up per clause.
//!
//! A search names the same term in several clauses (a word's alternatives, the all-words
//! bonus that repeats them, synonyms), and tantivy's `TermQuery` computes, for each clause,
//! the term's BM25 weight (its statistics, an explanation with strings, a table of 256
//! norms): [`Terms`] weighs each term once per search, and its clauses share the weight.
//! A fuzzy clause (`FuzzyTermQuery`) walks the title dictionary with an automaton and fills a
//! bitset over the segment each time it is scored, and the all-words bonus scores it a second
//! time: [`fixed_docs`] walks once and keeps the documents.
//!
//! Scores are those of tantivy's queries to the bit: the term weight is tantivy's own, and a
//! fuzzy clause has the same constant score and the same document count (the cost by which an
//! intersection orders its clauses, hence the order of its sum).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// A term and, once a clause asked for it, its weight (scoring on).
struct Known {
    term: Term,
    weight: OnceLock<Box<dyn Weight>>,
}

/// The term clauses of one search.
#[derive(Default)]
pub(crate) struct Terms {
    known: RefCell<HashMap<Term, Arc<Known>>>,
}

impl Terms {
    /// A clause scoring `text` in `field` with BM25, as `TermQuery` (with frequencies) does.
    pub(crate) fn query(&self, field: Field, text: &str) -> Box<dyn Query> {
        let term = Term::from_field_text(field, text);
        let k = self
            .known
            .borrow_mut()
            .entry(term.clone())
            .or_insert_with(|| {
                Arc::new(Known {
                    term,
                    weight: OnceLock::new(),
                })
            })
            .clone();
        Box::new(KnownTerm(k))
    }
}

#[derive(Clone)]
struct KnownTerm(Arc<Known>);

impl std::fmt::Debug for KnownTerm {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "KnownTerm({:?})", self.0.term)
    }
}

impl KnownTerm {
    fn term_query(&self) -> TermQuery {
        TermQuery::new(self.0.term.clone(), IndexRecordOption::WithFreqs)
    }
}

impl Query for KnownTerm {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        if !scoring.is_scoring_enabled() {
            return self.term_query().weight(scoring);
        }
        if self.0.weight.get().is_none() {
            // Every clause of a search is weighed with the same statistics: the first weight
            // is the weight of all.
            let w = self.term_query().weight(scoring)?;
            let _ = self.0.weight.set(w);
        }
        Ok(Box::new(SharedWeight(self.0.clone())))
    }

    fn query_terms<'b>(&'b self, visitor: &mut dyn FnMut(&'b Term, bool)) {
        visitor(&self.0.term, false);
    }
}

/// The weight of a [`KnownTerm`], shared by its clauses.
struct SharedWeight(Arc<Known>);

impl SharedWeight {
    fn inner(&self) -> &dyn Weight {
        self.0.weight.get().expect("set before shared").as_ref()
    }
}

impl Weight for SharedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner().scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner().explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner().count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.inner().for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner().for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        self.inner().for_each_pruning(threshold, reader, callback)
    }
}

fn explain_by_scoring(
    w: &dyn Weight,
    reader: &SegmentReader,
    doc: DocId,
) -> tantivy::Result<Explanation> {
    let mut s = w.scorer(reader, 1.0)?;
    if s.seek(doc) != doc {
        return Err(tantivy::TantivyError::InvalidArgument(format!(
            "document #{doc} does not match"
        )));
    }
    Ok(Explanation::new("score", s.score()))
}

/// The documents `query` matches in each segment of `searcher`, as a clause that gives each a
/// constant score (its boost), as tantivy's automaton queries do: walked once however many
/// clauses repeat it.
pub(crate) fn fixed_docs(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
) -> tantivy::Result<Box<dyn Query>> {
    let w = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut per = Vec::with_capacity(searcher.segment_readers().len());
    for r in searcher.segment_readers() {
        let mut s = w.scorer(r, 1.0)?;
        let mut docs = Vec::with_capacity(s.size_hint() as usize);
        let mut d = s.doc();
        while d != TERMINATED {
            docs.push(d);
            d = s.advance();
        }
        per.push((r.segment_id(), Arc::<[DocId]>::from(docs)));
    }
    Ok(Box::new(FixedDocs(Arc::new(per))))
}

#[derive(Clone, Debug)]
struct FixedDocs(Arc<Vec<(SegmentId, Arc<[DocId]>)>>);

impl Query for FixedDocs {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for FixedDocs {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let id = reader.segment_id();
        let docs = match self.0.iter().find(|(s, _)| *s == id) {
            Some((_, d)) => d.clone(),
            None => Arc::from(Vec::new()),
        };
        Ok(Box::new(DocsScorer {
            docs,
            at: 0,
            score: boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        explain_by_scoring(self, reader, doc)
    }
}

/// Sorted documents, each scored `score`.
struct DocsScorer {
    docs: Arc<[DocId]>,
    at: usize,
    score: Score,
}

impl DocSet for DocsScorer {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc() < target {
            self.at += self.docs[self.at..].partition_point(|d| *d < target);
        }
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    /// The number of documents, as `BitSetDocSet` counts them: an intersection orders its
    /// clauses by this cost, and so the terms of its sum.
    fn size_hint(&self) -> u32 {
        self.docs.len() as u32
    }
}

impl Scorer for DocsScorer {
    fn score(&mut self) -> Score {
        self.score
    }
}
