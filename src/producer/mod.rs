//! Producers' drafts (issue 11): a producer's folder — HealthDCAT-AP records, Table Schemas,
//! code lists, Markdown — previewed over the active snapshot as Hublot's users will see it,
//! compared with the published base, and exported.
//!
//! - [`overlay`] builds the preview catalogue: a copy of the published `catalogue.sqlite` with
//!   the draft laid over it, in a snapshot directory of a temporary data directory, so that
//!   every page of the catalogue (base, table, variable, code list) shows the draft with the
//!   same code and the same components. Nothing is written to the user's data directory.
//! - [`diff`] compares the draft's base with its published version, field by field and table by
//!   table.
//! - [`export`] writes the HealthDCAT-AP Turtle, the Hublot snapshot folder and the static HTML
//!   page.
//! - [`watch`] notices changes to the folder (polling; decisions/0010).
//!
//! The session that ties them together (the preview Hublot, the reloads, the findings) and the
//! operations are in `src/api/producer.rs`.

pub mod diff;
pub mod export;
pub mod overlay;
pub mod watch;

pub use crate::ingest::draft_folder::{read_draft, DraftFolder};
pub use diff::{base_changes, table_changes, ChangeKind, FieldChange, TableChange};
