//! The search peer Hublot is measured against: one SQLite FTS5 table over every kind of record,
//! as a Datasette user would build it with `sqlite-utils enable-fts`, queried the way
//! Datasette's `?_search=` escapes what was typed. Shared by the relevance test
//! (`tests/corpus.rs`, FTS5 as the floor of every category) and the corpus bench
//! (`benches/corpus.rs`, included with `#[path]`), so that both measure the same peer.

use hublot::ingest;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Builds the peer's database at `path` from the same sources as an import. Returns (reader
/// time, insert time) and the row count.
pub fn build(paths: &[PathBuf], path: &Path) -> BoxResult<((Duration, Duration), u64)> {
    let t0 = Instant::now();
    let cat = ingest::read_sources(paths)?;
    let read = t0.elapsed();
    let t1 = Instant::now();
    let mut conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "CREATE VIRTUAL TABLE search USING fts5(
             id UNINDEXED, kind UNINDEXED, name, title, body,
             tokenize = 'unicode61 remove_diacritics 2');",
    )?;
    let tx = conn.transaction()?;
    let mut rows = 0u64;
    {
        let mut ins = tx.prepare(
            "INSERT INTO search (id, kind, name, title, body) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        let mut add =
            |id: String, kind: &str, name: &str, title: &str, body: &str| -> rusqlite::Result<()> {
                rows += 1;
                ins.execute(rusqlite::params![id, kind, name, title, body])
                    .map(|_| ())
            };
        for b in &cat.bases {
            let body = [
                &b.description.fr,
                &b.description.en,
                &b.population.fr,
                &b.population.en,
                &b.keywords.join(" "),
            ]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n");
            add(
                format!("base/{}", b.id),
                "base",
                &format!("{} {}", b.id, b.name),
                &b.title.all(),
                &body,
            )?;
        }
        for t in &cat.tables {
            add(
                format!("table/{}", t.name),
                "table",
                &t.name,
                &t.title,
                &t.produit,
            )?;
            for v in &t.variables {
                let body = format!("{} {}", t.name, v.regle_gestion.as_deref().unwrap_or(""));
                add(
                    format!("variable/{}/{}", t.name, v.name),
                    "variable",
                    &v.name,
                    &v.description,
                    &body,
                )?;
            }
        }
        for d in &cat.docs {
            add(format!("doc/{}", d.path), "doc", &d.path, &d.title, &d.text)?;
        }
        for c in &cat.code_lists {
            add(
                format!("nomenclature/{}", c.name),
                "nomenclature",
                &c.name,
                &c.title,
                &c.columns.join(" "),
            )?;
            // The row callback cannot fail; keep the first insert error and report it after.
            let mut failed: Option<rusqlite::Error> = None;
            c.for_each_code(|code, label, _| {
                if failed.is_none() {
                    if let Err(e) = add(
                        format!("code/{}/{}", c.name, code),
                        "code",
                        code,
                        label,
                        &c.name,
                    ) {
                        failed = Some(e);
                    }
                }
            })?;
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
    }
    tx.commit()?;
    Ok(((read, t1.elapsed()), rows))
}

/// The ids of the first 20 hits of the peer for `text` (optionally of one kind): each
/// whitespace-separated word double-quoted, joined by spaces (AND) or by ` OR `, bm25 order.
pub fn search(
    conn: &rusqlite::Connection,
    text: &str,
    kind: Option<&str>,
    or: bool,
) -> rusqlite::Result<Vec<String>> {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let expr = words.join(if or { " OR " } else { " " });
    match kind {
        Some(k) => {
            let mut st = conn.prepare_cached(
                "SELECT id FROM search WHERE search MATCH ?1 AND kind = ?2 ORDER BY rank LIMIT 20",
            )?;
            let ids = st
                .query_map(rusqlite::params![expr, k], |r| r.get(0))?
                .collect();
            ids
        }
        None => {
            let mut st = conn.prepare_cached(
                "SELECT id FROM search WHERE search MATCH ?1 ORDER BY rank LIMIT 20",
            )?;
            let ids = st
                .query_map(rusqlite::params![expr], |r| r.get(0))?
                .collect();
            ids
        }
    }
}
