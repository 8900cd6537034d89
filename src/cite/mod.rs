//! Citing a base: its DOI ([`doi`]), normalised and validated.

pub mod doi;

pub use doi::Doi;
