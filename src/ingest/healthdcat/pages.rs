//! Paged collections (hydra `nextPage` / `next`, as CKAN's `/catalog.ttl?page=N` serves them):
//! the one walker, [`PageWalk`], and the staging of its pages in a directory the import reads
//! back ([`write_pages`], [`read_dir`]).
//!
//! The walker does no I/O: the sync fetches each URL it asks for (with its transport rules,
//! conditional requests, retries and cancellation) and hands the answer back. Its policy: every
//! page is parsed as it arrives (a bad page fails the walk with its URL and line), a page
//! pointing back to one already asked for is a loop and an error, and the number of pages and
//! their total size are bounded; a collection without any `dcat:Dataset` is an error.

use super::graph::{parse_bytes, parse_into, read_rdf_file, Graph, Object, RdfFormat};
use super::mapping::{map_graph, HealthDcat};
use crate::{Error, Result};
use reqwest::Url;
use serde_json::{json, Value};
use std::path::Path;

/// Largest number of pages a walk follows by default (the sync's `max_pages`).
pub const DEFAULT_MAX_PAGES: usize = 1000;

/// The next page a page announces: `hydra:nextPage` (CKAN's `hydra:PagedCollection`) or
/// `hydra:next` (Hydra's `PartialCollectionView`), as an IRI or a literal, resolved against
/// `current`.
pub fn next_page_url(g: &Graph, current: &str) -> Option<String> {
    let next = g
        .subjects()
        .iter()
        .flat_map(|s| {
            g.objects(s, "hydra:nextPage")
                .chain(g.objects(s, "hydra:next"))
        })
        .find_map(Object::as_str)?
        .trim()
        .to_string();
    if next.is_empty() {
        return None;
    }
    match Url::parse(current).and_then(|u| u.join(&next)) {
        Ok(u) => Some(u.to_string()),
        Err(_) => Some(next),
    }
}

/// The format of a fetched page: from its `Content-Type`, else its URL's extension (query and
/// fragment ignored), else its first bytes.
pub fn page_format(url: &str, content_type: Option<&str>, bytes: &[u8]) -> RdfFormat {
    content_type
        .and_then(RdfFormat::from_media_type)
        .or_else(|| {
            let path = url.split(['?', '#']).next().unwrap_or("");
            RdfFormat::from_path(Path::new(path))
        })
        .unwrap_or_else(|| RdfFormat::sniff(bytes))
}

/// One page of a collection as fetched: its URL, format and bytes.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The page's URL.
    pub url: String,
    /// Its format (from the `Content-Type`, else the URL, else the bytes).
    pub format: RdfFormat,
    /// Its bytes, as served.
    pub bytes: Vec<u8>,
}

/// Why a walk stopped.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// A page could not be read: the reader's error names the page's URL, line and column.
    #[error("{error}")]
    Page {
        /// The page.
        url: String,
        /// The reader's error.
        error: Error,
    },
    /// The pages add up to more than the walk's byte bound.
    #[error("{url}: too large: {message}")]
    TooLarge {
        /// The page that went over.
        url: String,
        /// By how much.
        message: String,
    },
    /// The collection as a whole is wrong: a loop, too many pages, a next link that is not a
    /// URL, no dataset.
    #[error("{url}: {message}")]
    Collection {
        /// The collection's first page, or the page with the bad link.
        url: String,
        /// What is wrong.
        message: String,
    },
}

/// A walk through a paged collection, from its first URL to its last page. The caller fetches
/// each URL the walk asks for and gives the answer to [`PageWalk::add`].
#[derive(Debug)]
pub struct PageWalk {
    start: String,
    max_pages: usize,
    max_bytes: u64,
    /// Every URL asked for, in order (the first page's, then each next page's).
    asked: Vec<String>,
    pages: Vec<FetchedPage>,
    bytes: u64,
    datasets: usize,
}

impl PageWalk {
    /// A walk from `start`, at most `max_pages` pages of at most `max_bytes` in all.
    pub fn new(start: &str, max_pages: usize, max_bytes: u64) -> PageWalk {
        PageWalk {
            start: start.to_string(),
            max_pages,
            max_bytes,
            asked: vec![start.to_string()],
            pages: Vec::new(),
            bytes: 0,
            datasets: 0,
        }
    }

    /// The pages taken so far.
    pub fn pages(&self) -> &[FetchedPage] {
        &self.pages
    }

    /// Their bytes, in all.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Takes the answer to the last URL asked for: `url` is the URL that answered (after
    /// redirects: the base of the page's relative IRIs). Parses it and returns the next URL to
    /// fetch (fragment dropped), or `None` when the collection ends here.
    pub fn add(
        &mut self,
        url: &str,
        content_type: Option<&str>,
        bytes: Vec<u8>,
    ) -> std::result::Result<Option<String>, WalkError> {
        self.bytes += bytes.len() as u64;
        if self.bytes > self.max_bytes {
            return Err(WalkError::TooLarge {
                url: url.to_string(),
                message: format!(
                    "the collection's pages add up to more than {} bytes",
                    self.max_bytes
                ),
            });
        }
        let format = page_format(url, content_type, &bytes);
        let g = parse_bytes(&bytes, format, Some(url), Path::new(url)).map_err(|error| {
            WalkError::Page {
                url: url.to_string(),
                error,
            }
        })?;
        self.datasets += g.datasets().len();
        let next = next_page_url(&g, url);
        self.pages.push(FetchedPage {
            url: url.to_string(),
            format,
            bytes,
        });
        let Some(next) = next else { return Ok(None) };
        let mut next_url = Url::parse(&next).map_err(|e| WalkError::Collection {
            url: url.to_string(),
            message: format!("the next page `{next}` is not a URL: {e}"),
        })?;
        next_url.set_fragment(None);
        let next = next_url.to_string();
        if self.asked.contains(&next) || self.pages.iter().any(|p| p.url == next) {
            let chain: Vec<&str> = self
                .asked
                .iter()
                .map(String::as_str)
                .chain([next.as_str()])
                .collect();
            return Err(WalkError::Collection {
                url: self.start.clone(),
                message: format!("page loop: {}", chain.join(" → ")),
            });
        }
        if self.pages.len() >= self.max_pages {
            return Err(WalkError::Collection {
                url: self.start.clone(),
                message: format!(
                    "the collection has more than {} pages (max_pages); stopped before {next}",
                    self.max_pages
                ),
            });
        }
        self.asked.push(next.clone());
        Ok(Some(next))
    }

    /// The pages, once the last one was added; an error when none holds a `dcat:Dataset`.
    pub fn finish(self) -> std::result::Result<Vec<FetchedPage>, WalkError> {
        if self.datasets == 0 {
            return Err(WalkError::Collection {
                url: self.start,
                message: format!(
                    "valid RDF, but no dcat:Dataset on its {} page(s): not a HealthDCAT-AP catalogue",
                    self.pages.len()
                ),
            });
        }
        Ok(self.pages)
    }
}

/// Writes fetched pages into `dir` as `page-0001.ttl`, `page-0002.jsonld`… with a
/// [`PAGES_FILE`] listing their URLs (in order), so that the sync can stage a collection like any
/// other tree and [`read_dir`] can read it back.
pub fn write_pages(dir: &Path, pages: &[FetchedPage]) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut list = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let ext = match p.format {
            RdfFormat::Turtle => "ttl",
            RdfFormat::JsonLd => "jsonld",
            RdfFormat::RdfXml => "rdf",
        };
        let name = format!("page-{:04}.{ext}", i + 1);
        let path = dir.join(&name);
        std::fs::write(&path, &p.bytes).map_err(|e| Error::io(&path, e))?;
        list.push(json!({"file": name, "url": p.url}));
    }
    let path = dir.join(PAGES_FILE);
    let bytes = serde_json::to_vec_pretty(&json!({ "pages": list })).expect("JSON");
    std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))
}

/// The file [`write_pages`] lists the pages in.
pub const PAGES_FILE: &str = "healthdcat-pages.json";

/// True when `dir` holds a collection written by [`write_pages`].
pub fn is_healthdcat_dir(dir: &Path) -> bool {
    dir.join(PAGES_FILE).is_file()
}

/// Reads a collection written by [`write_pages`]: every page, each with its own URL as base
/// (so relative IRIs resolve as when fetched), merged and mapped.
pub fn read_dir(dir: &Path) -> Result<HealthDcat> {
    let list_path = dir.join(PAGES_FILE);
    let bytes = std::fs::read(&list_path).map_err(|e| Error::io(&list_path, e))?;
    let list: Value = serde_json::from_slice(&bytes).map_err(|e| Error::json(&list_path, &e))?;
    let mut g = Graph::default();
    let pages = list["pages"].as_array().cloned().unwrap_or_default();
    for (i, p) in pages.iter().enumerate() {
        let (Some(file), url) = (p["file"].as_str(), p["url"].as_str()) else {
            return Err(Error::Field {
                path: list_path,
                field: format!("pages[{i}].file"),
                message: "missing".into(),
            });
        };
        if file.contains('/') || file.contains('\\') || file.starts_with('.') {
            return Err(Error::Field {
                path: list_path,
                field: format!("pages[{i}].file"),
                message: "must be a plain file name".into(),
            });
        }
        let path = dir.join(file);
        let bytes = read_rdf_file(&path)?;
        let format = RdfFormat::from_path(&path).unwrap_or_else(|| RdfFormat::sniff(&bytes));
        parse_into(&mut g, &bytes, format, url, &path)?;
    }
    Ok(map_graph(&g, &dir.display().to_string()))
}
