//! One error type for the whole core. Bad-input variants carry where the problem is
//! (file, line, field, URL) so that every front end can tell the user what to fix.

use std::path::PathBuf;
use ts_rs::TS;

/// Everything that can go wrong in the Hublot core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file is not valid JSON, or does not have the expected shape.
    #[error("{path}: line {line}, column {column}: {message}")]
    Json {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A CSV file is malformed (wrong column count, bad quoting…).
    #[error("{path}: line {line}: {message}")]
    Csv {
        /// The file concerned.
        path: PathBuf,
        /// 1-based line of the problem.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A field of a source file has a value we cannot accept.
    #[error("{path}: field `{field}`: {message}")]
    Field {
        /// The file concerned.
        path: PathBuf,
        /// The field (JSON pointer-ish path or column name).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The same object is described twice inside one source.
    #[error("{what} `{name}` is described twice in the same source: {first} and {second}")]
    Duplicate {
        /// What kind of object (table, code list…).
        what: &'static str,
        /// Its name.
        name: String,
        /// The first file describing it.
        first: PathBuf,
        /// The second file describing it.
        second: PathBuf,
    },
    /// A path given to import is not a source Hublot understands.
    #[error("{path}: {message}")]
    UnknownSource {
        /// The path given.
        path: PathBuf,
        /// Why it was not recognised.
        message: String,
    },
    /// A snapshot's manifest or files do not match (size, hash, version).
    #[error("snapshot {path}: {message}")]
    Snapshot {
        /// The snapshot directory or file.
        path: PathBuf,
        /// What does not match.
        message: String,
    },
    /// Something asked for does not exist in the active catalogue.
    #[error("not found: {0}")]
    NotFound(String),
    /// A request is malformed (bad id, bad parameter).
    #[error("invalid request: {0}")]
    Invalid(String),
    /// Another import or sync is writing this data directory (this process or another one).
    #[error("busy: {0}")]
    Busy(String),
    /// A request is larger than Hublot accepts (a query, a body, a file): it is refused whole.
    #[error("too large: {0}")]
    TooLarge(String),
    /// The thing changed since the caller read it (a need statement saved by another editor).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Too much work is already running (searches at once): try again in a moment.
    #[error("overloaded: {0}")]
    Overloaded(String),
    /// The operation is not open to this caller (a network client asking for a local path).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// SQLite failed.
    #[error("database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The underlying error.
        source: rusqlite::Error,
    },
    /// A sync, a snapshot build or a signature check failed (the URL, file and reason inside).
    #[error(transparent)]
    Sync(Box<crate::sync::SyncError>),
    /// The search index failed.
    #[error("search index {path}: {message}")]
    Index {
        /// The index directory.
        path: PathBuf,
        /// The underlying error.
        message: String,
    },
}

/// The error answer of every front end: `{"ok": false, "error": message, "status": N}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, TS)]
pub struct ErrorBody {
    /// Always false: tells an error body from an answer.
    pub ok: bool,
    /// What went wrong, for people: what failed, where, and what to do.
    pub error: String,
    /// The HTTP-like status (400 bad request, 403 forbidden, 404 not found, 409 busy, 413 too
    /// large, 503 overloaded, 500 otherwise).
    pub status: u16,
}

impl ErrorBody {
    /// An error body with this status and message.
    pub fn new(status: u16, error: impl Into<String>) -> Self {
        ErrorBody {
            ok: false,
            error: error.into(),
            status,
        }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The HTTP-like status of this error, shared by every front end's error body
    /// (`{"ok": false, "error", "status"}`): 404 not found, 400 bad request, 409 busy, 500
    /// otherwise.
    pub fn status(&self) -> u16 {
        match self {
            Error::NotFound(_) => 404,
            Error::Invalid(_) => 400,
            Error::Forbidden(_) => 403,
            Error::Busy(_) | Error::Conflict(_) => 409,
            Error::TooLarge(_) => 413,
            Error::Overloaded(_) => 503,
            _ => 500,
        }
    }

    /// The one error body every front end answers (HTTP API, desktop app):
    /// `{"ok": false, "error": message, "status": N}`.
    pub fn body(&self) -> ErrorBody {
        ErrorBody::new(self.status(), self.to_string())
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A JSON error on `path`, keeping serde's line and column.
    pub fn json(path: impl Into<PathBuf>, e: &serde_json::Error) -> Self {
        let message = e.to_string();
        // serde appends " at line L column C"; we report them as fields instead.
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        Error::Json {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message,
        }
    }

    /// A SQLite error on the database at `path`.
    pub fn sqlite(path: impl Into<PathBuf>, source: rusqlite::Error) -> Self {
        Error::Sqlite {
            path: path.into(),
            source,
        }
    }

    /// A tantivy error on the index at `path`.
    pub fn index(path: impl Into<PathBuf>, e: impl std::fmt::Display) -> Self {
        Error::Index {
            path: path.into(),
            message: e.to_string(),
        }
    }
}

impl From<crate::sync::SyncError> for Error {
    fn from(e: crate::sync::SyncError) -> Self {
        match e {
            crate::sync::SyncError::Core(c) => c,
            e => Error::Sync(Box::new(e)),
        }
    }
}
