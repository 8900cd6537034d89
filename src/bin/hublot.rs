//! The `hublot` command line: each subcommand converts its arguments into a call of the core
//! API (`hublot::api`) and prints the answer, as text or as JSON with `--json`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use hublot::api::{NomenclatureRequest, Record};
use hublot::{Hublot, ImportRequest, SearchRequest};
use std::io::Write;
use std::path::PathBuf;

/// `println!` that ends quietly when the reader goes away (`hublot search … | head`).
macro_rules! out {
    ($($t:tt)*) => {
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(0)
        }
    };
}

#[path = "hublot/console.rs"]
mod console;
#[path = "hublot/need.rs"]
mod need;
#[path = "hublot/producer.rs"]
mod producer;
#[path = "hublot/samples.rs"]
mod samples;
#[path = "hublot/synth.rs"]
mod synth;
#[path = "hublot/validate.rs"]
mod validate;

#[derive(Parser)]
#[command(
    name = "hublot",
    version,
    about = "Offline explorer of the French health-data catalogue (SNDS, Health Data Hub)"
)]
struct Cli {
    /// Data directory (default: the platform data dir, e.g. ~/.local/share/hublot).
    #[arg(long, global = true, env = "HUBLOT_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Build a new snapshot from sources (snapshots, schema-snds/synthetic-snds trees, Markdown
    /// trees) and activate it. The first source given wins when two describe the same table.
    Import {
        /// Source directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rebuild even if the sources are unchanged.
        #[arg(long)]
        force: bool,
    },
    /// Search the catalogue.
    Search {
        /// What to look for.
        query: String,
        /// Only this kind: base, table, variable, nomenclature, code, doc.
        #[arg(long)]
        kind: Option<String>,
        /// Only this base (id).
        #[arg(long)]
        base: Option<String>,
        /// Only this domain (produit).
        #[arg(long)]
        produit: Option<String>,
        /// Only this table.
        #[arg(long)]
        table: Option<String>,
        /// How many hits.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Do not collapse a variable present in several tables.
        #[arg(long)]
        no_group: bool,
        /// Say why each hit matched: which typed word or synonym (and its source) matched
        /// which field.
        #[arg(long)]
        explain: bool,
    },
    /// Show a record: base/ID, table/NAME, variable/TABLE/NAME, nomenclature/NAME,
    /// code/LIST/CODE, doc/PATH, or a bare name.
    Show {
        /// The id.
        id: String,
    },
    /// Browse a code list, optionally filtered.
    Codes {
        /// Code list name.
        name: String,
        /// Code prefix or label words.
        #[arg(long, short)]
        q: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: u64,
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// How to cite a base: its DOI and reference publications, in a citation style.
    Cite {
        /// The base's id (`dcir`).
        id: String,
        /// apa, vancouver, bibtex, ris or csl-json.
        #[arg(long, default_value = "apa")]
        style: hublot::cite::CiteStyle,
        /// fr or en.
        #[arg(long, default_value = "fr")]
        lang: hublot::cite::Lang,
        /// Date of access, YYYY-MM-DD (default: today).
        #[arg(long)]
        accessed: Option<String>,
    },
    /// Need statements (expressions de besoin): create, fill, check, export, import.
    Need {
        #[command(subcommand)]
        action: need::NeedCmd,
    },
    /// Rows of a sample table: sorted, filtered, paged, codes with their labels; `--csv FILE`
    /// writes every filtered row.
    Rows(samples::RowsArgs),
    /// The profile of every column of a sample table (nulls, distinct, min/max, top values).
    Profile(samples::ProfileArgs),
    /// The chart of a column of a sample table, as SVG.
    Chart(samples::ChartArgs),
    /// Run one read-only SQL query on the synthetic samples (counts under 10 masked).
    Sql(console::SqlArgs),
    /// Guided SQL exercises on the samples: list, show N, check N QUERY.
    Exercise {
        #[command(subcommand)]
        action: console::ExerciseCmd,
    },
    /// Generate a coherent synthetic SNDS from the active snapshot's schemas
    /// (`--persons N --seed S --out DIR [--tables T,…]`), or measure a directory's coherence
    /// (`--check DIR`).
    Synth(synth::SynthArgs),
    /// Validate HealthDCAT-AP records, Table Schema folders, code lists and Markdown docs as the
    /// HDH would (`--shapes FILE…` for the HDH's shapes, `--vocabularies DIR`); exit status 0
    /// only when they conform.
    Validate(validate::ValidateArgs),
    /// User settings: every one, or set KEY to VALUE (`ui.lang en`, `sync.sources URL`,
    /// `cite.doi_resolver URL`, `sync.publisher_key HEX`).
    Settings {
        /// The setting to change.
        key: Option<String>,
        /// Its new value (empty: cleared to the empty string).
        #[arg(requires = "key")]
        value: Option<String>,
    },
    /// Counts of the active snapshot.
    Stats,
    /// The active snapshot: id, sources, merges, warnings. `snapshot build` publishes one.
    Snapshot {
        #[command(subcommand)]
        action: Option<SnapshotCmd>,
    },
    /// Fetch the sources (Hublot snapshot URLs, .tar.gz/.zip archives, directories,
    /// HealthDCAT-AP catalogues; default: the `sync.sources` setting), verify them, then build
    /// and activate a new snapshot — or say "up to date". On any error the active snapshot is
    /// unchanged. Ctrl-C cancels.
    Sync {
        /// Sources, in order of precedence. A URL whose path ends in .ttl, .jsonld, .rdf, .xml
        /// (e.g. CKAN's https://host/catalog.ttl?page=1), or any URL prefixed with `healthdcat+`,
        /// is a HealthDCAT-AP catalogue whose hydra pages are followed; see docs/sync.md.
        sources: Vec<String>,
        /// Pin the publisher's ed25519 public key (hex): an unsigned or wrongly signed
        /// manifest is refused. Default: the `sync.publisher_key` setting.
        #[arg(long, env = "HUBLOT_PUBLISHER_KEY")]
        publisher_key: Option<String>,
        /// Ignore the cache: download and rebuild everything.
        #[arg(long)]
        force: bool,
        /// Seconds without data before a request times out.
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Retries on 5xx, timeouts and network errors.
        #[arg(long, default_value_t = 4)]
        retries: u32,
        /// Files downloaded at the same time.
        #[arg(long, default_value_t = 4)]
        jobs: usize,
        /// No progress line.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Make an ed25519 key pair to sign snapshots (`snapshot build --sign`); prints the public
    /// key that subscribers pin.
    Keygen {
        /// Secret key file to write (the public key goes to FILE.pub).
        #[arg(long)]
        out: PathBuf,
        /// Overwrite existing key files.
        #[arg(long)]
        force: bool,
    },
    /// Go back to the previous snapshot.
    Rollback,
    /// Preview a producer's folder (HealthDCAT-AP records, Table Schemas, code lists, Markdown)
    /// over the active snapshot, as Hublot's users will see it: a local server whose root page is
    /// the draft's base, reloaded live when the files change, with the validation's findings.
    Preview(producer::PreviewArgs),
    /// A producer's draft: exports (HealthDCAT-AP Turtle, HTML page, snapshot folder).
    Producer {
        #[command(subcommand)]
        action: producer::ProducerCmd,
    },
    /// Serve the JSON API (`/api/…`) and the web UI over HTTP, on loopback by default.
    Serve {
        /// Address to listen on. Anything but loopback needs --allow-remote.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Port (0 picks a free one; the address is printed).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Directory of the built web UI (default: $HUBLOT_UI_DIR, ./ui/dist, or beside the binary).
        #[arg(long, env = "HUBLOT_UI_DIR")]
        ui_dir: Option<PathBuf>,
        /// Allow a non-loopback address: anyone who reaches it can use Hublot (no authentication).
        #[arg(long)]
        allow_remote: bool,
    },
}

#[derive(Subcommand)]
enum SnapshotCmd {
    /// Build a publishable snapshot (manifest with sizes and SHA-256, optionally signed) from
    /// sources: snapshots, schema-snds/synthetic-snds trees, Markdown trees.
    Build {
        /// Sources, in order of precedence.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Output directory (new, empty, or an earlier snapshot to replace).
        #[arg(long)]
        out: PathBuf,
        /// Secret key file from `hublot keygen`.
        #[arg(long)]
        sign: Option<PathBuf>,
        /// bases.json to include.
        #[arg(long)]
        bases: Option<PathBuf>,
        /// Manifest id (default: the output directory's name and today's date).
        #[arg(long)]
        id: Option<String>,
        /// Title (French).
        #[arg(long)]
        title: Option<String>,
        /// Title (English).
        #[arg(long)]
        title_en: Option<String>,
        /// Publisher.
        #[arg(long)]
        publisher: Option<String>,
        /// Licence of the content.
        #[arg(long)]
        licence: Option<String>,
    },
}

impl From<&Cmd> for SearchRequest {
    fn from(c: &Cmd) -> Self {
        match c {
            Cmd::Search {
                query,
                kind,
                base,
                produit,
                table,
                limit,
                no_group,
                explain,
            } => SearchRequest {
                q: query.clone(),
                kind: kind.clone(),
                base: base.clone(),
                produit: produit.clone(),
                table: table.clone(),
                limit: Some(*limit),
                no_group: *no_group,
                explain: *explain,
                nomenclature: None,
            },
            _ => unreachable!("only built from Search"),
        }
    }
}

fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    out!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn main() {
    if let Err(e) = run() {
        eprintln!("hublot: {e:#}");
        std::process::exit(1);
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let h = Hublot::open(cli.data_dir.clone()).context("cannot open the data directory")?;
    match &cli.cmd {
        Cmd::Import { paths, force } => {
            let r = h.import(&ImportRequest {
                paths: paths.clone(),
                force: *force,
            })?;
            if cli.json {
                return print_json(&r);
            }
            if r.unchanged {
                out!(
                    "Unchanged: the sources are the same as snapshot {}; nothing rebuilt ({} ms).",
                    r.snapshot,
                    r.took_ms
                );
                return Ok(());
            }
            for s in &r.sources {
                out!(
                    "read {} ({:?}): {} bases, {} tables, {} variables, {} code lists, {} sample tables, {} doc pages",
                    s.path,
                    s.kind.unwrap(),
                    s.bases,
                    s.tables,
                    s.variables,
                    s.nomenclatures,
                    s.sample_tables,
                    s.docs
                );
            }
            if !r.merges.is_empty() {
                let mut groups: std::collections::BTreeMap<
                    (String, Option<String>, Vec<String>),
                    Vec<String>,
                > = Default::default();
                for m in &r.merges {
                    groups
                        .entry((
                            m.schema_from.clone(),
                            m.samples_from.clone(),
                            m.also_in.clone(),
                        ))
                        .or_default()
                        .push(m.table.clone());
                }
                for ((schema, samples, also), tables) in groups {
                    out!(
                        "merged {} tables also described by {}: schema from {}, samples from {}",
                        tables.len(),
                        also.join(", "),
                        schema,
                        samples.as_deref().unwrap_or("nowhere")
                    );
                }
            }
            for w in &r.warnings {
                out!("warning: {w}");
            }
            let s = &r.stats;
            out!(
                "snapshot {} active: {} bases, {} tables, {} variables, {} code lists, {} codes, {} doc pages, {} sample rows ({:.2} s)",
                r.snapshot,
                s.bases,
                s.tables,
                s.variables,
                s.nomenclatures,
                s.codes,
                s.docs,
                s.sample_rows,
                r.took_ms as f64 / 1000.0
            );
        }
        c @ Cmd::Search { .. } => {
            let r = h.search(&SearchRequest::from(c))?;
            if cli.json {
                return print_json(&r);
            }
            for (i, hit) in r.hits.iter().enumerate() {
                let what = match hit.kind.as_str() {
                    "variable" => format!(
                        "{}.{}{}",
                        hit.table.as_deref().unwrap_or(""),
                        hit.name.as_deref().unwrap_or(""),
                        match hit.tables_count {
                            Some(n) if n > 1 => format!(" (in {n} tables)"),
                            _ => String::new(),
                        }
                    ),
                    "code" => format!(
                        "{} {}",
                        hit.nomenclature.as_deref().unwrap_or(""),
                        hit.code.as_deref().unwrap_or("")
                    ),
                    "doc" => hit.path.clone().unwrap_or_default(),
                    _ => hit.name.clone().unwrap_or_default(),
                };
                out!("{:>2}. {:<12} {:<40} {}", i + 1, hit.kind, what, hit.title);
                for w in &hit.why {
                    let from = match (&w.from, &w.source) {
                        (Some(f), Some(s)) => format!(" for `{f}` ({s})"),
                        (Some(f), None) => format!(" for `{f}`"),
                        (None, Some(s)) => format!(" ({s})"),
                        (None, None) => String::new(),
                    };
                    out!(
                        "      why: `{}` in {}, {}{}",
                        w.term,
                        w.fields.join(", "),
                        w.via,
                        from
                    );
                }
            }
            let kinds: Vec<String> = r
                .kinds
                .iter()
                .map(|f| format!("{} {}", f.count, f.value))
                .collect();
            out!(
                "{} matches ({}) in {:.2} ms{}",
                r.total,
                kinds.join(", "),
                r.took_ms,
                if r.fuzzy { ", typo-tolerant" } else { "" }
            );
        }
        Cmd::Show { id } => {
            let rec = h.show(id)?;
            if cli.json {
                return print_json(&rec);
            }
            print_record(&rec);
        }
        Cmd::Codes {
            name,
            q,
            offset,
            limit,
        } => {
            let p = h.nomenclature(&NomenclatureRequest {
                name: name.clone(),
                q: q.clone(),
                offset: Some(*offset),
                limit: Some(*limit),
            })?;
            if cli.json {
                return print_json(&p);
            }
            out!(
                "{} — {} ({} rows, {} matching)",
                p.nomenclature.name,
                p.nomenclature.title,
                p.nomenclature.rows,
                p.codes.total
            );
            for c in &p.codes.rows {
                out!("  {:<14} {}", c.code, c.label);
            }
        }
        Cmd::Cite {
            id,
            style,
            lang,
            accessed,
        } => {
            let c = h.cite(&hublot::api::CiteRequest {
                id: id.clone(),
                style: Some(*style),
                lang: Some(*lang),
                accessed: accessed.clone(),
            })?;
            if cli.json {
                return print_json(&c);
            }
            out!("{}", c.text.trim_end());
            // Warnings go to stderr: the text on stdout stays a clean .bib/.ris/.json.
            for w in &c.warnings {
                eprintln!("hublot: {w}");
            }
        }
        Cmd::Need { action } => need::run(&h, action, cli.json)?,
        Cmd::Rows(a) => samples::rows(&h, a, cli.json)?,
        Cmd::Profile(a) => samples::profile(&h, a, cli.json)?,
        Cmd::Chart(a) => samples::chart(&h, a, cli.json)?,
        Cmd::Sql(a) => console::sql(&h, a, cli.json)?,
        Cmd::Exercise { action } => console::exercise(&h, action, cli.json)?,
        Cmd::Synth(a) => synth::run(&h, a, cli.json)?,
        Cmd::Producer { action } => producer::run(&h, action, cli.json)?,
        Cmd::Validate(a) => {
            if !validate::run(&h, a, cli.json)? {
                // Not conforming is the answer, not a failure of the command: stdout is flushed
                // and the status says it.
                let _ = std::io::stdout().flush();
                std::process::exit(1);
            }
        }
        Cmd::Settings { key, value } => {
            match (key, value) {
                (Some(k), Some(v)) => h.set_setting(k, v)?,
                (Some(k), None) => anyhow::bail!("give the new value of `{k}`"),
                _ => {}
            }
            let all = h.settings()?;
            if cli.json {
                return print_json(&all);
            }
            for (k, v) in &all {
                out!("{k} = {v}");
            }
        }
        Cmd::Stats => {
            let s = h.stats()?;
            if cli.json {
                return print_json(&s);
            }
            out!(
                "bases {}\ntables {}\nvariables {}\nnomenclatures {}\ncodes {}\ndocs {}\nsample_rows {}",
                s.bases, s.tables, s.variables, s.nomenclatures, s.codes, s.docs, s.sample_rows
            );
        }
        Cmd::Sync {
            sources,
            publisher_key,
            force,
            timeout,
            retries,
            jobs,
            quiet,
        } => {
            use hublot::sync::{Phase, Progress, SyncControl, SyncOptions, SyncRequest};
            use std::sync::atomic::{AtomicBool, Ordering};
            use std::sync::{Arc, Mutex};
            let cancel = Arc::new(AtomicBool::new(false));
            {
                // First Ctrl-C: cancel cleanly. Second: quit now (safe: activation is atomic).
                let c = cancel.clone();
                std::thread::spawn(move || {
                    let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    rt.block_on(async {
                        if tokio::signal::ctrl_c().await.is_ok() {
                            c.store(true, Ordering::Relaxed);
                            eprintln!("\nhublot: cancelling (Ctrl-C again to quit now)…");
                            let _ = tokio::signal::ctrl_c().await;
                            std::process::exit(130);
                        }
                    });
                });
            }
            let last = Mutex::new(std::time::Instant::now() - std::time::Duration::from_secs(1));
            let show = !*quiet && !cli.json;
            let progress = move |p: &Progress| {
                let mut l = last.lock().expect("lock");
                if p.phase == Phase::Download && l.elapsed().as_millis() < 100 {
                    return;
                }
                *l = std::time::Instant::now();
                let line = match p.phase {
                    Phase::Manifest => format!("checking {}", p.source),
                    Phase::Download => format!(
                        "downloading {}/{} files, {:.1}/{:.1} MB",
                        p.files_done,
                        p.files_total,
                        p.bytes_done as f64 / 1e6,
                        p.bytes_total as f64 / 1e6
                    ),
                    Phase::Extract => format!("extracting {}", p.source),
                    Phase::Build => "building the snapshot (store + index)".to_string(),
                    Phase::Done => String::new(),
                };
                eprint!("\r\x1b[2K{line}");
                if p.phase == Phase::Done {
                    eprint!("\r\x1b[2K");
                }
            };
            let control = SyncControl {
                progress: show.then(|| Arc::new(progress) as hublot::sync::ProgressFn),
                cancel,
            };
            let r = h.sync_with(
                &SyncRequest {
                    sources: sources.clone(),
                    publisher_key: publisher_key.clone(),
                    force: *force,
                    options: SyncOptions {
                        read_timeout_ms: timeout.saturating_mul(1000),
                        retries: *retries,
                        concurrency: *jobs,
                        ..Default::default()
                    },
                },
                &control,
            );
            if show {
                eprint!("\r\x1b[2K");
            }
            let r = r?;
            if cli.json {
                return print_json(&r);
            }
            out!("{}", r.outcome);
            if let hublot::sync::SyncOutcome::Updated {
                downloaded_files,
                downloaded_bytes,
                ..
            } = r.outcome
            {
                out!(
                    "snapshot {} active; downloaded {} files ({:.1} MB) in {:.2} s, built in {:.2} s",
                    r.snapshot,
                    downloaded_files,
                    downloaded_bytes as f64 / 1e6,
                    r.fetch_ms as f64 / 1000.0,
                    r.build_ms as f64 / 1000.0
                );
            }
            if let Some(b) = &r.rebuilt {
                out!("rebuilt: {b}");
            }
            if let Some(n) = &r.note {
                out!("{n}");
            }
        }
        Cmd::Keygen { out, force } => {
            let k = h.keygen(&hublot::sync::KeygenRequest {
                out: out.clone(),
                force: *force,
            })?;
            if cli.json {
                return print_json(&k);
            }
            out!("{}", k.public_key);
            eprintln!(
                "secret key written to {} (keep it private); public key in {}",
                k.key_file.display(),
                k.public_key_file.display()
            );
        }
        Cmd::Snapshot {
            action:
                Some(SnapshotCmd::Build {
                    paths,
                    out,
                    sign,
                    bases,
                    id,
                    title,
                    title_en,
                    publisher,
                    licence,
                }),
        } => {
            let r = h.snapshot_build(&hublot::sync::SnapshotBuildRequest {
                paths: paths.clone(),
                out: out.clone(),
                sign: sign.clone(),
                bases: bases.clone(),
                id: id.clone(),
                title: title.clone(),
                title_en: title_en.clone(),
                publisher: publisher.clone(),
                licence: licence.clone(),
            })?;
            if cli.json {
                return print_json(&r);
            }
            for s in &r.shadowed {
                out!("note: {s}");
            }
            out!(
                "snapshot {} written to {}: {} files, {:.1} MB; {} tables, {} code lists, {} doc pages{}",
                r.id,
                r.out.display(),
                r.files,
                r.bytes as f64 / 1e6,
                r.tables,
                r.nomenclatures,
                r.docs,
                match &r.public_key {
                    Some(k) => format!("; signed (public key {k})"),
                    None => "; not signed".into(),
                }
            );
        }
        Cmd::Snapshot { action: None } => {
            let s = h.snapshot()?;
            if cli.json {
                return print_json(&s);
            }
            out!(
                "snapshot {} (built {} by Hublot {})",
                s.id,
                s.created,
                s.hublot_version
            );
            out!("data directory {}", h.data_dir().display());
            for src in &s.sources {
                out!("  source {}", src.path);
            }
            for w in &s.warnings {
                out!("  warning: {w}");
            }
        }
        Cmd::Preview(a) => return producer::preview(h, a),
        Cmd::Serve {
            host,
            port,
            ui_dir,
            allow_remote,
        } => {
            hublot::serve::run(
                std::sync::Arc::new(h),
                hublot::serve::ServeOptions {
                    host: host.clone(),
                    port: *port,
                    ui_dir: ui_dir.clone(),
                    allow_remote: *allow_remote,
                },
            )?;
        }
        Cmd::Rollback => {
            let s = h.rollback()?;
            if cli.json {
                return print_json(&s);
            }
            out!("snapshot {} is active again", s.id);
        }
    }
    Ok(())
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("—")
}

fn print_record(rec: &Record) {
    match rec {
        Record::Base(p) => {
            let b = &p.base;
            out!("{} — {}\n", b.name, b.title.fr);
            if let Some(pr) = &b.producer {
                out!("Producteur : {}", pr.name);
            }
            out!("{}\n", b.description.fr);
            if !b.population.fr.is_empty() {
                out!("Population : {}", b.population.fr);
            }
            if !b.period.text.fr.is_empty() {
                out!("Période : {}", b.period.text.fr);
            }
            if !b.access.text.fr.is_empty() {
                out!("Accès : {}", b.access.text.fr);
            }
            if let Some(c) = &b.citation {
                out!("Citer : {c}");
            }
            for l in &b.links {
                out!("  {} <{}>", l.title.fr, l.url);
            }
            if !p.tables.is_empty() {
                out!("\n{} tables:", p.tables.len());
                for t in &p.tables {
                    out!("  {:<16} {:<14} {}", t.name, t.produit, t.title);
                }
            }
        }
        Record::Table(p) => {
            let t = &p.table;
            out!(
                "{} — {}  [{} / {}]\n",
                t.name,
                t.title,
                t.produit,
                p.base.as_ref().map(|b| b.name.as_str()).unwrap_or("")
            );
            if !t.primary_key.is_empty() {
                out!("Primary key: {}", t.primary_key.join(", "));
            }
            for j in &p.joins_out {
                out!(
                    "→ {} on {} = {}",
                    j.table,
                    j.fields.join(", "),
                    j.other_fields.join(", ")
                );
            }
            for j in &p.joins_in {
                out!(
                    "← {} on {} = {}",
                    j.table,
                    j.other_fields.join(", "),
                    j.fields.join(", ")
                );
            }
            out!("\n{} variables:", t.variables.len());
            for v in &t.variables {
                out!(
                    "  {:<16} {:<9} {:<5} {:<12} {}",
                    v.name,
                    v.r#type,
                    opt(&v.length),
                    v.nomenclature
                        .as_ref()
                        .map(|n| n.name.as_str())
                        .unwrap_or(""),
                    v.description
                );
            }
            if let Some(s) = &p.sample {
                out!("\n{} sample rows (from {})", s.total, opt(&s.source));
            }
        }
        Record::Variable(p) => {
            let v = &p.variable;
            out!("{}.{} — {}\n", p.table.name, v.name, v.description);
            out!("Table       {} — {}", p.table.name, p.table.title);
            out!(
                "Type        {}  length {}  format {}",
                v.r#type,
                opt(&v.length),
                opt(&v.format)
            );
            if p.in_primary_key {
                out!("Key         part of the primary key");
            }
            out!(
                "Created     {}   deleted {}",
                opt(&v.date_created),
                opt(&v.date_deleted)
            );
            if let Some(r) = &v.regle_gestion {
                out!("Rule        {r}");
            }
            if let Some(o) = &v.observation {
                out!("Observation {o}");
            }
            match (&v.nomenclature, &p.nomenclature) {
                (Some(_), Some(n)) => {
                    out!("Code list   {} — {} ({} rows)", n.name, n.title, n.rows);
                    for c in &p.codes {
                        out!("              {:<10} {}", c.code, c.label);
                    }
                }
                (Some(r), None) => out!("Code list   {} (not in this snapshot)", r.name),
                _ => {}
            }
            if !p.other_tables.is_empty() {
                out!(
                    "Also in     {} other tables: {}",
                    p.other_tables.len(),
                    p.other_tables.join(", ")
                );
            }
        }
        Record::Nomenclature(p) => {
            out!(
                "{} — {} ({} rows)",
                p.nomenclature.name,
                p.nomenclature.title,
                p.nomenclature.rows
            );
            for c in &p.codes.rows {
                out!("  {:<14} {}", c.code, c.label);
            }
            if !p.used_by.is_empty() {
                out!("Used by: {}", p.used_by.join(", "));
            }
        }
        Record::Code(c) => {
            out!("{} {} — {}", c.nomenclature.name, c.code.code, c.code.label);
            for (k, v) in c.nomenclature.columns.iter().zip(&c.code.values) {
                out!("  {k:<14} {v}");
            }
        }
        Record::Doc(d) => {
            out!("{}  ({})\n", d.title, d.path);
            out!("{}", d.text.trim());
        }
    }
}
