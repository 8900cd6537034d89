//! Storage: the data directory, each snapshot's `catalogue.sqlite` and `samples.sqlite`, and the
//! user's own `user.sqlite`, which no import or sync touches.

pub mod catalogue_db;
pub mod data_dir;
pub mod samples_db;
pub mod user_db;

pub use catalogue_db::{CatalogueDb, Stats, CATALOGUE_SCHEMA_VERSION};
pub use data_dir::{DataDir, PointerStamp};
pub use user_db::UserDb;
