//! # Hublot
//!
//! An offline-first explorer of the French health-data catalogue: the bases of the Health Data
//! Hub catalogue and the SNDS, their tables and variables, code lists, documentation, and
//! synthetic samples — read from the real source formats, stored in SQLite, searched with
//! tantivy.
//!
//! ```no_run
//! use hublot::{Hublot, SearchRequest};
//! # fn main() -> hublot::Result<()> {
//! // Opens (or creates) a data directory; the bundled catalogue is activated on first use.
//! let h = Hublot::open(Some("/tmp/hublot-doc-example".into()))?;
//! let found = h.search(&SearchRequest { q: "date de décès".into(), ..Default::default() })?;
//! for hit in found.hits.iter().take(3) {
//!     println!("{} {} — {}", hit.kind, hit.id, hit.title);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! The core ideas:
//! - [`ingest`] reads sources (Table Schema JSON, code-list CSV, Markdown, snapshots) into a
//!   [`ingest::Catalogue`];
//! - [`build`] writes a snapshot directory from it (catalogue.sqlite, samples.sqlite, index);
//! - [`store`] manages the data directory, its atomic pointer to the current and previous
//!   snapshots (`pointer.json`) and the user's data;
//! - [`search`] answers queries;
//! - [`api::Hublot`] is the one command surface that the CLI, the HTTP server and the app adapt.

#![warn(missing_docs)]

// Every binary that links the core (CLI, server, desktop app, tests and benches) allocates with
// mimalloc: see docs/decisions/0011-mimalloc.md.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod api;
pub mod build;
pub mod cite;
pub mod clock;
pub mod console;
mod error;
pub mod ingest;
pub mod jobs;
pub mod model;
pub mod need;
pub mod producer;
pub mod rebuild;
pub mod samples;
pub mod search;
pub mod serve;
pub mod store;
pub mod sync;
pub mod synth;
pub mod validate;

pub use api::{Hublot, ImportReport, ImportRequest, Record};
pub use error::{Error, ErrorBody, Result};
pub use search::{SearchHit, SearchRequest, SearchResponse, Why};
pub use store::Stats;

/// Version of the Hublot snapshot format (`docs/snapshot-format.md`) this build reads and writes.
pub const SNAPSHOT_FORMAT_VERSION: u32 = 1;
