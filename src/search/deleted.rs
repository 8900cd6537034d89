//! What the deleted documents of an index still count in its BM25 statistics, subtracted at
//! search time, so that an index updated in place (`src/rebuild.rs`) ranks exactly as a full
//! build without merging its large segments.
//!
//! tantivy drops a deleted document only when its segment is merged. Until then the document
//! still counts in the segment's document frequencies (`doc_freq` of each of its terms), token
//! totals (`total_num_tokens` of each field) and `max_doc`, which BM25 reads. Merging the
//! 415,000-row code segment to drop a few thousand documents costs ~0.7 s; reading what those
//! documents count costs a scan of the segment's postings, ~0.1 s, done once when the update is
//! committed ([`write`]) and kept beside the index ([`FILE`]). Searches read it through
//! [`Dead`]: per query term, one hash lookup per segment that has deleted documents; nothing
//! at all for an index without deletions (every full build).
//!
//! Per segment that has deleted documents and per field of BM25 ([`super::index`]'s
//! normalised fields), one of:
//! - nothing, when no deleted document has a token in the field;
//! - the whole field, when no live document has one: every term and token of the field in the
//!   segment is dead (the non-code documents' `title` and `body` in the full build's segment
//!   once they were rewritten elsewhere), read from the segment itself at search time;
//! - else the deleted documents' tokens and, per term, how many deleted documents have it,
//!   from their postings (term frequencies summed: exactly what tantivy counted at indexing).
//!
//! Each entry names its segment and its number of deleted documents; an entry that does not
//! match the index (another segment, more deletions) is not used, and a segment with deletions
//! but no entry is scanned when the index is opened: the statistics are exact either way.

use std::collections::HashMap;
use std::path::Path;
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Searcher, SegmentReader, Term};

/// File name, in the index directory.
pub(crate) const FILE: &str = "hublot-deleted.bin";

/// First bytes of [`FILE`]: its layout's version.
const MAGIC: &[u8; 8] = b"HUBDEL01";

/// What the deleted documents of one segment count.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct SegmentDead {
    /// The segment (`SegmentId::uuid_string`).
    segment: String,
    /// Its number of deleted documents, when this was computed.
    deleted: u32,
    /// Fields whose every token in the segment is in a deleted document.
    whole: Vec<Field>,
    /// Tokens of the deleted documents, per field (the `whole` fields included).
    tokens: HashMap<Field, u64>,
    /// Per field and term (its bytes in the term dictionary) of the other fields: deleted
    /// documents that have it.
    terms: HashMap<Field, HashMap<Box<[u8]>, u32>>,
}

impl SegmentDead {
    /// Reads what the deleted documents of `reader` count in `fields`.
    pub(crate) fn scan(reader: &SegmentReader, fields: &[Field]) -> tantivy::Result<SegmentDead> {
        let mut out = SegmentDead {
            segment: reader.segment_id().uuid_string(),
            deleted: reader.num_deleted_docs(),
            ..SegmentDead::default()
        };
        let Some(alive) = reader.alive_bitset() else {
            return Ok(out);
        };
        let max = reader.max_doc();
        for &field in fields {
            let inv = reader.inverted_index(field)?;
            // Which documents have tokens in the field, from its norms (0 is exactly 0 tokens).
            let (mut dead_has, mut live_has) = (false, false);
            match reader.fieldnorms_readers().get_field(field)? {
                Some(norms) => {
                    for d in 0..max {
                        if norms.fieldnorm_id(d) > 0 {
                            if alive.is_alive(d) {
                                live_has = true;
                            } else {
                                dead_has = true;
                            }
                            if live_has && dead_has {
                                break;
                            }
                        }
                    }
                }
                None => (dead_has, live_has) = (true, true),
            }
            if !dead_has {
                continue;
            }
            if !live_has {
                out.whole.push(field);
                out.tokens.insert(field, inv.total_num_tokens());
                continue;
            }
            let mut tokens = 0u64;
            let mut terms: HashMap<Box<[u8]>, u32> = HashMap::new();
            // One block reader per field (its skip data depend on the field's options).
            let mut block: Option<tantivy::postings::BlockSegmentPostings> = None;
            let mut stream = inv.terms().stream()?;
            while stream.advance() {
                let info = stream.value();
                match block.as_mut() {
                    Some(b) => inv.reset_block_postings_from_terminfo(info, b)?,
                    None => {
                        block = Some(inv.read_block_postings_from_terminfo(
                            info,
                            IndexRecordOption::WithFreqs,
                        )?)
                    }
                }
                let b = block.as_mut().expect("set above");
                let (mut seen, mut n) = (0u32, 0u32);
                while seen < info.doc_freq {
                    let docs = b.docs();
                    if docs.is_empty() {
                        break;
                    }
                    for (i, &d) in docs.iter().enumerate() {
                        if !alive.is_alive(d) {
                            n += 1;
                            tokens += u64::from(b.freq(i));
                        }
                    }
                    seen += docs.len() as u32;
                    b.advance();
                }
                if n > 0 {
                    terms.insert(stream.key().into(), n);
                }
            }
            out.tokens.insert(field, tokens);
            out.terms.insert(field, terms);
        }
        Ok(out)
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let seg = self.segment.as_bytes();
        out.push(seg.len() as u8);
        out.extend_from_slice(seg);
        out.extend_from_slice(&self.deleted.to_le_bytes());
        let mut fields: Vec<&Field> = self.tokens.keys().collect();
        fields.sort();
        out.extend_from_slice(&(fields.len() as u32).to_le_bytes());
        for f in fields {
            out.extend_from_slice(&f.field_id().to_le_bytes());
            out.push(self.whole.contains(f) as u8);
            out.extend_from_slice(&self.tokens[f].to_le_bytes());
            let terms = self.terms.get(f);
            let mut terms: Vec<(&[u8], u32)> = terms
                .into_iter()
                .flatten()
                .map(|(t, n)| (&**t, *n))
                .collect();
            terms.sort();
            out.extend_from_slice(&(terms.len() as u32).to_le_bytes());
            for (t, n) in terms {
                out.extend_from_slice(&(t.len() as u16).to_le_bytes());
                out.extend_from_slice(t);
                out.extend_from_slice(&n.to_le_bytes());
            }
        }
    }

    fn decode(r: &mut Reader) -> Option<SegmentDead> {
        let n = r.take(1)?[0] as usize;
        let segment = String::from_utf8(r.take(n)?.to_vec()).ok()?;
        let deleted = r.u32()?;
        let mut out = SegmentDead {
            segment,
            deleted,
            ..SegmentDead::default()
        };
        for _ in 0..r.u32()? {
            let field = Field::from_field_id(r.u32()?);
            if r.take(1)?[0] == 1 {
                out.whole.push(field);
            }
            out.tokens.insert(field, r.u64()?);
            let n = r.u32()? as usize;
            if n > 0 {
                let terms = out.terms.entry(field).or_default();
                terms.reserve(n);
                for _ in 0..n {
                    let len = u16::from_le_bytes(r.take(2)?.try_into().ok()?) as usize;
                    let t: Box<[u8]> = r.take(len)?.into();
                    terms.insert(t, r.u32()?);
                }
            }
        }
        Some(out)
    }

    /// Deleted documents of this segment that have the term `bytes` of `field`, given its
    /// document frequency in the segment.
    fn doc_freq(&self, field: Field, bytes: &[u8], segment_df: u32) -> u32 {
        if self.whole.contains(&field) {
            return segment_df;
        }
        self.terms
            .get(&field)
            .and_then(|t| t.get(bytes))
            .copied()
            .unwrap_or(0)
    }
}

/// A cursor over [`FILE`]'s bytes.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Reads [`FILE`] in `dir`: every entry, matching the index or not (none if it is missing or
/// unreadable: the segments are then scanned).
fn read(dir: &Path) -> Vec<SegmentDead> {
    let Ok(bytes) = std::fs::read(dir.join(FILE)) else {
        return Vec::new();
    };
    let Some(body) = bytes.strip_prefix(MAGIC) else {
        return Vec::new();
    };
    let mut r = Reader(body);
    let mut out = Vec::new();
    let Some(n) = r.u32() else {
        return Vec::new();
    };
    for _ in 0..n {
        match SegmentDead::decode(&mut r) {
            Some(s) => out.push(s),
            None => return Vec::new(),
        }
    }
    out
}

/// The entry of `reader` among `known` if it still describes it, else a scan of it.
fn entry_for(
    reader: &SegmentReader,
    known: &mut Vec<SegmentDead>,
    fields: &[Field],
) -> tantivy::Result<SegmentDead> {
    let id = reader.segment_id().uuid_string();
    let found = known
        .iter()
        .position(|s| s.segment == id && s.deleted == reader.num_deleted_docs());
    match found {
        Some(i) => Ok(known.swap_remove(i)),
        None => SegmentDead::scan(reader, fields),
    }
}

/// Writes [`FILE`] for the index `searcher` reads (in `dir`, which may hold the file of the
/// index it was copied from): the entries of segments whose deletions did not change are kept,
/// the others scanned again; no file when no segment has deletions. Written by rename: the file
/// of the index it was copied from, maybe a hard link to this one, is left alone.
pub(crate) fn write(dir: &Path, searcher: &Searcher, fields: &[Field]) -> crate::Result<()> {
    let p = dir.join(FILE);
    let mut known = read(dir);
    let mut entries = Vec::new();
    for reader in searcher.segment_readers() {
        if reader.has_deletes() {
            entries.push(
                entry_for(reader, &mut known, fields).map_err(|e| crate::Error::index(dir, e))?,
            );
        }
    }
    if entries.is_empty() {
        return match std::fs::remove_file(&p) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(crate::Error::io(&p, e)),
            _ => Ok(()),
        };
    }
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(entries.len() as u32).to_le_bytes());
    for e in &entries {
        e.encode(&mut out);
    }
    let tmp = dir.join(format!("{FILE}.tmp"));
    std::fs::write(&tmp, &out).map_err(|e| crate::Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &p).map_err(|e| crate::Error::io(&p, e))
}

/// The corrections of an open index that has deleted documents, aligned with its searcher's
/// segments.
pub(crate) struct Dead {
    /// Per segment ordinal: what its deleted documents count (`None`: it has none).
    segments: Vec<Option<SegmentDead>>,
    /// Per field: the tokens of the live documents.
    tokens: HashMap<Field, u64>,
}

impl Dead {
    /// The corrections for `searcher` (of the index in `dir`), `None` when no segment has
    /// deleted documents.
    pub(crate) fn open(
        dir: &Path,
        searcher: &Searcher,
        fields: &[Field],
    ) -> tantivy::Result<Option<Dead>> {
        let readers = searcher.segment_readers();
        if !readers.iter().any(SegmentReader::has_deletes) {
            return Ok(None);
        }
        let mut known = read(dir);
        let mut segments = Vec::with_capacity(readers.len());
        for r in readers {
            segments.push(if r.has_deletes() {
                Some(entry_for(r, &mut known, fields)?)
            } else {
                None
            });
        }
        let mut tokens = HashMap::new();
        for &f in fields {
            let mut n = 0u64;
            for (r, s) in readers.iter().zip(&segments) {
                n += r.inverted_index(f)?.total_num_tokens();
                if let Some(t) = s.as_ref().and_then(|s| s.tokens.get(&f)) {
                    n = n.saturating_sub(*t);
                }
            }
            tokens.insert(f, n);
        }
        Ok(Some(Dead { segments, tokens }))
    }

    /// Tokens of `field` in the live documents (`None` for a field this does not track).
    pub(crate) fn total_num_tokens(&self, field: Field) -> Option<u64> {
        self.tokens.get(&field).copied()
    }

    /// Live documents that have `term`.
    pub(crate) fn doc_freq(&self, searcher: &Searcher, term: &Term) -> tantivy::Result<u64> {
        let mut n = 0u64;
        for (r, s) in searcher.segment_readers().iter().zip(&self.segments) {
            let df = r.inverted_index(term.field())?.doc_freq(term)?;
            let dead = s.as_ref().map_or(0, |s| {
                s.doc_freq(term.field(), term.serialized_value_bytes(), df)
            });
            n += u64::from(df.saturating_sub(dead));
        }
        Ok(n)
    }
}

/// Whether a live document of `reader` has a term of `field` that starts with `prefix`, given
/// what its deleted documents count (`None`: it has none).
fn segment_has_prefix(
    dead: Option<&SegmentDead>,
    reader: &SegmentReader,
    field: Field,
    prefix: &[u8],
) -> bool {
    let Ok(inv) = reader.inverted_index(field) else {
        return false;
    };
    let Ok(mut stream) = inv.terms().range().ge(prefix).into_stream() else {
        return false;
    };
    while stream.advance() && stream.key().starts_with(prefix) {
        let Some(s) = dead else { return true };
        if s.whole.contains(&field) {
            return false;
        }
        let df = stream.value().doc_freq;
        if s.doc_freq(field, stream.key(), df) < df {
            return true;
        }
    }
    false
}

/// Whether some live document has a term of `field` that starts with `prefix`.
pub(crate) fn has_prefix(
    dead: Option<&Dead>,
    searcher: &Searcher,
    field: Field,
    prefix: &str,
) -> bool {
    searcher
        .segment_readers()
        .iter()
        .enumerate()
        .any(|(ord, reader)| {
            let seg = dead
                .and_then(|d| d.segments.get(ord))
                .and_then(Option::as_ref);
            segment_has_prefix(seg, reader, field, prefix.as_bytes())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::Bm25StatisticsProvider;
    use tantivy::schema::{Schema, STRING, TEXT};
    use tantivy::{doc, Index};

    /// Documents: (id, words, body or none).
    const DOCS: [(&str, &str, Option<&str>); 6] = [
        ("a", "alpha beta beta", Some("un long texte")),
        ("b", "beta gamma", None),
        ("c", "gamma delta", Some("texte")),
        ("d", "delta", None),
        ("e", "epsilon beta", Some("autre texte encore")),
        ("f", "alpha", None),
    ];

    /// An index of `DOCS` whose ids are not in `skip`, in two segments, and the ids in `delete`
    /// deleted afterwards.
    fn index(skip: &[&str], delete: &[&str]) -> (tempfile::TempDir, Searcher, Vec<Field>) {
        let mut s = Schema::builder();
        let id = s.add_text_field("id", STRING);
        let words = s.add_text_field("words", TEXT);
        let body = s.add_text_field("body", TEXT);
        let dir = tempfile::tempdir().unwrap();
        let index = Index::create_in_dir(dir.path(), s.build()).unwrap();
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for (i, (d, text, b)) in DOCS.iter().enumerate() {
            if skip.contains(d) {
                continue;
            }
            let mut doc = doc!(id => *d, words => *text);
            if let Some(b) = b {
                doc.add_text(body, b);
            }
            w.add_document(doc).unwrap();
            if i == 3 {
                w.commit().unwrap();
            }
        }
        w.commit().unwrap();
        for d in delete {
            w.delete_term(Term::from_field_text(id, d));
        }
        w.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        (dir, searcher, vec![words, body])
    }

    /// Subtracting what the deleted documents count gives the statistics of an index built
    /// without them, through the file too.
    #[test]
    fn corrected_statistics_equal_those_of_an_index_without_the_deleted_documents() {
        // `a` and `c` deleted: `body` keeps live tokens (mixed); `e` too: no live body left.
        for deleted in [&["a", "c"][..], &["a", "c", "e"], &["d"]] {
            let (dir, searcher, fields) = index(&[], deleted);
            let (_d2, clean, _) = index(deleted, &[]);
            write(dir.path(), &searcher, &fields).unwrap();
            let dead = Dead::open(dir.path(), &searcher, &fields).unwrap().unwrap();
            for &f in &fields {
                assert_eq!(
                    dead.total_num_tokens(f),
                    Some(clean.total_num_tokens(f).unwrap()),
                    "{deleted:?}"
                );
            }
            for w in ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"] {
                let t = Term::from_field_text(fields[0], w);
                assert_eq!(
                    dead.doc_freq(&searcher, &t).unwrap(),
                    clean.doc_freq(&t).unwrap(),
                    "{w} {deleted:?}"
                );
            }
            for w in ["un", "long", "texte", "autre", "encore"] {
                let t = Term::from_field_text(fields[1], w);
                assert_eq!(
                    dead.doc_freq(&searcher, &t).unwrap(),
                    clean.doc_freq(&t).unwrap(),
                    "{w} {deleted:?}"
                );
            }
            for p in ["al", "ep", "de", "ze"] {
                let live = has_prefix(Some(&dead), &searcher, fields[0], p);
                assert_eq!(
                    live,
                    has_prefix(None, &clean, fields[0], p),
                    "{p} {deleted:?}"
                );
            }
            // Read back from the file, the entries are those computed.
            let stored = read(dir.path());
            for (r, s) in searcher.segment_readers().iter().zip(&dead.segments) {
                if let Some(s) = s {
                    assert_eq!(s, &SegmentDead::scan(r, &fields).unwrap());
                    assert!(stored.contains(s));
                }
            }
        }
    }

    /// No deletions, no file and no corrections.
    #[test]
    fn an_index_without_deletions_needs_nothing() {
        let (dir, searcher, fields) = index(&[], &[]);
        write(dir.path(), &searcher, &fields).unwrap();
        assert!(!dir.path().join(FILE).exists());
        assert!(Dead::open(dir.path(), &searcher, &fields)
            .unwrap()
            .is_none());
    }
}
