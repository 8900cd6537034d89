//! Helpers shared by the integration tests. See README.md beside this file.
#![allow(dead_code)]

pub mod corpus;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The real public data the integration tests run against: `HUBLOT_CORPUS`, else
/// `../shared/corpus`, else downloaded once into `~/.cache/hublot-corpus` (see [`corpus::find`]).
/// Found once per test process; when it cannot be found every test using it fails with the same
/// one-sentence message, never passes silently.
pub fn corpus() -> PathBuf {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match FOUND.get_or_init(corpus::find) {
        Ok(p) => p.clone(),
        Err(e) => panic!("{e}"),
    }
}

/// A fresh data directory that is removed at the end of the test.
pub fn data_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("hublot-test-")
        .tempdir()
        .expect("temp dir")
}

/// Every file under `root` with extension `ext`, skipping hidden directories.
pub fn files(root: &Path, ext: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext))
        .map(|e| e.into_path())
        .collect()
}

/// Copies a directory tree (for making a broken variant of real input in a temp dir).
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Data rows of a CSV file (header excluded), counted independently of Hublot's reader:
/// records parsed with the separator that the header line uses.
pub fn csv_rows(path: &Path) -> u64 {
    let bytes = std::fs::read(path).unwrap();
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let header = &bytes[..header_end];
    let delim = if header.iter().filter(|&&b| b == b';').count()
        >= header.iter().filter(|&&b| b == b',').count()
    {
        b';'
    } else {
        b','
    };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delim)
        .flexible(true)
        .from_reader(&bytes[..]);
    r.byte_records().count() as u64
}

/// Fingerprint of every file in a directory (path, size, bytes), to check nothing changed.
pub fn tree_digest(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(root).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.push((
                e.path().strip_prefix(root).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            ));
        }
    }
    out
}

/// Opens the data directory `dir` (installing the bundled catalogue when it is empty) and sets
/// the user setting `ui.lang` to `fr`, which [`assert_unchanged`] checks survives.
pub fn open_fr(dir: &Path) -> hublot::Hublot {
    let h = hublot::Hublot::open(Some(dir.to_path_buf())).unwrap();
    h.set_setting("ui.lang", "fr").unwrap();
    h
}

/// The active snapshot and its bytes, to compare after a failure.
pub struct Before {
    pub id: String,
    /// Every file of the snapshot with its hash.
    pub digest: Vec<(String, Vec<u8>)>,
}

/// What the active snapshot is now.
pub fn before(h: &hublot::Hublot) -> Before {
    let id = h.snapshot().unwrap().id;
    Before {
        digest: tree_digest(&h.data_dir().join("snapshots").join(&id)),
        id,
    }
}

/// Same active snapshot, byte for byte; the user setting `ui.lang` kept as `fr`; no staging
/// (`next`, `next.extract`, `mirror.prev`, `.staging-*`) left behind.
pub fn assert_unchanged(h: &hublot::Hublot, b: &Before, what: &str) {
    assert_eq!(
        h.snapshot().unwrap().id,
        b.id,
        "{what}: active snapshot changed"
    );
    let d = tree_digest(&h.data_dir().join("snapshots").join(&b.id));
    assert!(d == b.digest, "{what}: the active snapshot's files changed");
    let settings: std::collections::HashMap<_, _> = h.settings().unwrap().into_iter().collect();
    assert_eq!(
        settings.get("ui.lang").map(String::as_str),
        Some("fr"),
        "{what}: user setting lost"
    );
    // No staging left behind.
    let cache = h.data_dir().join("cache/sync");
    for e in walkdir::WalkDir::new(&cache)
        .max_depth(2)
        .into_iter()
        .flatten()
    {
        let n = e.file_name().to_string_lossy();
        assert!(
            n != "next" && n != "next.extract" && n != "mirror.prev",
            "{what}: debris {}",
            e.path().display()
        );
    }
    let snaps: Vec<String> = std::fs::read_dir(h.data_dir().join("snapshots"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".staging"))
        .collect();
    assert!(snaps.is_empty(), "{what}: staging snapshot left: {snaps:?}");
}

/// An RDF/XML record whose title is `&l{levels};`, each entity ten of the one before and `l0`
/// `first` bytes long ("billion laughs"): `billion_laughs(7, 68)` is 774 bytes and expands to
/// 680 MB, `billion_laughs(8, 126)` is 889 bytes and expands to 12.6 GB. Written by the tests
/// that need it, never committed.
pub fn billion_laughs(levels: usize, first: usize) -> String {
    let l0: String = "lol".chars().cycle().take(first).collect();
    let mut s = format!("<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY l0 \"{l0}\">\n");
    for i in 1..=levels {
        s.push_str(&format!(
            " <!ENTITY l{i} \"{}\">\n",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    s.push_str("]>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:dcat=\"http://www.w3.org/ns/dcat#\" xmlns:dct=\"http://purl.org/dc/terms/\">\n");
    s.push_str(&format!(
        " <dcat:Dataset rdf:about=\"https://x.example/d\"><dct:title>&l{levels};</dct:title></dcat:Dataset>\n</rdf:RDF>\n"
    ));
    s
}
