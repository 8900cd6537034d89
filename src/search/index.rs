//! The tantivy schema, analyzers, and the writer that builds a snapshot's index.

use crate::model::{Base, DocPage, Table, Variable};
use crate::{Error, Result};
use std::path::{Path, PathBuf};
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::Value;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, STORED,
    STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

/// Version of the index layout (schema + analyzers). Bump it when either changes: an index of
/// another version is rebuilt, never misread.
pub const INDEX_FORMAT_VERSION: u32 = 2;

/// Light French (and a few English) stop words: articles, prepositions, pronouns. Kept short
/// on purpose: the catalogue's words are terse and many short words are meaningful codes.
pub(crate) const STOP_WORDS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "au", "aux", "a", "à", "et", "ou",
    "en", "dans", "par", "pour", "sur", "avec", "sans", "ce", "cet", "cette", "ces", "qui", "que",
    "qu", "dont", "se", "sa", "son", "ses", "leur", "leurs", "y", "est", "sont", "ne", "n", "s",
    "c", "j", "m", "t", "the", "of", "and", "or", "in", "on", "for", "to", "an", "with", "by",
    "at", "from", "is", "are",
];

/// Relative weight of each kind of document, so that a base or a table outranks the thousands of
/// code-list rows that share its words.
pub(crate) fn kind_prior(kind: &str) -> f64 {
    match kind {
        "base" => 2.2,
        "table" => 1.8,
        "variable" => 1.5,
        "nomenclature" => 1.3,
        "doc" => 1.2,
        _ => 1.0,
    }
}

/// Kinds in a fixed order, for facet counting by number.
pub(crate) const KINDS: [&str; 6] = ["base", "table", "variable", "nomenclature", "code", "doc"];

/// Per-field document counts, written beside the index.
const FIELD_COUNTS: &str = "hublot-field-counts.json";

#[derive(Clone)]
pub(crate) struct Fields {
    pub kind: Field,
    pub kind_n: Field,
    pub id: Field,
    pub shown: Field,
    pub title: Field,
    pub label: Field,
    pub title_words: Field,
    pub body: Field,
    pub ident: Field,
    pub ident_parts: Field,
    pub base: Field,
    pub produit: Field,
    pub table: Field,
    pub nomenclature: Field,
    pub name: Field,
    pub code: Field,
    pub path: Field,
    pub prior: Field,
    pub n_tables: Field,
    /// Words of a code's label ([`label_words`]).
    pub label_words: Field,
}

impl Fields {
    /// The [`NORMALISED`] fields, the text fields BM25 scores.
    fn normalised(&self) -> [Field; NORMALISED.len()] {
        NORMALISED.map(|n| self.by_name(n))
    }

    fn by_name(&self, name: &str) -> Field {
        match name {
            "title" => self.title,
            "label" => self.label,
            "body" => self.body,
            "title_words" => self.title_words,
            "ident" => self.ident,
            _ => self.ident_parts,
        }
    }
}

fn build_schema() -> (Schema, Fields) {
    let mut s = Schema::builder();
    let text = |tok: &str, rec: IndexRecordOption| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tok)
                .set_index_option(rec),
        )
    };
    let fields = Fields {
        // Filtering by kind reads the `kind_n` fast field while collecting: no postings needed.
        kind: s.add_text_field("kind", STORED),
        kind_n: s.add_u64_field("kind_n", FAST),
        id: s.add_text_field("id", STORED),
        shown: s.add_text_field("shown", STORED),
        title: s.add_text_field(
            "title",
            text("fr", IndexRecordOption::WithFreqsAndPositions),
        ),
        // Code-list rows are 97% of the documents: their labels get a field without positions,
        // which halves their indexing cost; phrases are matched on titles and bodies only. The
        // labels are in no other text field (`title_words` holds the other documents' titles).
        label: s.add_text_field("label", text("fr", IndexRecordOption::WithFreqs)),
        title_words: s.add_text_field("title_words", text("words", IndexRecordOption::WithFreqs)),
        body: s.add_text_field("body", text("fr", IndexRecordOption::WithFreqsAndPositions)),
        ident: s.add_text_field("ident", text("ident", IndexRecordOption::WithFreqs)),
        ident_parts: s.add_text_field("ident_parts", text("words", IndexRecordOption::WithFreqs)),
        base: s.add_text_field("base", STRING | STORED),
        produit: s.add_text_field("produit", STRING | STORED),
        table: s.add_text_field("table", STRING | STORED),
        nomenclature: s.add_text_field("nomenclature", STRING | STORED),
        name: s.add_text_field("name", STORED),
        code: s.add_text_field("code", STORED),
        path: s.add_text_field("path", STORED),
        prior: s.add_f64_field("prior", NumericOptions::default() | FAST),
        n_tables: s.add_u64_field("n_tables", STORED),
        label_words: s.add_u64_field("label_words", FAST),
    };
    (s.build(), fields)
}

fn register_analyzers(index: &Index) {
    register_analyzers_in(index.tokenizers());
}

fn register_analyzers_in(m: &tantivy::tokenizer::TokenizerManager) {
    let fr = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            STOP_WORDS.iter().map(|s| s.to_string()),
        ))
        .filter(super::analyzer::FrenchStemmer)
        .filter(AsciiFoldingFilter)
        .build();
    let words = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    let ident = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build();
    m.register("fr", fr);
    m.register("words", words);
    m.register("ident", ident);
}

/// Text fields whose BM25 length normalisation must use only the documents that have them.
const NORMALISED: [&str; 6] = [
    "title",
    "label",
    "body",
    "title_words",
    "ident",
    "ident_parts",
];

/// Builds the index of a new snapshot. Documents are added as the store reads the sources.
///
/// Documents go in batches through a short bounded channel to one indexing thread, which
/// writes them into a single segment ([`tantivy::SingleSegmentIndexWriter`]): no merge after the
/// commit (an eighth of the import's CPU, on one core, after everything else), one wake-up of the indexer per batch rather
/// than per document, and at most a few batches in flight, so memory stays flat. A corpus whose
/// segment outgrows [`MEMORY_BUDGET`] goes on in an ordinary writer, and `finish` merges.
pub struct IndexBuilder {
    f: Fields,
    path: PathBuf,
    /// Documents having each of the [`NORMALISED`] fields, and in all (the indexing thread
    /// counts the code rows it builds).
    counts: std::sync::Arc<Counts>,
    /// Documents waiting to be sent as one batch.
    pending: std::sync::Mutex<Vec<TantivyDocument>>,
    /// To the indexing thread (`None` once finished).
    tx: Option<std::sync::mpsc::SyncSender<Batch>>,
    /// The indexing thread, which returns how it ended.
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<Result<()>>>>,
    /// Set when a copied index is updated in place (incremental rebuild, src/rebuild.rs):
    /// documents go straight to this writer, with no indexing thread.
    updater: Option<IndexWriter>,
}

/// Documents having each of the [`NORMALISED`] fields, and in all.
type Counts = [std::sync::atomic::AtomicU64; 7];

/// Counts `d` in `counts`.
fn count<D: tantivy::Document>(counts: &Counts, f: &Fields, d: &D) {
    use std::sync::atomic::Ordering::Relaxed;
    let normalised = f.normalised();
    let mut has = [false; NORMALISED.len()];
    for (field, _) in d.iter_fields_and_values() {
        if let Some(i) = normalised.iter().position(|n| *n == field) {
            has[i] = true;
        }
    }
    for (i, h) in has.iter().enumerate() {
        if *h {
            counts[i].fetch_add(1, Relaxed);
        }
    }
    counts[6].fetch_add(1, Relaxed);
}

/// What the indexing thread is sent.
enum Batch {
    /// Documents built by the caller.
    Docs(Vec<TantivyDocument>),
    /// The rows of a code list, whose documents the indexing thread builds itself: they are
    /// then allocated and freed on the same thread (hundreds of thousands of documents built on
    /// one thread and freed on another made glibc's allocator lock, and the two threads wait on
    /// each other), and the rows are shared with the catalogue writer rather than copied.
    Codes(CodeList),
}

/// The rows of one code list, and what every row's document takes from the list.
struct CodeList {
    nomenclature: String,
    /// The list's title, added to the labels of short lists.
    context: Option<String>,
    prior: f64,
    rows: std::sync::Arc<crate::build::CodeRows>,
}

/// Documents sent to the indexing thread at once.
const BATCH: usize = 256;

/// Batches waiting for the indexing thread at most.
const IN_FLIGHT: usize = 4;

/// Memory of the segment being built, past which the index goes on in several segments.
const MEMORY_BUDGET: usize = 120_000_000;

/// Where the indexing thread writes. `SingleSegmentIndexWriter` is public but hidden from
/// tantivy's docs ("expects an originally empty directory"): check it on each tantivy upgrade.
enum Sink {
    /// One segment, built in one pass.
    Single(Box<tantivy::SingleSegmentIndexWriter<Doc>>),
    /// Several segments (the corpus outgrew the budget), merged at the end.
    Multi(Box<IndexWriter<Doc>>),
}

impl Sink {
    /// Adds `d`.
    fn add(&mut self, d: Doc) -> tantivy::Result<()> {
        match self {
            Sink::Single(w) => w.add_document(d),
            Sink::Multi(w) => w.add_document(d).map(|_| ()),
        }
    }

    /// Goes on in an ordinary writer once the single segment holds more than `switch_at` bytes.
    fn check_size(self, switch_at: usize) -> tantivy::Result<Sink> {
        match self {
            Sink::Single(w) if w.mem_usage() > switch_at => {
                // Finalise this segment and go on in an ordinary writer beside it.
                let index = (*w).finalize()?;
                let m = index.writer_with_num_threads(1, MEMORY_BUDGET)?;
                m.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
                Ok(Sink::Multi(Box::new(m)))
            }
            s => Ok(s),
        }
    }
}

/// The indexing thread: adds every batch (building the documents of code rows), then commits
/// (and merges, if there are several segments).
fn run_indexer(
    writer: tantivy::SingleSegmentIndexWriter<Doc>,
    f: Fields,
    counts: std::sync::Arc<Counts>,
    dir: &Path,
    rx: std::sync::mpsc::Receiver<Batch>,
    switch_at: usize,
) -> Result<()> {
    let err = |e: tantivy::TantivyError| Error::index(dir, e);
    let mut sink = Sink::Single(Box::new(writer));
    let t0 = std::time::Instant::now();
    for batch in rx {
        match batch {
            Batch::Docs(docs) => {
                for d in docs {
                    sink.add(Doc::Built(d)).map_err(err)?;
                }
                sink = sink.check_size(switch_at).map_err(err)?;
            }
            Batch::Codes(list) => {
                let list = std::sync::Arc::new(list);
                for (i, row) in list.rows.spans().enumerate() {
                    let d = CodeDoc::new(&f, &list, row);
                    count(&counts, &f, &d);
                    sink.add(Doc::Code(d)).map_err(err)?;
                    if i % BATCH == BATCH - 1 {
                        sink = sink.check_size(switch_at).map_err(err)?;
                    }
                }
                sink = sink.check_size(switch_at).map_err(err)?;
            }
        }
    }
    crate::build::timing(
        "indexing thread: documents indexed (since its first one)",
        t0,
    );
    match sink {
        Sink::Single(w) => {
            (*w).finalize().map_err(err)?;
        }
        Sink::Multi(mut w) => {
            w.commit().map_err(err)?;
            // A search pays its fixed costs once per segment: merge while the snapshot is
            // still private.
            let ids = w.index().searchable_segment_ids().map_err(err)?;
            if ids.len() > 1 {
                w.merge(&ids).wait().map_err(err)?;
            }
            w.wait_merging_threads().map_err(err)?;
        }
    }
    crate::build::timing("indexing thread: segment written", t0);
    crate::build::thread_cpu("indexing thread");
    Ok(())
}

/// A document with what every kind has.
fn base_doc(f: &Fields, kind: &str, id: &str, title: &str, prior: f64) -> TantivyDocument {
    let mut d = TantivyDocument::default();
    d.add_text(f.kind, kind);
    d.add_u64(
        f.kind_n,
        KINDS.iter().position(|k| *k == kind).unwrap_or(0) as u64,
    );
    d.add_text(f.id, id);
    d.add_text(f.shown, title);
    // A code's label is indexed once, stemmed (`label`): the 420,000 code rows are most of the
    // tokens of the index, and a second, unstemmed copy of every label cost a fifth of the
    // import. Searches match the words of code labels through their stems (see query.rs).
    if kind == "code" {
        d.add_text(f.label, title);
    } else {
        d.add_text(f.title, title);
        d.add_text(f.title_words, title);
    }
    d.add_f64(f.prior, prior);
    d
}

/// The prior of the rows of a code list that `refs` variables use: rows of the lists the
/// schema really uses (CIM-10, specialties…) outrank those of side lists.
fn code_prior(refs: u64) -> f64 {
    (0.9 + 0.08 * (1.0 + refs as f64).ln()).min(1.2)
}

/// The document of a code-list row (see [`IndexBuilder::add_code`]), read in place from its
/// list's rows: the indexing thread adds 415,000 of them, and building each as a
/// `TantivyDocument` (a kilobyte buffer, its values copied in, an id formatted) then freeing
/// it was a tenth of that thread's time. Its fields, in order, are those a built document
/// would have ([`base_doc`] then the code's own).
struct CodeDoc {
    list: std::sync::Arc<CodeList>,
    /// Where the row's code and label are in the list's text.
    code: std::ops::Range<usize>,
    label: std::ops::Range<usize>,
    /// `code/{list}/{code}`.
    id: String,
    /// [`label_words`] of the title.
    words: u64,
    /// Fields, copied from the schema's.
    f: [Field; 10],
}

impl CodeDoc {
    fn new(f: &Fields, list: &std::sync::Arc<CodeList>, row: crate::build::RowSpan) -> CodeDoc {
        let text = list.rows.text();
        let (code, label) = (&text[row.code.clone()], &text[row.label.clone()]);
        let title = if label.is_empty() { code } else { label };
        let mut id = String::with_capacity(6 + list.nomenclature.len() + code.len());
        id.push_str("code/");
        id.push_str(&list.nomenclature);
        id.push('/');
        id.push_str(code);
        CodeDoc {
            words: label_words(title),
            list: list.clone(),
            code: row.code,
            label: row.label,
            id,
            f: [
                f.kind,
                f.kind_n,
                f.id,
                f.shown,
                f.label,
                f.prior,
                f.ident,
                f.nomenclature,
                f.code,
                f.label_words,
            ],
        }
    }

    /// The same document as a `TantivyDocument` (an index updated in place).
    fn built(&self) -> TantivyDocument {
        use tantivy::Document;
        let mut d = TantivyDocument::new();
        for (field, v) in self.iter_fields_and_values() {
            match v.as_leaf() {
                Some(ReferenceValueLeaf::Str(s)) => d.add_text(field, s),
                Some(ReferenceValueLeaf::U64(n)) => d.add_u64(field, n),
                Some(ReferenceValueLeaf::F64(x)) => d.add_f64(field, x),
                _ => unreachable!("a code document holds text and numbers only"),
            }
        }
        d
    }
}

/// The fields of a code document, in the order a built one adds them.
type CodeFields<'a> = std::iter::Flatten<std::array::IntoIter<Option<(Field, DocValue<'a>)>, 11>>;

impl tantivy::Document for CodeDoc {
    type Value<'a> = DocValue<'a>;
    type FieldsValuesIter<'a> = CodeFields<'a>;

    fn iter_fields_and_values(&self) -> CodeFields<'_> {
        let text = self.list.rows.text();
        let code = &text[self.code.clone()];
        let label = &text[self.label.clone()];
        let title = if label.is_empty() { code } else { label };
        let [kind, kind_n, id, shown, label_f, prior, ident, nomenclature, code_f, words] = self.f;
        fn s(field: Field, v: &str) -> Option<(Field, DocValue<'_>)> {
            Some((field, DocValue::Leaf(ReferenceValueLeaf::Str(v))))
        }
        [
            s(kind, "code"),
            Some((
                kind_n,
                DocValue::Leaf(ReferenceValueLeaf::U64(CODE_KIND as u64)),
            )),
            s(id, &self.id),
            s(shown, title),
            s(label_f, title),
            Some((
                prior,
                DocValue::Leaf(ReferenceValueLeaf::F64(self.list.prior)),
            )),
            s(ident, code),
            self.list.context.as_deref().and_then(|t| s(label_f, t)),
            s(nomenclature, &self.list.nomenclature),
            s(code_f, code),
            Some((words, DocValue::Leaf(ReferenceValueLeaf::U64(self.words)))),
        ]
        .into_iter()
        .flatten()
    }
}

/// `kind_n` of code documents: their place in [`KINDS`] (checked by a test of query.rs).
pub(crate) const CODE_KIND: u8 = 4;

/// What the indexing thread adds: a document built by the caller, or a code-list row's.
enum Doc {
    Built(TantivyDocument),
    Code(CodeDoc),
}

/// A value of a [`Doc`]: every value Hublot indexes is a leaf (text or number).
#[derive(Clone, Debug)]
enum DocValue<'a> {
    Built(tantivy::schema::document::CompactDocValue<'a>),
    Leaf(ReferenceValueLeaf<'a>),
}

impl<'a> Value<'a> for DocValue<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match self {
            DocValue::Built(v) => match v.as_value() {
                ReferenceValue::Leaf(l) => ReferenceValue::Leaf(l),
                _ => unreachable!("Hublot's documents hold no arrays or objects"),
            },
            DocValue::Leaf(l) => ReferenceValue::Leaf(l.clone()),
        }
    }
}

impl tantivy::Document for Doc {
    type Value<'a> = DocValue<'a>;
    type FieldsValuesIter<'a> = DocFields<'a>;

    fn iter_fields_and_values(&self) -> DocFields<'_> {
        match self {
            Doc::Built(d) => DocFields::Built(d.iter_fields_and_values()),
            Doc::Code(d) => DocFields::Code(d.iter_fields_and_values()),
        }
    }
}

/// The fields of a [`Doc`].
// A code's iterator is its eleven values inline: it lives on the indexing thread's stack for one
// document at a time, where boxing it would cost an allocation per code row.
#[allow(clippy::large_enum_variant)]
enum DocFields<'a> {
    Built(<TantivyDocument as tantivy::Document>::FieldsValuesIter<'a>),
    Code(CodeFields<'a>),
}

impl<'a> Iterator for DocFields<'a> {
    type Item = (Field, DocValue<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            DocFields::Built(it) => it.next().map(|(f, v)| (f, DocValue::Built(v))),
            DocFields::Code(it) => it.next(),
        }
    }
}

/// How many words `label` has as the query side counts them (runs of letters and digits once
/// lowercased and unaccented, as `normalise_label` in query.rs splits): two labels equal once
/// normalised have the same count, so a search can tell from it alone that a code's label is
/// not the query.
pub(crate) fn label_words(label: &str) -> u64 {
    let (mut n, mut in_word) = (0, false);
    let mut step = |alnum: bool| {
        n += (alnum && !in_word) as u64;
        in_word = alnum;
    };
    for c in label.chars() {
        if c.is_ascii() {
            step(c.is_ascii_alphanumeric());
            continue;
        }
        // Unaccenting maps letters to letters: lowercasing alone decides what is a word.
        for l in c.to_lowercase() {
            step(l.is_alphanumeric());
        }
    }
    n
}

/// The doc store's blocks: 4 KiB of documents, compressed with LZ4 (tantivy's default is 16 KiB).
/// A search reads the 20 to 100 documents it shows and groups, each from its own block: a
/// quarter of the bytes to decompress per hit, for an index 1 MiB larger.
const STORE_BLOCK: usize = 4096;

/// Decompressed doc-store blocks kept by an open snapshot, in bytes: the blocks of the tables,
/// variables and popular code lists that searches read again.
const STORE_CACHE_BYTES: usize = 4 << 20;

fn store_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_blocksize: STORE_BLOCK,
        docstore_compression: tantivy::store::Compressor::Lz4,
        ..Default::default()
    }
}

impl IndexBuilder {
    /// Creates an empty index in `dir` (which must exist and be empty).
    pub fn create(dir: &Path) -> Result<Self> {
        Self::create_with(dir, MEMORY_BUDGET)
    }

    /// The same, going on in several segments once the first one holds `switch_at` bytes.
    fn create_with(dir: &Path, switch_at: usize) -> Result<Self> {
        let (schema, f) = build_schema();
        let tokenizers = tantivy::tokenizer::TokenizerManager::default();
        register_analyzers_in(&tokenizers);
        let directory =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| Error::index(dir, e))?;
        let writer = tantivy::IndexBuilder::new()
            .schema(schema)
            .tokenizers(tokenizers)
            .settings(store_settings())
            .single_segment_index_writer(directory, MEMORY_BUDGET)
            .map_err(|e| Error::index(dir, e))?;
        let (tx, rx) = std::sync::mpsc::sync_channel(IN_FLIGHT);
        let path = dir.to_path_buf();
        let counts: std::sync::Arc<Counts> = Default::default();
        let (f2, counts2) = (f.clone(), counts.clone());
        let thread = std::thread::Builder::new()
            .name("hublot-indexer".into())
            .spawn(move || run_indexer(writer, f2, counts2, &path, rx, switch_at))
            .map_err(|e| Error::io(dir, e))?;
        Ok(IndexBuilder {
            f,
            path: dir.to_path_buf(),
            counts,
            pending: std::sync::Mutex::new(Vec::with_capacity(BATCH)),
            tx: Some(tx),
            thread: std::sync::Mutex::new(Some(thread)),
            updater: None,
        })
    }

    /// Sends a batch to the indexing thread; if it has stopped, returns its error.
    fn send(&self, batch: Batch) -> Result<()> {
        let sent = self.tx.as_ref().map(|tx| tx.send(batch).is_ok());
        if sent == Some(true) {
            return Ok(());
        }
        Err(self
            .join()
            .err()
            .unwrap_or_else(|| Error::index(&self.path, "the indexing thread has stopped")))
    }

    /// Waits for the indexing thread and returns how it ended.
    fn join(&self) -> Result<()> {
        let handle = self.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
        match handle {
            Some(h) => h
                .join()
                .unwrap_or_else(|_| Err(Error::index(&self.path, "the indexing thread panicked"))),
            None => Err(Error::index(&self.path, "the indexing thread has stopped")),
        }
    }

    fn doc(&self, kind: &str, id: &str, title: &str) -> TantivyDocument {
        base_doc(&self.f, kind, id, title, kind_prior(kind))
    }

    fn add(&self, d: TantivyDocument) -> Result<()> {
        count(&self.counts, &self.f, &d);
        if let Some(w) = &self.updater {
            return w
                .add_document(d)
                .map(|_| ())
                .map_err(|e| Error::index(&self.path, e));
        }
        let batch = {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.push(d);
            if pending.len() < BATCH {
                return Ok(());
            }
            std::mem::replace(&mut *pending, Vec::with_capacity(BATCH))
        };
        self.send(Batch::Docs(batch))
    }

    /// Sends the documents waiting, if any.
    fn flush(&self) -> Result<()> {
        let rest = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if rest.is_empty() {
            return Ok(());
        }
        self.send(Batch::Docs(rest))
    }

    /// Adds a base.
    pub fn add_base(&self, b: &Base) -> Result<()> {
        let f = &self.f;
        let title = if b.title.fr.is_empty() || b.title.fr == b.name {
            b.name.clone()
        } else {
            format!("{} — {}", b.name, b.title.fr)
        };
        let mut d = self.doc("base", &format!("base/{}", b.id), &title);
        d.add_text(f.title_words, &b.title.en);
        d.add_text(f.ident, &b.id);
        d.add_text(f.ident, &b.name);
        d.add_text(f.ident_parts, &b.name);
        for t in [
            &b.title.en,
            &b.description.fr,
            &b.description.en,
            &b.population.fr,
            &b.population.en,
        ] {
            d.add_text(f.body, t);
        }
        d.add_text(f.body, b.keywords.join(" "));
        if let Some(p) = &b.producer {
            d.add_text(f.body, &p.name);
        }
        d.add_text(f.base, &b.id);
        d.add_text(f.name, &b.name);
        self.add(d)
    }

    /// Adds a table.
    pub fn add_table(&self, t: &Table, base_title: &str) -> Result<()> {
        let f = &self.f;
        let title = if t.title.is_empty() {
            t.name.clone()
        } else {
            t.title.clone()
        };
        let mut d = self.doc("table", &format!("table/{}", t.name), &title);
        d.add_text(f.ident, &t.name);
        d.add_text(f.ident_parts, &t.name);
        d.add_text(f.body, &t.produit);
        d.add_text(f.body, base_title);
        if let Some(o) = &t.observation {
            d.add_text(f.body, o);
        }
        d.add_text(f.base, &t.base);
        d.add_text(f.produit, &t.produit);
        d.add_text(f.table, &t.name);
        d.add_text(f.name, &t.name);
        self.add(d)
    }

    /// Adds a variable of a table; `n_tables` is how many tables have a variable of that name.
    pub fn add_variable(&self, t: &Table, v: &Variable, n_tables: u64) -> Result<()> {
        let f = &self.f;
        let title = if v.description.is_empty() {
            v.name.clone()
        } else {
            v.description.clone()
        };
        // Reference tables (`_R`) define the variables that others repeat: a slight edge makes
        // them the representative when a variable name is collapsed across tables.
        let prior = kind_prior("variable") * if t.name.ends_with("_R") { 1.03 } else { 1.0 };
        let mut d = base_doc(
            &self.f,
            "variable",
            &format!("variable/{}/{}", t.name, v.name),
            &title,
            prior,
        );
        d.add_text(f.ident, &v.name);
        d.add_text(f.ident_parts, &v.name);
        for x in [&v.regle_gestion, &v.observation].into_iter().flatten() {
            d.add_text(f.body, x);
        }
        d.add_text(f.body, &t.title);
        d.add_text(f.base, &t.base);
        d.add_text(f.produit, &t.produit);
        d.add_text(f.table, &t.name);
        if let Some(n) = &v.nomenclature {
            d.add_text(f.nomenclature, &n.name);
        }
        d.add_text(f.name, &v.name);
        d.add_u64(f.n_tables, n_tables);
        self.add(d)
    }

    /// Adds a code list.
    pub fn add_nomenclature(&self, name: &str, title: &str, columns: &[String]) -> Result<()> {
        let f = &self.f;
        let shown = if title.is_empty() { name } else { title };
        let mut d = self.doc("nomenclature", &format!("nomenclature/{name}"), shown);
        d.add_text(f.ident, name);
        d.add_text(f.ident_parts, name);
        d.add_text(f.body, columns.join(" "));
        d.add_text(f.nomenclature, name);
        d.add_text(f.name, name);
        self.add(d)
    }

    /// Adds a row of a code list. The list's title is added to the labels of short lists only
    /// ("Sexe" helps find FEMININ in IR_SEX_V; repeated 19,000 times in CIM-10 it is noise).
    /// `refs` is how many variables of the catalogue take their values from this list: rows of
    /// the lists the schema really uses (CIM-10, specialties…) outrank those of side lists.
    pub fn add_code(
        &self,
        nomenclature: &str,
        nomenclature_title: Option<&str>,
        refs: u64,
        code: &str,
        label: &str,
    ) -> Result<()> {
        let mut row = crate::build::CodeRows::default();
        row.push(code, label, [""; 0]);
        self.add_codes(
            nomenclature,
            nomenclature_title,
            refs,
            &std::sync::Arc::new(row),
        )
    }

    /// Adds the rows of a code list, as [`IndexBuilder::add_code`] does one by one; the
    /// indexing thread builds their documents.
    pub(crate) fn add_codes(
        &self,
        nomenclature: &str,
        nomenclature_title: Option<&str>,
        refs: u64,
        rows: &std::sync::Arc<crate::build::CodeRows>,
    ) -> Result<()> {
        let list = CodeList {
            nomenclature: nomenclature.to_string(),
            context: nomenclature_title.map(str::to_string),
            prior: code_prior(refs),
            rows: rows.clone(),
        };
        if self.updater.is_some() {
            let list = std::sync::Arc::new(list);
            for row in rows.spans() {
                self.add(CodeDoc::new(&self.f, &list, row).built())?;
            }
            return Ok(());
        }
        // The documents waiting go first: the index keeps the order of addition.
        self.flush()?;
        self.send(Batch::Codes(list))
    }

    /// Adds a documentation page.
    pub fn add_doc(&self, p: &DocPage) -> Result<()> {
        let f = &self.f;
        let mut d = self.doc("doc", &format!("doc/{}", p.path), &p.title);
        let stem = p
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&p.path)
            .trim_end_matches(".md");
        d.add_text(f.ident, stem);
        d.add_text(f.ident_parts, stem);
        for (_, h, _) in &p.headings {
            d.add_text(f.title_words, h);
        }
        d.add_text(f.body, &p.text);
        d.add_text(f.path, &p.path);
        self.add(d)
    }

    /// Sends the last batch, then waits for the indexing thread to write the segment and commit.
    pub fn finish(mut self) -> Result<()> {
        self.flush()?;
        // Closing the channel ends the indexing thread's loop: it commits.
        drop(self.tx.take());
        self.join()?;
        // The indexing thread has counted the code rows it built.
        self.write_counts([0; 7]).map(|_| ())
    }

    /// Writes [`FIELD_COUNTS`]: the documents added having each [`NORMALISED`] field, and in
    /// all, plus `kept` (those an updated index kept). Returns the total.
    fn write_counts(&self, kept: [u64; 7]) -> Result<u64> {
        let counts: std::collections::BTreeMap<&str, u64> = NORMALISED
            .iter()
            .copied()
            .chain(["all"])
            .zip(
                self.counts
                    .iter()
                    .zip(kept)
                    .map(|(c, k)| c.load(std::sync::atomic::Ordering::Relaxed) + k),
            )
            .collect();
        let p = self.path.join(FIELD_COUNTS);
        // An updated index's counts file is a copy of the active snapshot's, not a link; removing
        // it first keeps even a link of it intact.
        let _ = std::fs::remove_file(&p);
        std::fs::write(&p, serde_json::to_vec(&counts).expect("counts serialise"))
            .map_err(|e| Error::io(&p, e))?;
        Ok(counts["all"])
    }
}

impl Drop for IndexBuilder {
    /// An abandoned build (an error elsewhere) still waits for its thread, so that nothing
    /// writes into the staging directory once it is removed.
    fn drop(&mut self) {
        drop(self.tx.take());
        if let Some(h) = self
            .thread
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = h.join();
        }
    }
}

/// BM25 statistics where each field's average length counts only the documents that have the
/// field. tantivy divides by all documents, which, with 400,000 code rows that have no body,
/// made every documentation page look absurdly long and sink below code labels. Deleted
/// documents (an index updated in place, src/rebuild.rs) count nowhere: see [`super::deleted`].
pub(crate) struct FieldStats<'a> {
    pub searcher: &'a tantivy::Searcher,
    pub scale: &'a std::collections::HashMap<Field, f64>,
    pub dead: Option<&'a super::deleted::Dead>,
    /// Document frequencies already looked up by this search: a word is in several clauses
    /// (fields, synonyms, the all-words conjunction) and each clause's weight asks again.
    pub memo: std::cell::RefCell<std::collections::HashMap<tantivy::Term, u64>>,
}

impl tantivy::query::Bm25StatisticsProvider for FieldStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let n = match self.dead.and_then(|d| d.total_num_tokens(field)) {
            Some(n) => n,
            None => self.searcher.total_num_tokens(field)?,
        };
        Ok(match self.scale.get(&field) {
            Some(s) => (n as f64 * s).round() as u64,
            None => n,
        })
    }
    fn total_num_docs(&self) -> tantivy::Result<u64> {
        // Live documents (tantivy's own provider counts the deleted ones too).
        Ok(self.searcher.num_docs())
    }
    fn doc_freq(&self, term: &tantivy::Term) -> tantivy::Result<u64> {
        if let Some(n) = self.memo.borrow().get(term) {
            return Ok(*n);
        }
        let n = match self.dead {
            Some(d) => d.doc_freq(self.searcher, term)?,
            None => self.searcher.doc_freq(term)?,
        };
        self.memo.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

/// An open, searchable index.
pub struct SearchIndex {
    pub(crate) scale: std::collections::HashMap<Field, f64>,
    /// The searcher (the snapshot never changes) and what searches read of every document.
    pub(crate) hot: super::query::Hot,
    pub(crate) f: Fields,
    pub(crate) index: Index,
    pub(crate) path: PathBuf,
    /// Bounds the searches running at once on this index.
    pub(crate) gate: super::gate::Gate,
    /// The synonym layer: the hand-written list and this snapshot's mined acronyms.
    pub(crate) synonyms: super::synonyms::Synonyms,
    /// Whether a query equal to a code's label puts that code first.
    pub(crate) label_first: bool,
    /// What the deleted documents still count, when the index has some.
    pub(crate) dead: Option<super::deleted::Dead>,
}

impl SearchIndex {
    /// Opens the index in `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        let index = Index::open_in_dir(dir).map_err(|e| Error::index(dir, e))?;
        register_analyzers(&index);
        let (expected, f) = build_schema();
        if index.schema() != expected {
            return Err(Error::index(
                dir,
                "the index was built by another version of Hublot; re-import to rebuild it",
            ));
        }
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .doc_store_cache_num_blocks(
                STORE_CACHE_BYTES / index.settings().docstore_blocksize.max(1024),
            )
            .try_into()
            .map_err(|e| Error::index(dir, e))?;
        let p = dir.join(FIELD_COUNTS);
        let bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
        let counts: std::collections::HashMap<String, u64> =
            serde_json::from_slice(&bytes).map_err(|e| Error::json(&p, &e))?;
        let all = counts.get("all").copied().unwrap_or(1).max(1) as f64;
        let scale = NORMALISED
            .iter()
            .filter_map(|n| {
                counts
                    .get(*n)
                    .filter(|c| **c > 0)
                    .map(|c| (f.by_name(n), all / *c as f64))
            })
            .collect();
        let mined = super::acronyms::read(dir)?;
        let mut fr = index.tokenizers().get("fr").expect("analyzer registered");
        let mut stem = |text: &str| -> Vec<String> {
            let mut out = Vec::new();
            let mut ts = fr.token_stream(text);
            ts.process(&mut |t| out.push(t.text.clone()));
            out
        };
        // `HUBLOT_SEARCH_LAYER=off` leaves the synonym layer out (list, mined acronyms, label
        // first), to measure what it adds in the same run (benches/corpus.rs).
        let layer = std::env::var("HUBLOT_SEARCH_LAYER").as_deref() != Ok("off");
        let synonyms = if layer {
            super::synonyms::Synonyms::new(&mined, &mut stem)
        } else {
            super::synonyms::Synonyms::none()
        };
        let hot = super::query::Hot::new(&reader, &f).map_err(|e| Error::index(dir, e))?;
        let dead = super::deleted::Dead::open(dir, &hot.searcher, &f.normalised())
            .map_err(|e| Error::index(dir, e))?;
        Ok(SearchIndex {
            scale,
            hot,
            f,
            index,
            path: dir.to_path_buf(),
            gate: super::gate::Gate::new(super::gate::default_limit()),
            synonyms,
            label_first: layer,
            dead,
        })
    }

    /// The BM25 statistics of every search.
    pub(crate) fn stats<'a>(&'a self, searcher: &'a tantivy::Searcher) -> FieldStats<'a> {
        FieldStats {
            searcher,
            scale: &self.scale,
            dead: self.dead.as_ref(),
            memo: Default::default(),
        }
    }

    /// Whether a term of `field` that starts with `prefix` is in some live document.
    pub(crate) fn has_live_prefix(
        &self,
        searcher: &tantivy::Searcher,
        field: Field,
        prefix: &str,
    ) -> bool {
        super::deleted::has_prefix(self.dead.as_ref(), searcher, field, prefix)
    }
}

// ---------------------------------------------------------------------------------------------
// Incremental rebuild (src/rebuild.rs): an index copied from the active snapshot, from which
// documents are deleted by kind and code list before the new ones are added.

/// Deletes the documents whose `kind_n` is in `kinds` and, when `term` is set, that also hold
/// that term. Runs inside `IndexWriter::delete_query`, segment by segment.
#[derive(Clone, Debug)]
struct KindDeletion {
    term: Option<tantivy::Term>,
    kinds: Vec<u64>,
}

impl tantivy::query::Query for KindDeletion {
    fn weight(
        &self,
        _: tantivy::query::EnableScoring<'_>,
    ) -> tantivy::Result<Box<dyn tantivy::query::Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl tantivy::query::Weight for KindDeletion {
    fn scorer(
        &self,
        reader: &tantivy::SegmentReader,
        boost: tantivy::Score,
    ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
        use tantivy::DocSet;
        let kind = reader.fast_fields().u64("kind_n")?;
        let wanted = |d: tantivy::DocId| kind.first(d).is_some_and(|k| self.kinds.contains(&k));
        let mut docs = tantivy::BitSet::with_max_value(reader.max_doc());
        match &self.term {
            Some(term) => {
                let inv = reader.inverted_index(term.field())?;
                if let Some(mut p) = inv.read_postings(term, IndexRecordOption::Basic)? {
                    let mut d = p.doc();
                    while d != tantivy::TERMINATED {
                        if wanted(d) {
                            docs.insert(d);
                        }
                        d = p.advance();
                    }
                }
            }
            None => {
                for d in (0..reader.max_doc()).filter(|d| wanted(*d)) {
                    docs.insert(d);
                }
            }
        }
        Ok(Box::new(tantivy::query::ConstScorer::new(
            tantivy::query::BitSetDocSet::from(docs),
            boost,
        )))
    }

    fn explain(
        &self,
        _: &tantivy::SegmentReader,
        _: tantivy::DocId,
    ) -> tantivy::Result<tantivy::query::Explanation> {
        Ok(tantivy::query::Explanation::new("kind deletion", 1.0))
    }
}

impl IndexBuilder {
    /// Opens the index in `dir` (a copy of the active snapshot's, its segment files hard
    /// links: tantivy never rewrites a segment file, and writes `meta.json` by rename) to
    /// update it in place. The per-field counts start at zero: [`IndexBuilder::finish_update`]
    /// adds those of the documents kept.
    pub(crate) fn open_for_update(dir: &Path) -> Result<Self> {
        let index = Index::open_in_dir(dir).map_err(|e| Error::index(dir, e))?;
        register_analyzers(&index);
        let (expected, f) = build_schema();
        if index.schema() != expected {
            return Err(Error::index(dir, "the index has another schema"));
        }
        let writer = index
            .writer_with_num_threads(1, 50_000_000)
            .map_err(|e| Error::index(dir, e))?;
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(IndexBuilder::updating(writer, f, dir.to_path_buf()))
    }

    /// A builder that adds to `writer` directly.
    fn updating(writer: IndexWriter, f: Fields, path: PathBuf) -> Self {
        IndexBuilder {
            f,
            path,
            counts: Default::default(),
            pending: std::sync::Mutex::new(Vec::new()),
            tx: None,
            thread: std::sync::Mutex::new(None),
            updater: Some(writer),
        }
    }

    /// The writer of an update ([`IndexBuilder::open_for_update`]).
    fn updater(&self) -> Result<&IndexWriter> {
        self.updater
            .as_ref()
            .ok_or_else(|| Error::index(&self.path, "this index is not open for update"))
    }

    /// Deletes every document that is not a code-list row.
    pub(crate) fn delete_all_but_codes(&self) -> Result<()> {
        let code = KINDS.iter().position(|k| *k == "code").expect("code kind") as u64;
        let kinds = (0..KINDS.len() as u64).filter(|k| *k != code).collect();
        self.updater()?
            .delete_query(Box::new(KindDeletion { term: None, kinds }))
            .map(|_| ())
            .map_err(|e| Error::index(&self.path, e))
    }

    /// Deletes the rows of the code list `name`.
    pub(crate) fn delete_code_rows(&self, name: &str) -> Result<()> {
        let code = KINDS.iter().position(|k| *k == "code").expect("code kind") as u64;
        let term = tantivy::Term::from_field_text(self.f.nomenclature, name);
        self.updater()?
            .delete_query(Box::new(KindDeletion {
                term: Some(term),
                kinds: vec![code],
            }))
            .map(|_| ())
            .map_err(|e| Error::index(&self.path, e))
    }

    /// Which of the normalised fields (and "all") one code-list row counts in, found by adding
    /// one row to a throwaway index in memory with [`IndexBuilder::add_code`] itself, with and
    /// without a list title. `None` when the two differ (the counts of the rows kept could
    /// not be known from their number alone).
    pub(crate) fn code_row_counts() -> Result<Option<[u64; 7]>> {
        let probe = |context: Option<&str>| -> Result<[u64; 7]> {
            let (schema, f) = build_schema();
            let index = Index::create_in_ram(schema);
            register_analyzers(&index);
            let writer = index
                .writer_with_num_threads(1, 15_000_000)
                .map_err(|e| Error::index(Path::new("(memory)"), e))?;
            let b = IndexBuilder::updating(writer, f, PathBuf::from("(memory)"));
            b.add_code("L", context, 1, "A1", "Libellé (ABC)")?;
            Ok(std::array::from_fn(|i| {
                b.counts[i].load(std::sync::atomic::Ordering::Relaxed)
            }))
        };
        let a = probe(Some("Titre"))?;
        let b = probe(None)?;
        Ok((a == b).then_some(a))
    }

    /// Writes the per-field counts (those of the documents added plus `kept`), commits, merges
    /// what is cheap or overdue ([`merge_after_update`]), and writes what the deleted documents
    /// left in the other segments still count ([`super::deleted`]): BM25 then reads the
    /// statistics of a full build without the 415,000-row code segment being merged for a few
    /// changed rows.
    pub(crate) fn finish_update(mut self, kept: [u64; 7]) -> Result<()> {
        let t0 = std::time::Instant::now();
        let total = self.write_counts(kept)?;
        let path = self.path.clone();
        let err = |e: tantivy::TantivyError| Error::index(&path, e);
        let mut writer = self
            .updater
            .take()
            .ok_or_else(|| Error::index(&path, "this index is not open for update"))?;
        writer.commit().map_err(err)?;
        crate::build::timing("update committed", t0);
        merge_after_update(&mut writer).map_err(err)?;
        writer.wait_merging_threads().map_err(err)?;
        crate::build::timing("update merged", t0);
        // The documents now in the index must be those counted.
        let index = Index::open_in_dir(&self.path).map_err(|e| Error::index(&self.path, e))?;
        let reader = index.reader().map_err(|e| Error::index(&self.path, e))?;
        let searcher = reader.searcher();
        let n = searcher.num_docs();
        if n != total {
            return Err(Error::index(
                &self.path,
                format!("{n} documents after the update, {total} counted"),
            ));
        }
        super::deleted::write(&self.path, &searcher, &self.f.normalised())?;
        crate::build::timing("deleted documents' statistics written", t0);
        Ok(())
    }
}

/// A segment with deleted documents is merged alone (which drops them) when it holds at most
/// this share of the index's documents: the cost of a merge grows with the segment.
const CHEAP_MERGE_SHARE: f64 = 0.125;

/// ... or when more than this share of its documents are deleted (as Lucene's
/// `deletesPctAllowed`, 20 %): they cost searches time and the disk space.
const MAX_DELETED_SHARE: f64 = 0.2;

/// Merges after an update's commit: each segment with deleted documents that is small or
/// mostly deleted, alone (a segment whose documents were all deleted is already gone: the
/// non-code documents rewritten at every update), then, past three segments, every one but the
/// largest into one (small code-only segments of lists changed earlier). The large segment of
/// the code rows keeps its few deleted rows: [`super::deleted`] takes them out of the
/// statistics. `HUBLOT_REBUILD_MERGE=deletes` merges every segment with deletions instead, as
/// before issue #12's last step (benches/sync.rs compares the two).
fn merge_after_update(writer: &mut IndexWriter) -> tantivy::Result<()> {
    let every = std::env::var("HUBLOT_REBUILD_MERGE").as_deref() == Ok("deletes");
    let index = writer.index().clone();
    let metas = index.searchable_segment_metas()?;
    let total: u64 = metas.iter().map(|m| u64::from(m.max_doc())).sum();
    for m in &metas {
        if !m.has_deletes() {
            continue;
        }
        let size = f64::from(m.max_doc());
        let cheap = size <= CHEAP_MERGE_SHARE * total as f64;
        let overdue = f64::from(m.num_deleted_docs()) > MAX_DELETED_SHARE * size;
        if every || cheap || overdue {
            writer.merge(&[m.id()]).wait()?;
        }
    }
    let mut metas = index.searchable_segment_metas()?;
    if metas.len() > 3 {
        metas.sort_by_key(|m| std::cmp::Reverse(m.num_docs()));
        let ids: Vec<_> = metas[1..].iter().map(|m| m.id()).collect();
        writer.merge(&ids).wait()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Indexes 1,000 code rows with a builder that leaves its single segment past `switch_at`
    /// bytes, and returns the searcher of the result.
    fn index_1000_rows(switch_at: usize) -> tantivy::Searcher {
        let dir = tempfile::tempdir().unwrap();
        let b = IndexBuilder::create_with(dir.path(), switch_at).unwrap();
        for i in 0..1000 {
            b.add_code("L", None, 1, &format!("C{i}"), &format!("libellé {i}"))
                .unwrap();
        }
        b.finish().unwrap();
        SearchIndex::open(dir.path()).unwrap().hot.searcher.clone()
    }

    /// A corpus too large for one segment is indexed in several, merged into one at the end.
    #[test]
    fn outgrowing_the_budget_still_makes_one_complete_segment() {
        let searcher = index_1000_rows(0);
        assert_eq!(searcher.num_docs(), 1000);
        assert_eq!(searcher.segment_readers().len(), 1);
    }

    /// The usual case: one pass, one segment, every document.
    #[test]
    fn one_pass_makes_one_segment() {
        let searcher = index_1000_rows(MEMORY_BUDGET);
        assert_eq!(searcher.num_docs(), 1000);
        assert_eq!(searcher.segment_readers().len(), 1);
    }

    /// A whole code list handed to the indexing thread gives the documents and field counts
    /// that adding its rows one by one gives, whether the list fits in one segment or not.
    #[test]
    fn code_lists_sent_whole_are_indexed_and_counted_as_rows() {
        let mut rows = crate::build::CodeRows::default();
        for i in 0..1000 {
            rows.push(&format!("C{i}"), &format!("libellé {i}"), [""]);
        }
        let rows = std::sync::Arc::new(rows);
        let counts = |dir: &Path| -> std::collections::BTreeMap<String, u64> {
            serde_json::from_slice(&std::fs::read(dir.join(FIELD_COUNTS)).unwrap()).unwrap()
        };
        let one_by_one = tempfile::tempdir().unwrap();
        let b = IndexBuilder::create(one_by_one.path()).unwrap();
        for (code, label, _) in rows.iter() {
            b.add_code("L", Some("Titre"), 2, code, label).unwrap();
        }
        b.finish().unwrap();
        for switch_at in [0, MEMORY_BUDGET] {
            let dir = tempfile::tempdir().unwrap();
            let b = IndexBuilder::create_with(dir.path(), switch_at).unwrap();
            b.add_codes("L", Some("Titre"), 2, &rows).unwrap();
            b.finish().unwrap();
            let s = SearchIndex::open(dir.path()).unwrap().hot.searcher.clone();
            assert_eq!(s.num_docs(), 1000);
            assert_eq!(s.segment_readers().len(), 1);
            assert_eq!(counts(dir.path()), counts(one_by_one.path()));
        }
        assert_eq!(counts(one_by_one.path())["label"], 1000);
        assert_eq!(counts(one_by_one.path())["title_words"], 0);
    }

    /// A label's word count is the number of words `normalise_label` (query.rs) makes of it:
    /// runs of letters and digits, once lowercased and unaccented.
    #[test]
    fn label_words_counts_the_words_a_search_compares() {
        let normalised = |s: &str| {
            let n = crate::search::query::normalise_label(s);
            n.split(' ').filter(|w| !w.is_empty()).count() as u64
        };
        for label in [
            "",
            "Tumeur maligne du sein",
            "Appendicectomie, par laparotomie",
            "Hypertension essentielle (primitive)",
            "  Œdème aigu -- du poumon  ",
            "Électrocardiographie sur au moins 12 dérivations",
            "Grippe, virus non identifié",
            "x²+½ ÉTÉ où l'on va",
        ] {
            assert_eq!(label_words(label), normalised(label), "{label:?}");
        }
    }
}
