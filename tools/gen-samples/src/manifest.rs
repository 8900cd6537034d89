//! `manifest.json` of a snapshot directory, as docs/snapshot-format.md describes it: every file
//! but the manifest itself, with its size and SHA-256, paths sorted and `/`-separated.

use crate::sha256::hex_digest;
use serde_json::Value;
use std::fs;
use std::path::Path;

pub const DEFAULT_ID: &str = "hublot-default-2026-11";
pub const DEFAULT_CREATED: &str = "2026-11-22T00:00:00Z";
const DEFAULT_TITLE_FR: &str = "Catalogue Hublot par défaut";
const DEFAULT_TITLE_EN: &str = "Hublot default catalogue";
const DEFAULT_PUBLISHER: &str = "Hublot project";
const DEFAULT_LICENCE: &str = "CC-BY-4.0 (descriptions), facts from public SNDS schemas";
const FORMAT_VERSION: u32 = 1;

pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<Entry>) -> Result<(), String> {
    for item in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = item.map_err(|e| e.to_string())?.path();
        let meta = fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_dir() {
            walk(root, &path, out)?;
        } else if meta.is_file() {
            let rel: Vec<String> = path
                .strip_prefix(root)
                .map_err(|e| e.to_string())?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let rel = rel.join("/");
            if rel == "manifest.json" {
                continue;
            }
            let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            out.push(Entry {
                path: rel,
                size: bytes.len() as u64,
                sha256: hex_digest(&bytes),
            });
        }
        // Symbolic links and other special files are not part of a snapshot.
    }
    Ok(())
}

pub fn list_files(root: &Path) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    walk(root, root, &mut out)?;
    // Byte order of the UTF-8 paths: the same on every machine and file system.
    out.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    Ok(out)
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("a string always serialises")
}

/// Rewrites `root/manifest.json`. The descriptive fields (id, title, publisher, created,
/// licence) are kept from an existing manifest, so regenerating only refreshes the file list;
/// without one, the defaults of the bundled catalogue are used. Keys are written in the order of
/// the format documentation; the signature is reset to null since the file list changed.
pub fn write(root: &Path) -> Result<usize, String> {
    let path = root.join("manifest.json");
    let old: Value = match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?,
        Err(_) => Value::Null,
    };
    let get = |key: &str, default: &str| {
        old.get(key)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    let title = |lang: &str, default: &str| {
        old.get("title")
            .and_then(|t| t.get(lang))
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    let files = list_files(root)?;
    let mut s = String::new();
    s.push_str("{\n");
    s.push_str("  \"format\": \"hublot-snapshot\",\n");
    s.push_str(&format!("  \"format_version\": {FORMAT_VERSION},\n"));
    s.push_str(&format!("  \"id\": {},\n", quote(&get("id", DEFAULT_ID))));
    s.push_str(&format!(
        "  \"title\": {{\"fr\": {}, \"en\": {}}},\n",
        quote(&title("fr", DEFAULT_TITLE_FR)),
        quote(&title("en", DEFAULT_TITLE_EN))
    ));
    s.push_str(&format!(
        "  \"publisher\": {},\n",
        quote(&get("publisher", DEFAULT_PUBLISHER))
    ));
    s.push_str(&format!(
        "  \"created\": {},\n",
        quote(&get("created", DEFAULT_CREATED))
    ));
    s.push_str(&format!(
        "  \"licence\": {},\n",
        quote(&get("licence", DEFAULT_LICENCE))
    ));
    s.push_str("  \"files\": [\n");
    for (i, f) in files.iter().enumerate() {
        let comma = if i + 1 < files.len() { "," } else { "" };
        s.push_str(&format!(
            "    {{\"path\": {}, \"size\": {}, \"sha256\": \"{}\"}}{comma}\n",
            quote(&f.path),
            f.size,
            f.sha256
        ));
    }
    s.push_str("  ],\n");
    s.push_str("  \"signature\": null\n");
    s.push_str("}\n");
    // Guard against a formatting slip: what we wrote must be JSON.
    serde_json::from_str::<Value>(&s)
        .map_err(|e| format!("internal error, manifest is not JSON: {e}"))?;
    fs::write(&path, s).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(files.len())
}
