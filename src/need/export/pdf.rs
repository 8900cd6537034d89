//! The PDF: typst typesets `statement.typ`, which reads the export's [`View`] from a virtual
//! `/data.json`. No user string is ever spliced into markup, so nothing in a justification can
//! change the document, and no escaping can be forgotten.
//!
//! The typst world is minimal: two virtual files, the fonts bundled in typst-assets (never the
//! system's, so the PDF is the same on every machine), no packages, no file system.

use super::view::View;
use crate::{Error, Result};
use std::sync::OnceLock;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

const TEMPLATE: &str = include_str!("statement.typ");

/// What every export shares: the standard library and the fonts, parsed once per process.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fonts: Vec<Font> = typst_assets::fonts()
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        Shared {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
        }
    })
}

fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("a valid virtual path");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

struct StatementWorld {
    shared: &'static Shared,
    main: Source,
    data_id: FileId,
    data: Bytes,
}

impl World for StatementWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        // The template prints the export's own date; `datetime.today()` is never asked.
        None
    }
}

/// Typesets `view` as a PDF.
pub(crate) fn write(view: &View, origin: &str) -> Result<Vec<u8>> {
    let data = serde_json::to_vec(view).expect("the export view serialises");
    let world = StatementWorld {
        shared: shared(),
        main: Source::new(file_id("/statement.typ"), TEMPLATE.to_string()),
        data_id: file_id("/data.json"),
        data: Bytes::new(data),
    };
    let failed = |what: &str, errors: &[typst::diag::SourceDiagnostic]| {
        let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        Error::Invalid(format!(
            "{origin}: the PDF could not be {what} ({}); export as DOCX or Markdown meanwhile",
            messages.join("; ")
        ))
    };
    let result = typst::compile(&world).output;
    let pdf = result.map_err(|e| failed("typeset", &e)).and_then(|doc| {
        typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default()).map_err(|e| failed("written", &e))
    });
    // typst memoises across compilations; in a long-running server the cache would otherwise
    // grow with every export. Entries unused for a few compilations go.
    typst::comemo::evict(4);
    pdf
}
