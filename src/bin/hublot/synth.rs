//! `hublot synth …`: the synthetic SNDS generator and its checker on the command line, with the
//! same request structs as the app.

use super::print_json;
use hublot::api::synth::{SynthCheck, SynthGenerate};
use hublot::synth::Measure;
use hublot::Hublot;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `hublot synth`.
#[derive(clap::Args)]
pub struct SynthArgs {
    /// Number of persons to generate.
    #[arg(long, required_unless_present = "check")]
    persons: Option<u64>,
    /// Seed (the same seed gives the same files).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory.
    #[arg(long, required_unless_present = "check")]
    out: Option<PathBuf>,
    /// Only these tables (comma-separated).
    #[arg(long, value_delimiter = ',')]
    tables: Vec<String>,
    /// Measure the coherence of DIR instead of generating.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["persons", "out", "tables"])]
    check: Option<PathBuf>,
}

fn pct(m: &Measure) -> String {
    match m.percent {
        Some(p) => format!("{p:6.2} %  ({} / {})", m.count, m.total),
        None => "     -    (nothing to check)".into(),
    }
}

pub fn run(h: &Hublot, a: &SynthArgs, json: bool) -> anyhow::Result<()> {
    if let Some(dir) = &a.check {
        let r = h.synth_check(&SynthCheck { dir: dir.clone() })?;
        if json {
            return print_json(&r);
        }
        out!("{}: {} tables, {} rows", r.dir, r.tables, r.rows);
        out!("foreign keys resolved   {}", pct(&r.foreign_keys));
        out!("person ids known        {}", pct(&r.person_ids));
        out!("date-order violations   {}", pct(&r.date_violations));
        out!("  overlapping stays     {}", pct(&r.stay_overlaps));
        out!("valid codes             {}", pct(&r.valid_codes));
        out!("DCIR detail joinable    {}", pct(&r.dcir_joinable));
        for e in &r.examples {
            out!("  {e}");
        }
        return Ok(());
    }
    let (Some(persons), Some(out)) = (a.persons, a.out.clone()) else {
        anyhow::bail!("give --persons N and --out DIR (or --check DIR)");
    };
    let m = h.synth_generate(&SynthGenerate {
        out: out.clone(),
        persons,
        seed: a.seed,
        tables: a.tables.clone(),
    })?;
    if json {
        return print_json(&m);
    }
    for t in &m.tables {
        out!("{:>10} rows  {:<20} {}", t.rows, t.name, t.how);
    }
    out!(
        "{} rows in {} tables for {} persons (seed {}) in {} ms → {}",
        m.total_rows,
        m.tables.len(),
        m.persons,
        m.seed,
        m.took_ms,
        out.display()
    );
    Ok(())
}
