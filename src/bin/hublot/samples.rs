//! `hublot rows`, `hublot profile`, `hublot chart`: the sample-data operations on the command
//! line, with the same request structs as the app.

use super::print_json;
use anyhow::Context;
use clap::Args;
use hublot::api::{ChartRequest, ProfileRequest, RowsRequest};
use hublot::Hublot;
use std::io::Write;
use std::path::PathBuf;

/// `hublot rows`.
#[derive(Args)]
pub struct RowsArgs {
    /// The table (`ER_PRS_F`).
    table: String,
    /// Sort by this column.
    #[arg(long)]
    sort: Option<String>,
    /// Sort descending.
    #[arg(long)]
    desc: bool,
    /// A filter: C=V, C!=V, C~TEXT, C>=V, C<=V, C>V, C<V, C=LOW..HIGH, C:null, C:notnull
    /// (repeat for several; a row passes them all).
    #[arg(long = "filter", short = 'f')]
    filters: Vec<String>,
    /// Page number (1-based).
    #[arg(long, default_value_t = 1)]
    page: u64,
    /// Rows per page (at most 500).
    #[arg(long, default_value_t = 20)]
    limit: u64,
    /// Write every filtered row as CSV to FILE instead of printing a page.
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// `hublot profile`.
#[derive(Args)]
pub struct ProfileArgs {
    /// The table.
    table: String,
}

/// `hublot chart`.
#[derive(Args)]
pub struct ChartArgs {
    /// The table.
    table: String,
    /// The column.
    column: String,
    /// The SVG file to write.
    #[arg(long)]
    out: PathBuf,
    /// Width in pixels.
    #[arg(long)]
    width: Option<u32>,
}

fn cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// `hublot rows TABLE …`.
pub fn rows(h: &Hublot, a: &RowsArgs, json: bool) -> anyhow::Result<()> {
    let req = RowsRequest {
        name: a.table.clone(),
        sort: a.sort.clone(),
        desc: Some(a.desc),
        filter: Some(a.filters.clone()),
        offset: None,
        page: Some(a.page),
        limit: Some(a.limit),
    };
    if let Some(path) = &a.csv {
        let d = h.sample_export(&req)?;
        std::fs::write(path, &d.bytes).with_context(|| format!("writing {}", path.display()))?;
        let rows = d
            .bytes
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            .saturating_sub(1);
        eprintln!("hublot: wrote {} ({rows} rows)", path.display());
        return Ok(());
    }
    let p = h.sample_rows(&req)?;
    if json {
        return print_json(&p);
    }
    let mut out = std::io::stdout().lock();
    let names: Vec<&str> = p.columns.iter().map(|c| c.name.as_str()).collect();
    let _ = writeln!(out, "{}", names.join("\t"));
    for r in &p.rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&p.columns)
            .map(|(v, c)| {
                let s = cell(v);
                match p.labels.get(&c.name).and_then(|m| m.get(&s)) {
                    Some(l) => format!("{s} ({l})"),
                    None => s,
                }
            })
            .collect();
        if writeln!(out, "{}", cells.join("\t")).is_err() {
            return Ok(());
        }
    }
    let _ = writeln!(
        out,
        "rows {}–{} of {} ({} in the table)",
        (p.offset + 1).min(p.total),
        (p.offset + p.rows.len() as u64).min(p.total),
        p.total,
        p.table_rows
    );
    Ok(())
}

/// `hublot profile TABLE`.
pub fn profile(h: &Hublot, a: &ProfileArgs, json: bool) -> anyhow::Result<()> {
    let p = h.sample_profile(&ProfileRequest {
        name: a.table.clone(),
        charts: Some(false),
    })?;
    if json {
        return print_json(&p.profile);
    }
    let t = &p.profile;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{}: {} rows, {} columns ({} in {} ms)",
        t.table,
        t.rows,
        t.columns.len(),
        if t.cached { "cached" } else { "computed" },
        t.compute_ms
    );
    for c in &t.columns {
        let top: Vec<String> = c
            .top
            .iter()
            .take(3)
            .map(|v| match &v.label {
                Some(l) => format!("{} ({l}) ×{}", cell(&v.value), v.count),
                None => format!("{} ×{}", cell(&v.value), v.count),
            })
            .collect();
        let _ = writeln!(
            out,
            "  {:<14} {:<8} nulls {:>6}  distinct {:>6}  min {:<12} max {:<12} top {}",
            c.column.name,
            c.column.r#type,
            c.nulls,
            c.distinct,
            cell(&c.min),
            cell(&c.max),
            top.join(", ")
        );
    }
    Ok(())
}

/// `hublot chart TABLE COLUMN --out FILE.svg`.
pub fn chart(h: &Hublot, a: &ChartArgs, json: bool) -> anyhow::Result<()> {
    let d = h.sample_chart(&ChartRequest {
        name: a.table.clone(),
        column: a.column.clone(),
        width: a.width,
        height: None,
    })?;
    std::fs::write(&a.out, &d.bytes).with_context(|| format!("writing {}", a.out.display()))?;
    if json {
        return print_json(&serde_json::json!({ "path": a.out, "bytes": d.bytes.len() }));
    }
    eprintln!(
        "hublot: wrote {} ({} bytes)",
        a.out.display(),
        d.bytes.len()
    );
    Ok(())
}
