//! Errors of a sync: every one says which URL or file failed and why.

use std::path::PathBuf;

/// What can go wrong while syncing, building or signing a snapshot.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}{}", reason(*status))]
    Status {
        /// The URL requested (after redirects).
        url: String,
        /// The status code.
        status: u16,
    },
    /// The connection failed or broke.
    #[error("{url}: network error: {message}")]
    Network {
        /// The URL requested.
        url: String,
        /// What happened.
        message: String,
    },
    /// The server took longer than the configured timeout.
    #[error("{url}: timed out after {ms} ms without data")]
    Timeout {
        /// The URL requested.
        url: String,
        /// The timeout.
        ms: u64,
    },
    /// Too many redirects, or a redirect loop.
    #[error("{url}: {message}")]
    Redirect {
        /// The URL first requested.
        url: String,
        /// The chain or the problem.
        message: String,
    },
    /// The URL is not allowed (plain http to a remote host, unknown scheme…).
    #[error("{url}: refused: {message}")]
    Refused {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// A file is larger than its manifest says or than the configured limit.
    #[error("{url}: too large: {message}")]
    TooLarge {
        /// The URL or file.
        url: String,
        /// Sizes.
        message: String,
    },
    /// The body ended before the size the manifest gives.
    #[error("{url}: truncated: received {got} of {expected} bytes")]
    Truncated {
        /// The URL.
        url: String,
        /// Bytes received in total.
        got: u64,
        /// Bytes expected.
        expected: u64,
    },
    /// The bytes received do not have the hash the manifest gives.
    #[error("{url}: sha256 is {found}, the manifest says {expected}; the file was discarded")]
    Hash {
        /// The URL.
        url: String,
        /// The manifest's hash.
        expected: String,
        /// The hash of the bytes received.
        found: String,
    },
    /// A manifest is malformed, of an unknown version, or badly signed.
    #[error("{url}: {message}")]
    Manifest {
        /// The manifest's URL or path.
        url: String,
        /// What is wrong.
        message: String,
    },
    /// A HealthDCAT-AP catalogue page is malformed, or the collection's paging is unusable (a
    /// loop, too many pages, no dataset at all).
    #[error("{url}: {message}")]
    Catalogue {
        /// The page's URL (for a collection-wide problem, the first page's).
        url: String,
        /// What is wrong: line and column for a syntax error, the pages for a loop.
        message: String,
    },
    /// An archive holds something that may not be extracted, or is too big.
    #[error("archive {path}: {message}")]
    Archive {
        /// The archive.
        path: PathBuf,
        /// What is wrong, naming the entry.
        message: String,
    },
    /// A key file cannot be used.
    #[error("key {path}: {message}")]
    Key {
        /// The key file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The request is not usable (no source, bad option).
    #[error("{0}")]
    Config(String),
    /// The sync was cancelled; the active snapshot is unchanged.
    #[error("sync cancelled; the active snapshot is unchanged")]
    Cancelled,
    /// A core error (file system, import of the downloaded snapshot).
    #[error(transparent)]
    Core(#[from] crate::Error),
}

fn reason(status: u16) -> String {
    let r = match status {
        // Only ever an error when it answers a request without validators (`http::not_modified`).
        304 => "Not Modified to a request without validators",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        410 => "Gone",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return String::new(),
    };
    format!(" {r}")
}

impl SyncError {
    /// True for failures worth retrying: 5xx, 408, 429, network errors, timeouts, short bodies.
    pub fn is_retryable(&self) -> bool {
        match self {
            SyncError::Status { status, .. } => *status >= 500 || *status == 408 || *status == 429,
            SyncError::Network { .. } | SyncError::Timeout { .. } | SyncError::Truncated { .. } => {
                true
            }
            _ => false,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, e: std::io::Error) -> Self {
        SyncError::Core(crate::Error::io(path, e))
    }
}

/// `Result` with [`SyncError`].
pub type SyncResult<T> = std::result::Result<T, SyncError>;
