//! HealthDCAT-AP catalogue records (DCAT-AP 3 + the health extension) → bases.
//!
//! Reads Turtle (`.ttl`), JSON-LD (`.jsonld`, or a `.json` with an `@context`) and RDF/XML
//! (`.rdf`) with real RDF parsers into a small in-memory [`Graph`] ([`graph`]), then maps every
//! `dcat:Dataset` to a base (and, when `healthdcatap:hasVariables` or CSVW describe them, to
//! tables with variables) ([`mapping`]). See `docs/healthdcat.md` for the mapping.
//!
//! - Properties Hublot does not map to a field of a base are kept, raw, in `Base::extra`
//!   under their compacted predicate (`dct:provenance`, `healthdcatap:hdab`…), so that the base
//!   page can show them.
//! - Each base also gets `extra["hublot:missingMandatory"]`: the properties the HDH SHACL shapes
//!   make mandatory (`sh:minCount 1`) that the record lacks ([`check_mandatory`]).
//! - Remote JSON-LD contexts are **never fetched**: a document whose `@context` is a URL is
//!   refused with an error naming the URL (inline the context instead). RDF/XML entity
//!   declarations are refused, and every document is bounded ([`MAX_RDF_BYTES`]).
//! - Paged collections (hydra `nextPage` / `next`) are walked by [`PageWalk`] ([`pages`]),
//!   which the sync drives with its fetches; the pages are staged with [`write_pages`] and read
//!   back by [`read_dir`].

pub mod graph;
pub mod mapping;
pub mod pages;

pub use graph::{
    compact, parse_bytes, parse_file, parse_into, Graph, Node, Object, RdfFormat, MAX_RDF_BYTES,
    PREFIXES,
};
pub use mapping::{
    check_mandatory, concept_code, doi_of, known_label, map_graph, HealthDcat, MissingProperty,
    CONTACT_MANDATORY, DATASET_MANDATORY, DISTRIBUTION_MANDATORY, HDAB_MANDATORY,
    PUBLISHER_MANDATORY, SAMPLE_MANDATORY,
};
pub use pages::{
    is_healthdcat_dir, next_page_url, page_format, read_dir, write_pages, FetchedPage, PageWalk,
    WalkError, DEFAULT_MAX_PAGES, PAGES_FILE,
};

use crate::{Error, Result};
use std::path::Path;

/// True when `path` is a single file Hublot reads as HealthDCAT-AP: `.ttl`, `.jsonld`, `.rdf`,
/// or a `.json` whose first 64 KiB hold an `@context` (JSON-LD rather than a Table Schema).
pub fn is_healthdcat_file(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "ttl" | "jsonld" | "rdf" => true,
        "json" => {
            use std::io::Read;
            let mut head = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
                .is_ok()
                && String::from_utf8_lossy(&head).contains("\"@context\"")
        }
        _ => false,
    }
}

/// Reads a HealthDCAT-AP file into bases and tables.
pub fn read_file(path: &Path) -> Result<HealthDcat> {
    let g = parse_file(path)?;
    let out = map_graph(&g, &path.display().to_string());
    if out.bases.is_empty() {
        return Err(Error::UnknownSource {
            path: path.into(),
            message: "valid RDF, but no dcat:Dataset in it: not a HealthDCAT-AP catalogue record"
                .into(),
        });
    }
    Ok(out)
}
