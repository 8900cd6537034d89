//! Export timings of a need statement of 300 variables: PDF (typst) and DOCX (docx-rs), with
//! Markdown and CSV for scale.
//!
//! ```text
//! export CARGO_TARGET_DIR=$HOME/.cache/hublot-target
//! cargo bench --bench need_export              # 10 runs per format
//! cargo bench --bench need_export -- --quick   # 2 runs, to check the bench works
//! ```
//!
//! The first PDF is timed apart: it parses the bundled fonts and builds typst's library once per
//! process. Timings are printed (p50 and max), never asserted.

#[path = "../tests/need_fixture/mod.rs"]
mod need_fixture;

use hublot::cite::Lang;
use hublot::need::export::{export, ExportFormat};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let runs = if quick { 2 } else { 10 };
    let f = need_fixture::Fixture::new(300, Lang::Fr);
    let input = f.input();
    eprintln!(
        "statement: {} data items ({} the corpus)",
        f.doc.data.len(),
        if f.from_corpus { "from" } else { "NOT from" }
    );
    let start = Instant::now();
    let first = export(&input, ExportFormat::Pdf).expect("PDF");
    println!(
        "| PDF, first in the process | {:.0} ms | | {} KiB |",
        ms(start.elapsed()),
        first.len() / 1024
    );
    println!("| export (300 variables) | p50 | max | size |");
    println!("|---|---|---|---|");
    for format in [
        ExportFormat::Pdf,
        ExportFormat::Docx,
        ExportFormat::Md,
        ExportFormat::Csv,
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for i in 0..runs {
            // Each run exports a different statement: typst memoises, and an unchanged
            // document would be timed from its cache.
            let mut doc = f.doc.clone();
            let n = doc.data.len();
            doc.data[i % n].why.push_str(&format!(" (run {i})"));
            let input = hublot::need::export::ExportInput {
                doc: &doc,
                ..f.input()
            };
            let t = Instant::now();
            size = export(&input, format).expect("export").len();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "| {} | {:.1} ms | {:.1} ms | {} KiB |",
            format.extension(),
            ms(times[times.len() / 2]),
            ms(*times.last().unwrap()),
            size / 1024
        );
    }
}
