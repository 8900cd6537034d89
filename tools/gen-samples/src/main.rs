//! gen-samples: synthetic sample rows and manifest for a Hublot catalogue snapshot.
//!
//! ```text
//! gen-samples samples  [DIR] [--seed N]   write schemas/<produit>/<TABLE>.csv beside each schema
//! gen-samples manifest [DIR]              (re)write DIR/manifest.json
//! gen-samples all      [DIR] [--seed N]   both, in that order
//! ```
//! DIR defaults to `catalogue-snapshots/default`. The output depends only on the snapshot's
//! schemas and code lists and on the seed, so a rerun gives identical files.
//!
//! The product generator is `src/synth` in the core (`hublot synth --persons N --seed S --out
//! DIR`), grown from this world: any number of persons, streamed, for any snapshot, with a
//! checker (`hublot synth --check DIR`). This tool stays only to keep the bundled 60-person
//! sample byte-stable: its fixed teaching profiles and traps (twins sharing a pseudonym, lines
//! "for information", deaths not yet coded) are what the bundled tests and docs rely on. New world
//! logic goes into `src/synth`; `hublot synth --persons 60 --out DIR` then `hublot import DIR`
//! gives a bundled-size sample from the core.

mod date;
mod manifest;
mod render;
mod rng;
mod sha256;
mod snapshot;
mod world;

use render::{cell, random_cell, write_csv, Record};
use rng::Rng;
use snapshot::{CodeLists, Schema};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const DEFAULT_DIR: &str = "catalogue-snapshots/default";
const DEFAULT_SEED: u64 = 20_261_122;
/// Rows given to a table the synthetic world does not model (typed random values only).
const ROWS_FOR_UNKNOWN_TABLE: usize = 10;

const USAGE: &str = "usage: gen-samples (samples|manifest|all) [DIR] [--seed N]";

struct Args {
    command: String,
    dir: PathBuf,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let command = it.next().ok_or(USAGE)?;
    if !["samples", "manifest", "all"].contains(&command.as_str()) {
        return Err(USAGE.into());
    }
    let (mut dir, mut seed) = (None, DEFAULT_SEED);
    while let Some(a) = it.next() {
        if a == "--seed" {
            let v = it.next().ok_or("--seed needs a number")?;
            seed = v
                .parse()
                .map_err(|_| format!("--seed: not a number: {v}"))?;
        } else if a.starts_with('-') {
            return Err(format!("unknown option {a}\n{USAGE}"));
        } else if dir.replace(PathBuf::from(&a)).is_some() {
            return Err(format!("more than one directory given\n{USAGE}"));
        }
    }
    Ok(Args {
        command,
        dir: dir.unwrap_or_else(|| DEFAULT_DIR.into()),
        seed,
    })
}

/// A rendered table: the schema and its rows as CSV cells, in schema column order.
struct Rendered<'a> {
    schema: &'a Schema,
    rows: Vec<Vec<String>>,
}

impl Rendered<'_> {
    fn column(&self, name: &str) -> Option<usize> {
        self.schema.fields.iter().position(|f| f.name == name)
    }
}

fn render_table<'a>(
    schema: &'a Schema,
    records: Option<&Vec<Record>>,
    codes: &CodeLists,
    rng: &mut Rng,
) -> Rendered<'a> {
    let mut filler = BTreeSet::new();
    let rows = match records {
        Some(records) => {
            let known: BTreeSet<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
            let extra: BTreeSet<&str> = records
                .iter()
                .flat_map(|r| r.keys().copied())
                .filter(|k| !known.contains(k))
                .collect();
            if !extra.is_empty() {
                eprintln!(
                    "note: {}: the world fills columns the schema does not have: {extra:?}",
                    schema.name
                );
            }
            records
                .iter()
                .map(|r| {
                    schema
                        .fields
                        .iter()
                        .map(|f| match r.get(f.name.as_str()) {
                            Some(v) => cell(v, f),
                            None => {
                                filler.insert(f.name.clone());
                                random_cell(f, codes, rng)
                            }
                        })
                        .collect()
                })
                .collect()
        }
        None => {
            eprintln!(
                "note: {}: not modelled, {ROWS_FOR_UNKNOWN_TABLE} rows of typed random values",
                schema.name
            );
            (0..ROWS_FOR_UNKNOWN_TABLE)
                .map(|_| {
                    schema
                        .fields
                        .iter()
                        .map(|f| random_cell(f, codes, rng))
                        .collect()
                })
                .collect()
        }
    };
    if records.is_some() && !filler.is_empty() {
        eprintln!("note: {}: typed random values for {filler:?}", schema.name);
    }
    Rendered { schema, rows }
}

/// Checks the rows as Hublot users will join them: codes exist in their code lists, primary keys
/// are unique, foreign keys point at existing rows (empty references are allowed).
fn validate(tables: &BTreeMap<String, Rendered>, codes: &CodeLists) -> Vec<String> {
    let mut errors = Vec::new();
    for (name, t) in tables {
        for (ci, f) in t.schema.fields.iter().enumerate() {
            let Some(list) = f.codelist.as_deref().and_then(|n| codes.get(n)) else {
                continue;
            };
            for row in &t.rows {
                if !row[ci].is_empty() && !list.contains(&row[ci]) {
                    errors.push(format!(
                        "{name}.{}: {:?} is not in {}",
                        f.name,
                        row[ci],
                        f.codelist.as_deref().unwrap_or("")
                    ));
                }
            }
        }
        let pk: Vec<usize> = t
            .schema
            .primary_key
            .iter()
            .filter_map(|c| t.column(c))
            .collect();
        if !pk.is_empty() {
            let mut seen = BTreeSet::new();
            for row in &t.rows {
                let key: Vec<&str> = pk.iter().map(|&i| row[i].as_str()).collect();
                if !seen.insert(key.clone()) {
                    errors.push(format!("{name}: duplicate primary key {key:?}"));
                }
            }
        }
        for fk in &t.schema.foreign_keys {
            let Some(target) = tables.get(&fk.table) else {
                continue;
            };
            let (Some(cols), Some(ref_cols)) = (
                fk.fields
                    .iter()
                    .map(|c| t.column(c))
                    .collect::<Option<Vec<_>>>(),
                fk.ref_fields
                    .iter()
                    .map(|c| target.column(c))
                    .collect::<Option<Vec<_>>>(),
            ) else {
                continue;
            };
            let present: BTreeSet<Vec<&str>> = target
                .rows
                .iter()
                .map(|r| ref_cols.iter().map(|&i| r[i].as_str()).collect())
                .collect();
            for row in &t.rows {
                let key: Vec<&str> = cols.iter().map(|&i| row[i].as_str()).collect();
                if key.iter().any(|k| k.is_empty()) {
                    continue;
                }
                if !present.contains(&key) {
                    errors.push(format!(
                        "{name} {:?} = {key:?} has no row in {}",
                        fk.fields, fk.table
                    ));
                }
            }
        }
    }
    errors
}

fn samples(dir: &Path, seed: u64) -> Result<(), String> {
    let schemas = snapshot::load_schemas(dir)?;
    if schemas.is_empty() {
        return Err(format!(
            "{}: no schemas/<produit>/<TABLE>.json found",
            dir.display()
        ));
    }
    let codes = snapshot::load_codelists(dir)?;
    let mut world = world::World::build(&codes, seed);
    let story_errors = world.check_dates();
    if !story_errors.is_empty() {
        return Err(format!(
            "inconsistent synthetic world:\n  {}",
            story_errors.join("\n  ")
        ));
    }
    let records = world.tables();
    // A separate stream for filler values, so adding a column does not reshuffle the world.
    let mut filler_rng = Rng::new(seed ^ 0x5EED_F111);
    let mut tables = BTreeMap::new();
    for schema in &schemas {
        let rendered = render_table(
            schema,
            records.get(schema.name.as_str()),
            &codes,
            &mut filler_rng,
        );
        if tables.insert(schema.name.clone(), rendered).is_some() {
            return Err(format!("table {} is described twice", schema.name));
        }
    }
    let errors = validate(&tables, &codes);
    if !errors.is_empty() {
        return Err(format!(
            "{} problem(s) in the generated rows:\n  {}",
            errors.len(),
            errors.join("\n  ")
        ));
    }
    let mut total = 0;
    for t in tables.values() {
        let header: Vec<String> = t.schema.fields.iter().map(|f| f.name.clone()).collect();
        let path = t.schema.path.with_extension("csv");
        write_csv(&path, &header, &t.rows).map_err(|e| format!("{}: {e}", path.display()))?;
        println!(
            "{:>5} rows  {}",
            t.rows.len(),
            path.strip_prefix(dir).unwrap_or(&path).display()
        );
        total += t.rows.len();
    }
    println!("{total:>5} rows in {} tables (seed {seed})", tables.len());
    Ok(())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if args.command == "samples" || args.command == "all" {
        samples(&args.dir, args.seed)?;
    }
    if args.command == "manifest" || args.command == "all" {
        let n = manifest::write(&args.dir)?;
        println!("manifest.json lists {n} files");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-samples: {e}");
            ExitCode::FAILURE
        }
    }
}
