//! The SQL console: read-only SQL on the active snapshot's synthetic samples (`samples.sqlite`),
//! and guided exercises on them.
//!
//! ```no_run
//! use hublot::console::{run, Guarded, RunOptions};
//! # fn main() -> hublot::Result<()> {
//! let g = Guarded::open(std::path::Path::new("samples.sqlite"))?;
//! match run(&g, "SELECT BEN_SEX_COD, count(*) FROM IR_BEN_R GROUP BY 1", &RunOptions::default()) {
//!     Ok(out) => println!("{} rows, truncated: {}", out.rows.len(), out.truncated),
//!     Err(e) => println!("{e}"), // with its line and column
//! }
//! # Ok(())
//! # }
//! ```
//!
//! - [`Guarded`] opens the file behind six guards (read-only handle, `query_only`, defensive
//!   mode, an authorizer, one read-only statement, a time limit with cancel);
//! - [`run`] answers capped rows or a [`SqlError`] with its position; [`export_csv`] gives all;
//! - [`mask`] applies the SNDS export rule (counts under 10, secondary masking);
//! - [`join`] writes the SQL joining two tables from the catalogue's foreign keys;
//! - [`exercises`] are the guided exercises and their check.

pub mod exercises;
mod guard;
pub mod join;
pub mod mask;
mod run;

pub use guard::{GuardStop, Guarded, MAX_SQL_BYTES, MAX_VALUE_BYTES};
pub use run::{
    cell, export_csv, for_each_row, json_value, run, QueryOutput, RunOptions, SqlError,
    DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS, MAX_EXPORT_BYTES, MAX_EXPORT_ROWS, MAX_ROWS,
    MAX_TIMEOUT_MS,
};
