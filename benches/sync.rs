//! Benchmark of `hublot sync` (issue #4) on the real corpus (`../shared/corpus`), against the
//! peer anyone would reach for: `curl` fetching the same files from the same server, in the
//! same run.
//!
//! ```text
//! export CARGO_TARGET_DIR=$HOME/.cache/hublot-target
//! cargo bench --bench sync              # 3 runs (a few minutes)
//! cargo bench --bench sync -- --quick   # 1 run, for a smoke test
//! cargo bench --bench sync -- --runs 5  # more runs
//! ```
//!
//! schema-snds + a copy of documentation-snds are published with `snapshot build` into a
//! temporary directory and served by a small HTTP/1.1 server written here (keep-alive,
//! Content-Length, ETag / If-None-Match → 304, files read with `tokio::fs`): a server that
//! is not the bottleneck, so that the comparison is about the clients. Each run then measures a
//! full sync into a fresh data dir, curl fetching the same files, an unchanged re-sync, and a
//! one-file change (the copy's Markdown page edited, the snapshot republished, re-synced).
//!
//! The Markdown report goes to stdout (to paste into BENCHMARKS.md), progress to stderr. Only
//! outcomes are asserted (what was downloaded, how many requests, "up to date"), so that a
//! wrong figure is never reported; timings never are, since they depend on the machine's load.

mod common;

use hublot::ingest::snapshot_manifest::Manifest;
use hublot::sync::publish::build_snapshot;
use hublot::sync::{
    Phase, Progress, SnapshotBuildReport, SnapshotBuildRequest, SyncControl, SyncOutcome,
    SyncReport, SyncRequest,
};
use hublot::Hublot;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

type BoxError = Box<dyn std::error::Error>;
type BoxResult<T> = Result<T, BoxError>;

/// Hublot's default download concurrency (`SyncOptions::concurrency`), given to curl too so
/// that both clients keep the same number of transfers in flight.
const CONCURRENCY: usize = 4;

/// Where curl is expected; elsewhere the peer is skipped and the report says so.
const CURL: &str = "/usr/bin/curl";

const USAGE: &str = "usage: cargo bench --bench sync [-- --quick | --runs N]";

struct Config {
    quick: bool,
    runs: usize,
}

impl Config {
    fn from_args(args: &[String]) -> BoxResult<Config> {
        let mut quick = false;
        let mut runs = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--quick" => quick = true,
                "--runs" => {
                    let n: usize = it
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n > 0)
                        .ok_or("--runs needs a number ≥ 1")?;
                    runs = Some(n);
                }
                // `cargo bench` passes `--bench` to every bench binary.
                "--bench" => {}
                other => return Err(format!("unknown argument `{other}`; {USAGE}").into()),
            }
        }
        Ok(Config {
            quick,
            runs: runs.unwrap_or(if quick { 1 } else { 3 }),
        })
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = Config::from_args(&args).and_then(|cfg| run(&cfg)) {
        eprintln!("sync bench: {e}");
        std::process::exit(1);
    }
}

// ---------------------------------------------------------------------------------------------
// What one run measures.

/// Timings of the sync phases, from the progress events (first and last time each phase was
/// reported), to show where a full sync's fetch time goes.
#[derive(Default, Clone, Copy)]
struct Phases {
    /// `sync` called → first `manifest` event: settings, source parsing, HTTP client, runtime.
    setup: Duration,
    /// `manifest` → first `download` event: the manifest request, parsing, limits, plan.
    manifest: Duration,
    /// First → last `download` event: the downloads, hash checks and staging links.
    downloads: Duration,
    /// Last `download` → `build`: the network thread's end, mirror swap.
    handover: Duration,
}

struct FullSync {
    report: SyncReport,
    files: u64,
    bytes: u64,
    connections: u64,
    phases: Phases,
}

struct CurlRun {
    wall: Duration,
    /// SHA-256 of every file curl wrote, in process: the check curl does not do and Hublot
    /// does, for reading the ratio.
    hash: Duration,
    files: usize,
    bytes: u64,
    requests: u64,
    connections: u64,
}

#[derive(Clone)]
struct OneFile {
    republish: Duration,
    report: SyncReport,
    bytes: u64,
    page: String,
}

/// A Hublot kept open on its data dir. Field order matters: the Hublot closes its files before
/// the temporary directory is removed.
struct Session {
    hublot: Hublot,
    _dir: tempfile::TempDir,
}

fn run(cfg: &Config) -> BoxResult<()> {
    let corpus = common::corpus_dir(&["schema-snds", "documentation-snds"])?;
    let load_start = common::loadavg();
    let date = hublot::clock::now_rfc3339();
    let work = tempfile::Builder::new()
        .prefix("hublot-bench-sync-")
        .tempdir()?;

    // The one-file changes edit a page, code lists and a table schema, so the snapshot is
    // published from copies.
    common::progress("copying schema-snds and documentation-snds");
    let schema = work.path().join("schema-snds");
    copy_tree(&corpus.join("schema-snds"), &schema)?;
    let docs = work.path().join("documentation-snds");
    copy_tree(&corpus.join("documentation-snds"), &docs)?;
    let sources = vec![schema.clone(), docs.clone()];
    let out = work.path().join("published").join("snds");
    common::progress("publishing the snapshot (snapshot build)");
    let t = Instant::now();
    let published = publish(&sources, &out)?;
    let publish_time = t.elapsed();
    let manifest = Manifest::read(&out)?;
    let distinct = {
        let mut h: Vec<&str> = manifest.files.iter().map(|f| f.sha256.as_str()).collect();
        h.sort_unstable();
        h.dedup();
        h.len()
    };
    let total_bytes: u64 = manifest.files.iter().map(|f| f.size).sum();
    let manifest_bytes = std::fs::metadata(out.join("manifest.json"))?.len();
    // The page the one-file change edits: a documentation page, the commonest edit.
    let page = manifest
        .files
        .iter()
        .map(|f| f.path.as_str())
        .find(|p| p.starts_with("docs/") && p.ends_with(".md"))
        .ok_or("the published snapshot has no docs/*.md page to edit")?
        .to_string();

    let server = Server::start(out.clone())?;
    let url = server.base.clone();
    let curl = curl_version();
    match &curl {
        Ok(v) => common::progress(&format!("peer: {v}")),
        Err(why) => common::progress(&format!("peer skipped: {why}")),
    }

    let mut full: Vec<FullSync> = Vec::new();
    let mut curls: Vec<CurlRun> = Vec::new();
    let mut unchanged: Vec<(Duration, SyncReport)> = Vec::new();
    let mut one: Vec<OneFile> = Vec::new();
    let mut changed: Vec<(&str, bool, OneFile)> = Vec::new();
    for i in 0..cfg.runs {
        let n = format!("run {}/{}", i + 1, cfg.runs);
        // Alternating who goes first evens out what the first one pays for the other (page
        // cache, CPU frequency, other processes).
        let curl_first = i % 2 == 1;
        let manifest = Manifest::read(&out)?;
        if curl_first && curl.is_ok() {
            common::progress(&format!("{n}: curl"));
            curls.push(curl_fetch(&url, &manifest, &server)?);
        }
        common::progress(&format!("{n}: Hublot full sync (fresh data dir)"));
        let (f, session) = hublot_full(&url, &manifest, &server)?;
        full.push(f);
        if !curl_first && curl.is_ok() {
            common::progress(&format!("{n}: curl"));
            curls.push(curl_fetch(&url, &manifest, &server)?);
        }
        common::progress(&format!("{n}: unchanged re-sync"));
        unchanged.push(resync_unchanged(&session.hublot, &url, &server)?);
        // Full rebuilds first (the peer: the whole snapshot from the sources, as before issue
        // #12), then incremental ones: the first after a full build also splits the index
        // (code rows apart from the rest), so the page is changed twice; the others show the
        // steady state of successive syncs.
        let mut plan: Vec<(&Change, bool, &'static str)> = Vec::new();
        let all = changes(&page);
        for c in &all {
            plan.push((c, true, c.what));
        }
        plan.push((&all[0], false, FIRST));
        for c in &all {
            plan.push((c, false, c.what));
        }
        for (j, (change, full, label)) in plan.into_iter().enumerate() {
            let how = if full { "full" } else { "incremental" };
            common::progress(&format!("{n}: one-file change, {label}, {how}"));
            let o = one_file_change(
                &session.hublot,
                &url,
                &server,
                &sources,
                &out,
                change,
                &format!("{i}-{j}"),
                full,
            )?;
            if label == CHANGES[0] && !full {
                one.push(o.clone());
            }
            changed.push((label, full, o));
        }
    }

    // Report.
    let mut md = String::new();
    writeln!(md, "## Sync benchmark, {date}\n")?;
    writeln!(md, "- Machine: {}", common::machine())?;
    writeln!(
        md,
        "- Load average (1, 5, 15 min) at start: {load_start}; at end: {} (others were using the machine: figures are noisy)",
        common::loadavg()
    )?;
    if cfg.quick {
        writeln!(
            md,
            "- **Quick run** (`--quick`): one run, figures are indicative only."
        )?;
    }
    writeln!(
        md,
        "- Snapshot: `schema-snds` + `documentation-snds` from `{}`, published with `snapshot build` in {} — {} files ({} distinct contents), {}, manifest {}; {} tables, {} code lists, {} doc pages",
        corpus.display(),
        fmt_dur(publish_time),
        manifest.files.len(),
        distinct,
        mb(total_bytes),
        kb(manifest_bytes),
        published.tables,
        published.nomenclatures,
        published.docs
    )?;
    writeln!(
        md,
        "- Server: this bench's HTTP/1.1 server on 127.0.0.1 (tokio, 2 threads; keep-alive, Content-Length, ETag / If-None-Match → 304, files read with `tokio::fs`), the same for Hublot and curl"
    )?;
    writeln!(
        md,
        "- Hublot: `Hublot::sync` with the default options (concurrency {CONCURRENCY}), each full sync into a fresh data dir (opening it, which installs the bundled catalogue, is not timed)"
    )?;
    match &curl {
        Ok(v) => writeln!(
            md,
            "- Peer: {v}, `curl -sS --fail --parallel --parallel-max {CONCURRENCY} --create-dirs -K list` (the manifest and every file it lists, one `url`/`output` pair each), the whole process timed; curl and Hublot alternate which goes first"
        )?,
        Err(why) => writeln!(md, "- Peer: **skipped** — {why}")?,
    }
    writeln!(md, "- {} run(s); min and median over the runs\n", cfg.runs)?;

    writeln!(md, "### Full sync from a loopback server\n")?;
    writeln!(md, "| measure | runs | min | median | notes |")?;
    writeln!(md, "|---|---:|---:|---:|---|")?;
    let last = full.last().ok_or("no run")?;
    let mut pairs_line = None;
    let ms = |f: fn(&SyncReport) -> u64| -> Vec<Duration> {
        full.iter()
            .map(|s| Duration::from_millis(f(&s.report)))
            .collect()
    };
    row(
        &mut md,
        "Hublot full sync (`took_ms`)",
        &ms(|r| r.took_ms),
        &format!(
            "{} files, {} downloaded; {} requests over {} connections",
            last.files,
            mb(last.bytes),
            last.report.requests,
            last.connections
        ),
    )?;
    row(
        &mut md,
        "…fetch (`fetch_ms`: manifest, downloads, SHA-256 checks, staging)",
        &ms(|r| r.fetch_ms),
        "",
    )?;
    row(
        &mut md,
        "…build (`build_ms`: store + index, activation)",
        &ms(|r| r.build_ms),
        "",
    )?;
    let ph = |f: fn(&Phases) -> Duration| -> Vec<Duration> {
        full.iter().map(|s| f(&s.phases)).collect()
    };
    row(
        &mut md,
        "…of the fetch: setup before the manifest request",
        &ph(|p| p.setup),
        "from progress events",
    )?;
    row(
        &mut md,
        "…of the fetch: manifest request, parse, plan",
        &ph(|p| p.manifest),
        "",
    )?;
    row(
        &mut md,
        "…of the fetch: downloads (first to last `download` event)",
        &ph(|p| p.downloads),
        "",
    )?;
    row(
        &mut md,
        "…after the downloads, before the build",
        &ph(|p| p.handover),
        "",
    )?;
    if let Some(c) = curls.last() {
        let walls: Vec<Duration> = curls.iter().map(|c| c.wall).collect();
        row(
            &mut md,
            "curl, same files, same server (whole process)",
            &walls,
            &format!(
                "{} files, {}; {} requests over {} connections",
                c.files,
                mb(c.bytes),
                c.requests,
                c.connections
            ),
        )?;
        let hashes: Vec<Duration> = curls.iter().map(|c| c.hash).collect();
        row(
            &mut md,
            "(reference) SHA-256 of curl's files, one thread, in process",
            &hashes,
            "what Hublot checks and curl does not",
        )?;
        // Ratios are paired within a run (same load), never across runs.
        let fetch_ratio: Vec<f64> = full
            .iter()
            .zip(&curls)
            .map(|(h, c)| h.report.fetch_ms as f64 / 1e3 / c.wall.as_secs_f64())
            .collect();
        let dl_ratio: Vec<f64> = full
            .iter()
            .zip(&curls)
            .map(|(h, c)| h.phases.downloads.as_secs_f64() / c.wall.as_secs_f64())
            .collect();
        ratio_row(
            &mut md,
            "**ratio Hublot fetch / curl**",
            &fetch_ratio,
            "`fetch_ms` over curl's wall time, paired within each run",
        )?;
        ratio_row(&mut md, "ratio Hublot downloads only / curl", &dl_ratio, "")?;
        let pairs: Vec<String> = full
            .iter()
            .zip(&curls)
            .map(|(h, c)| {
                format!(
                    "{} / {}",
                    fmt_dur(Duration::from_millis(h.report.fetch_ms)),
                    fmt_dur(c.wall)
                )
            })
            .collect();
        pairs_line = Some(format!(
            "\nPer run, Hublot `fetch_ms` / curl: {} (in run order; the spread is the machine's load).\n",
            pairs.join(", ")
        ));
    } else {
        writeln!(md, "| curl | — | — | — | skipped: curl not found |")?;
    }

    if let Some(l) = pairs_line {
        write!(md, "{l}")?;
    }
    writeln!(md, "\n### Re-sync\n")?;
    writeln!(
        md,
        "| measure | target | runs | min | median | met (median) | outcome |"
    )?;
    writeln!(md, "|---|---|---:|---:|---:|---|---|")?;
    let u_took: Vec<Duration> = unchanged
        .iter()
        .map(|(_, r)| Duration::from_millis(r.took_ms))
        .collect();
    let u_wall: Vec<Duration> = unchanged.iter().map(|(w, _)| *w).collect();
    target_row(
        &mut md,
        "unchanged re-sync (`took_ms`)",
        Some(Duration::from_millis(200)),
        "≤ 200 ms",
        &u_took,
        "up to date; 1 request, answered 304",
    )?;
    target_row(
        &mut md,
        "…wall time of the `sync` call",
        None,
        "",
        &u_wall,
        "",
    )?;
    let o = one.last().ok_or("no run")?;
    let oms = |f: fn(&SyncReport) -> u64| -> Vec<Duration> {
        one.iter()
            .map(|s| Duration::from_millis(f(&s.report)))
            .collect()
    };
    target_row(
        &mut md,
        "one changed Markdown page: fetch (`fetch_ms`)",
        Some(Duration::from_secs(1)),
        "≤ 1 s plus rebuild",
        &oms(|r| r.fetch_ms),
        &format!(
            "{}; 1 file ({}) downloaded; {} requests (manifest + page)",
            o.report.outcome,
            kb(o.bytes),
            o.report.requests
        ),
    )?;
    target_row(
        &mut md,
        "…its rebuild (`build_ms`)",
        None,
        "",
        &oms(|r| r.build_ms),
        "",
    )?;
    target_row(
        &mut md,
        "…total (`took_ms`)",
        None,
        "",
        &oms(|r| r.took_ms),
        &format!("page edited: `{}`", o.page),
    )?;
    let republish: Vec<Duration> = one.iter().map(|s| s.republish).collect();
    target_row(
        &mut md,
        "(publisher side) `snapshot build` again after the edit",
        None,
        "",
        &republish,
        "not part of the sync",
    )?;

    writeln!(
        md,
        "\n### Rebuild after a one-file change: incremental against full\n"
    )?;
    writeln!(
        md,
        "Each change is synced twice per run: first rebuilt with `HUBLOT_REBUILD=full` (the whole snapshot rebuilt from the sources, as before issue #12), then, after all the full ones, incrementally from the active snapshot (the default). The first incremental rebuild after a full one deletes the non-code documents from the full build's single segment (read once for the statistics, not merged: `src/search/deleted.rs`; the rewritten ones then stay apart), so it is measured on its own line; the lines after it are successive syncs. Every sync fetches one changed file.\n"
    )?;
    writeln!(
        md,
        "| change | rebuild | target | runs | min | median | met (median) | outcome |"
    )?;
    writeln!(md, "|---|---|---|---:|---:|---:|---|---|")?;
    for what in std::iter::once(FIRST).chain(CHANGES) {
        for full in [false, true] {
            let runs: Vec<&OneFile> = changed
                .iter()
                .filter(|(w, f, _)| *w == what && *f == full)
                .map(|(_, _, o)| o)
                .collect();
            let Some(last) = runs.last() else { continue };
            let d = |f: fn(&SyncReport) -> u64| -> Vec<Duration> {
                runs.iter()
                    .map(|o| Duration::from_millis(f(&o.report)))
                    .collect()
            };
            let how = if full { "full" } else { "incremental" };
            let rebuilt = last
                .report
                .rebuilt
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default();
            target_row(
                &mut md,
                &format!("{what} | {how} (`took_ms`)"),
                (!full).then_some(Duration::from_secs(1)),
                if full { "" } else { "≤ 1 s" },
                &d(|r| r.took_ms),
                &format!("{}; rebuilt: {rebuilt}", last.report.outcome),
            )?;
            target_row(
                &mut md,
                &format!("{what} | …its rebuild (`build_ms`)"),
                None,
                "",
                &d(|r| r.build_ms),
                "",
            )?;
        }
    }
    writeln!(md, "\n### Rebuild\n")?;
    writeln!(md, "| measure | runs | min | median | notes |")?;
    writeln!(md, "|---|---:|---:|---:|---|")?;
    row(
        &mut md,
        "rebuild after a full sync (`build_ms`)",
        &ms(|r| r.build_ms),
        "everything new",
    )?;
    row(
        &mut md,
        "rebuild after a one-page change (`build_ms`)",
        &oms(|r| r.build_ms),
        "incremental: only what changed, from the active snapshot",
    )?;

    drop(server);
    print!("{md}");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The measurements.

fn publish(sources: &[PathBuf], out: &Path) -> BoxResult<SnapshotBuildReport> {
    let r = build_snapshot(&SnapshotBuildRequest {
        paths: sources.to_vec(),
        out: out.to_path_buf(),
        id: Some("snds-bench".into()),
        publisher: Some("hublot sync bench".into()),
        ..Default::default()
    })?;
    assert!(
        r.tables > 100 && r.docs > 100 && r.nomenclatures > 100,
        "the published corpus snapshot looks empty: {r:?}"
    );
    Ok(r)
}

fn sync_request(url: &str) -> SyncRequest {
    SyncRequest {
        sources: vec![url.to_string()],
        ..Default::default()
    }
}

fn hublot_full(url: &str, m: &Manifest, server: &Server) -> BoxResult<(FullSync, Session)> {
    let dir = tempfile::Builder::new()
        .prefix("hublot-bench-data-")
        .tempdir()?;
    let hublot = Hublot::open(Some(dir.path().to_path_buf()))?;
    let events: Arc<Mutex<Vec<(Phase, Instant, Instant)>>> = Arc::default();
    let ev = events.clone();
    let control = SyncControl {
        progress: Some(Arc::new(move |p: &Progress| {
            let now = Instant::now();
            let mut v = ev.lock().expect("progress events");
            match v.iter_mut().find(|(ph, _, _)| *ph == p.phase) {
                Some(e) => e.2 = now,
                None => v.push((p.phase, now, now)),
            }
        })),
        ..Default::default()
    };
    server.stats.take();
    let start = Instant::now();
    let report = hublot.sync_with(&sync_request(url), &control)?;
    let served = server.stats.take();

    let distinct = {
        let mut h: Vec<&str> = m.files.iter().map(|f| f.sha256.as_str()).collect();
        h.sort_unstable();
        h.dedup();
        h.len() as u64
    };
    let (files, bytes) = match report.outcome {
        SyncOutcome::Updated {
            added,
            removed,
            changed,
            downloaded_files,
            downloaded_bytes,
        } => {
            assert_eq!(
                (added, removed, changed),
                (m.files.len() as u64, 0, 0),
                "a first sync adds every file of the manifest"
            );
            assert!(
                downloaded_files > 0 && downloaded_files <= distinct,
                "a first sync downloads each distinct content once: {downloaded_files} of {distinct}"
            );
            (downloaded_files, downloaded_bytes)
        }
        ref o => panic!("a first sync into a fresh data dir must update, got {o:?}"),
    };
    assert_eq!(
        served.requests, report.requests,
        "the server and Hublot disagree on the number of requests"
    );
    assert_eq!(
        served.requests,
        files + 1,
        "a full sync sends one request per downloaded file, plus the manifest"
    );

    let ev = events.lock().expect("progress events");
    let at = |ph: Phase| ev.iter().find(|e| e.0 == ph).map(|e| (e.1, e.2));
    let (m0, _) = at(Phase::Manifest).ok_or("no `manifest` progress event")?;
    let (d0, d1) = at(Phase::Download).ok_or("no `download` progress event")?;
    let (b0, _) = at(Phase::Build).ok_or("no `build` progress event")?;
    let phases = Phases {
        setup: m0 - start,
        manifest: d0 - m0,
        downloads: d1 - d0,
        handover: b0 - d1,
    };
    drop(ev);
    Ok((
        FullSync {
            report,
            files,
            bytes,
            connections: served.connections,
            phases,
        },
        Session { hublot, _dir: dir },
    ))
}

fn resync_unchanged(h: &Hublot, url: &str, server: &Server) -> BoxResult<(Duration, SyncReport)> {
    server.stats.take();
    let t = Instant::now();
    let r = h.sync(&sync_request(url))?;
    let wall = t.elapsed();
    let served = server.stats.take();
    assert_eq!(
        r.outcome,
        SyncOutcome::UpToDate,
        "an unchanged re-sync must be up to date"
    );
    assert!(
        r.note.is_none(),
        "an unchanged re-sync must not rebuild or reactivate: {:?}",
        r.note
    );
    assert_eq!(
        (r.requests, served.requests, served.not_modified),
        (1, 1, 1),
        "an unchanged re-sync is one conditional request answered 304"
    );
    Ok((wall, r))
}

/// The first incremental rebuild after a full one (a page change).
const FIRST: &str = "one Markdown page, first incremental rebuild after a full one";

/// The kinds of one-file change measured.
const CHANGES: [&str; 4] = [
    "one Markdown page",
    "one small code-list CSV (IR_SPE_V, 57 rows)",
    "one large code-list CSV (IR_CIM_V, 18,000 rows)",
    "one table schema (ER_ARO_F)",
];

/// A one-file change: what it is and the file it edits (relative to the published snapshot).
struct Change {
    what: &'static str,
    file: String,
}

fn changes(page: &str) -> Vec<Change> {
    let files = [
        page.to_string(),
        "nomenclatures/ORAVAL/IR_SPE_V.csv".to_string(),
        "nomenclatures/ORAVAL/IR_CIM_V.csv".to_string(),
        "schemas/DCIR/ER_ARO_F.json".to_string(),
    ];
    CHANGES
        .iter()
        .zip(files)
        .map(|(what, file)| Change { what, file })
        .collect()
}

/// Edits the source file of `change` (a new line in a page, a new row in a code list, a changed
/// description in a table schema), different at every call.
fn edit(sources: &[PathBuf], change: &Change, tag: &str) -> BoxResult<()> {
    let (schema, docs) = (&sources[0], &sources[1]);
    let file = match change.file.strip_prefix("docs/") {
        Some(rel) => docs.join(rel),
        None => schema.join(&change.file),
    };
    let text =
        std::fs::read(&file).map_err(|e| format!("{}: {e} (the file to edit)", file.display()))?;
    let mut text = String::from_utf8_lossy(&text).into_owned();
    if change.file.ends_with(".md") {
        writeln!(
            text,
            "\n\nModification du banc d'essai de synchronisation {tag}."
        )?;
    } else if change.file.ends_with(".csv") {
        // A copy of the last row under a new code.
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let last = text.lines().last().ok_or("empty CSV")?.to_string();
        let rest = last.split_once(';').map(|x| x.1).unwrap_or("");
        writeln!(text, "ZZ{};{rest}", tag.replace(['-', ' '], ""))?;
    } else {
        let mut v: serde_json::Value = serde_json::from_str(&text)?;
        let d = &mut v["fields"][0]["description"];
        *d = format!("{} (modification {tag})", d.as_str().unwrap_or("")).into();
        text = serde_json::to_string_pretty(&v)?;
    }
    std::fs::write(&file, text).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn one_file_change(
    h: &Hublot,
    url: &str,
    server: &Server,
    sources: &[PathBuf],
    out: &Path,
    change: &Change,
    tag: &str,
    full: bool,
) -> BoxResult<OneFile> {
    edit(sources, change, tag)?;
    let t = Instant::now();
    publish(sources, out)?;
    let republish = t.elapsed();

    server.stats.take();
    if full {
        std::env::set_var("HUBLOT_REBUILD", "full");
    }
    let report = h.sync(&sync_request(url));
    std::env::remove_var("HUBLOT_REBUILD");
    let report = report?;
    let served = server.stats.take();
    let how = report.rebuilt.as_ref().map(|r| r.path.as_str());
    assert_eq!(
        how,
        Some(if full { "full" } else { "incremental" }),
        "the rebuild path: {:?}",
        report.rebuilt
    );
    assert_eq!(
        report.outcome.to_string(),
        "updated: +0 \u{2212}0 ~1",
        "editing one page changes exactly one file"
    );
    let bytes = match report.outcome {
        SyncOutcome::Updated {
            downloaded_files,
            downloaded_bytes,
            ..
        } => {
            assert_eq!(downloaded_files, 1, "only the edited file is downloaded");
            downloaded_bytes
        }
        _ => unreachable!("checked above"),
    };
    assert_eq!(
        (report.requests, served.requests),
        (2, 2),
        "a one-file change is the manifest and the file"
    );
    Ok(OneFile {
        republish,
        report,
        bytes,
        page: change.file.clone(),
    })
}

/// `curl --version`'s first line, or why curl cannot be used.
fn curl_version() -> Result<String, String> {
    if !Path::new(CURL).is_file() {
        return Err(format!("{CURL} not found (install curl to compare)"));
    }
    let out = Command::new(CURL)
        .arg("--version")
        .output()
        .map_err(|e| format!("{CURL} --version: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or("curl");
    // "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 …": the first two words say enough.
    Ok(first
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" "))
}

fn curl_fetch(url: &str, m: &Manifest, server: &Server) -> BoxResult<CurlRun> {
    let tmp = tempfile::Builder::new()
        .prefix("hublot-bench-curl-")
        .tempdir()?;
    let dest = tmp.path().join("out");
    let mut paths: Vec<(&str, Option<(u64, &str)>)> = vec![("manifest.json", None)];
    paths.extend(
        m.files
            .iter()
            .map(|f| (f.path.as_str(), Some((f.size, f.sha256.as_str())))),
    );
    // A config file, since ~1,500 URLs and outputs would be too long a command line.
    let mut list = String::new();
    for (p, _) in &paths {
        writeln!(list, "url = \"{}{}\"", url, encode_path(p))?;
        writeln!(
            list,
            "output = \"{}\"",
            curl_quote(&dest.join(p).to_string_lossy())
        )?;
    }
    let cfg = tmp.path().join("list.curl");
    std::fs::write(&cfg, list)?;

    server.stats.take();
    let t = Instant::now();
    let out = Command::new(CURL)
        .args(["-sS", "--fail", "--parallel", "--parallel-max"])
        .arg(CONCURRENCY.to_string())
        .arg("--create-dirs")
        .arg("-K")
        .arg(&cfg)
        .stdin(Stdio::null())
        .output()?;
    let wall = t.elapsed();
    let served = server.stats.take();
    if !out.status.success() {
        return Err(format!(
            "curl failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }

    let t = Instant::now();
    let mut bytes = 0;
    for (p, want) in &paths {
        let f = dest.join(p);
        let len = std::fs::metadata(&f)
            .map_err(|e| format!("curl did not write {}: {e}", f.display()))?
            .len();
        bytes += len;
        if let Some((size, sha)) = want {
            assert_eq!(len, *size, "{p}: curl wrote a file of the wrong size");
            assert_eq!(
                hublot::sync::http::sha256_file(&f)?,
                *sha,
                "{p}: curl wrote different bytes"
            );
        }
    }
    let hash = t.elapsed();
    assert_eq!(
        served.requests as usize,
        paths.len(),
        "curl sends one request per file"
    );
    Ok(CurlRun {
        wall,
        hash,
        files: paths.len(),
        bytes,
        requests: served.requests,
        connections: served.connections,
    })
}

/// Percent-encodes a manifest path for a URL (its pages have spaces and accents), keeping `/`.
fn encode_path(p: &str) -> String {
    let mut s = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// A string inside double quotes in a curl config file, where `\` escapes.
fn curl_quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

// ---------------------------------------------------------------------------------------------
// The server: static files under `/snap/`, HTTP/1.1 with keep-alive.

#[derive(Default)]
struct Stats {
    connections: AtomicU64,
    requests: AtomicU64,
    not_modified: AtomicU64,
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    connections: u64,
    requests: u64,
    not_modified: u64,
}

impl Stats {
    /// The counts since the last call.
    fn take(&self) -> Counts {
        Counts {
            connections: self.connections.swap(0, Ordering::SeqCst),
            requests: self.requests.swap(0, Ordering::SeqCst),
            not_modified: self.not_modified.swap(0, Ordering::SeqCst),
        }
    }
}

struct Server {
    base: String,
    stats: Arc<Stats>,
    /// Dropping the runtime stops the server.
    _rt: tokio::runtime::Runtime,
}

/// Largest request head accepted; the clients here send a few hundred bytes.
const MAX_HEAD: usize = 64 << 10;

impl Server {
    fn start(root: PathBuf) -> BoxResult<Server> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bench-http")
            .enable_all()
            .build()?;
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(Stats::default());
        let st = stats.clone();
        let root = Arc::new(root);
        rt.spawn(async move {
            loop {
                let sock = match listener.accept().await {
                    Ok((sock, _)) => sock,
                    Err(e) => {
                        eprintln!("[bench] server: accept: {e}");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                st.connections.fetch_add(1, Ordering::SeqCst);
                let (root, st) = (root.clone(), st.clone());
                tokio::spawn(async move {
                    // A client that goes away mid-response is not the bench's concern.
                    let _ = serve_connection(sock, &root, &st).await;
                });
            }
        });
        Ok(Server {
            base: format!("http://{addr}/snap/"),
            stats,
            _rt: rt,
        })
    }
}

struct Request {
    method: String,
    target: String,
    keep_alive: bool,
    if_none_match: Option<String>,
    has_body: bool,
}

fn parse_request(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target, version) = (first.next()?, first.next()?, first.next()?);
    let mut connection = String::new();
    let mut if_none_match = None;
    let mut has_body = false;
    for l in lines.filter(|l| !l.is_empty()) {
        let (k, v) = l.split_once(':')?;
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "connection" => connection = v.to_ascii_lowercase(),
            "if-none-match" => if_none_match = Some(v.to_string()),
            "content-length" => has_body = v != "0",
            "transfer-encoding" => has_body = true,
            _ => {}
        }
    }
    let has = |t: &str| connection.split(',').any(|c| c.trim() == t);
    let keep_alive = match version {
        "HTTP/1.1" => !has("close"),
        "HTTP/1.0" => has("keep-alive"),
        _ => return None,
    };
    Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
        if_none_match,
        has_body,
    })
}

async fn serve_connection(
    mut sock: tokio::net::TcpStream,
    root: &Path,
    st: &Stats,
) -> std::io::Result<()> {
    // The head and the body go out in two writes: without this, Nagle's algorithm holds the
    // body back until the client's delayed ACK, ~40 ms per response on a kept-alive connection.
    sock.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        let end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            if buf.len() > MAX_HEAD {
                return simple(&mut sock, 431, "Request Header Fields Too Large").await;
            }
            let n = sock.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        // Pipelined requests stay in `buf` for the next turn.
        let head: Vec<u8> = buf.drain(..end).collect();
        st.requests.fetch_add(1, Ordering::SeqCst);
        let Some(req) = std::str::from_utf8(&head).ok().and_then(parse_request) else {
            return simple(&mut sock, 400, "Bad Request").await;
        };
        if req.has_body {
            // Only GET and HEAD are served; a body would have to be skipped to stay in sync.
            return simple(&mut sock, 400, "Bad Request").await;
        }
        respond(&mut sock, &req, root, st).await?;
        if !req.keep_alive {
            return sock.shutdown().await;
        }
    }
}

/// An error answer, after which the connection is closed.
async fn simple(
    sock: &mut tokio::net::TcpStream,
    status: u16,
    reason: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reason}",
        reason.len()
    );
    sock.write_all(head.as_bytes()).await?;
    sock.shutdown().await
}

async fn respond(
    sock: &mut tokio::net::TcpStream,
    req: &Request,
    root: &Path,
    st: &Stats,
) -> std::io::Result<()> {
    let close = if req.keep_alive {
        ""
    } else {
        "Connection: close\r\n"
    };
    let get = req.method == "GET";
    if !get && req.method != "HEAD" {
        let head = format!(
            "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Length: 0\r\n{close}\r\n"
        );
        return sock.write_all(head.as_bytes()).await;
    }
    let file = resolve(root, &req.target);
    let meta = match &file {
        Some(f) => tokio::fs::metadata(f).await.ok().filter(|m| m.is_file()),
        None => None,
    };
    let (Some(file), Some(meta)) = (file, meta) else {
        let head = format!("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n{close}\r\n");
        return sock.write_all(head.as_bytes()).await;
    };
    // As nginx does: modification time and size, so that nothing is hashed per request.
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let etag = format!("\"{mtime:x}-{:x}\"", meta.len());
    let matches = req.if_none_match.as_deref().is_some_and(|v| {
        v.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag)
    });
    if matches {
        st.not_modified.fetch_add(1, Ordering::SeqCst);
        let head = format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n{close}\r\n");
        return sock.write_all(head.as_bytes()).await;
    }
    let body = if get {
        match tokio::fs::read(&file).await {
            Ok(b) => Some(b),
            Err(_) => {
                let head = format!(
                    "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n{close}\r\n"
                );
                return sock.write_all(head.as_bytes()).await;
            }
        }
    } else {
        None
    };
    let len = body.as_ref().map_or(meta.len(), |b| b.len() as u64);
    let ctype = match file.extension().and_then(|e| e.to_str()) {
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        _ => "application/octet-stream",
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len}\r\nETag: {etag}\r\n{close}\r\n"
    );
    sock.write_all(head.as_bytes()).await?;
    if let Some(b) = body {
        sock.write_all(&b).await?;
    }
    Ok(())
}

/// The file a request target names under `/snap/`, or `None` for anything that would leave
/// `root` or is not a plain relative path.
fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let rel = percent_decode(path.strip_prefix("/snap/")?)?;
    let mut out = root.to_path_buf();
    for c in rel.split('/') {
        if c.is_empty() || c == "." || c == ".." || c.contains(['\\', '\0']) {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn copy_tree(from: &Path, to: &Path) -> BoxResult<()> {
    for e in walkdir::WalkDir::new(from) {
        let e = e?;
        let dest = to.join(e.path().strip_prefix(from)?);
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).map_err(|x| format!("{}: {x}", dest.display()))?;
        } else {
            std::fs::copy(e.path(), &dest).map_err(|x| format!("{}: {x}", e.path().display()))?;
        }
    }
    Ok(())
}

fn row(md: &mut String, label: &str, v: &[Duration], notes: &str) -> BoxResult<()> {
    writeln!(
        md,
        "| {label} | {} | {} | {} | {notes} |",
        v.len(),
        fmt_dur(common::min(v)),
        fmt_dur(common::median(v))
    )?;
    Ok(())
}

fn ratio_row(md: &mut String, label: &str, v: &[f64], notes: &str) -> BoxResult<()> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let med = s.get(s.len().saturating_sub(1) / 2).copied().unwrap_or(0.0);
    writeln!(
        md,
        "| {label} | {} | {:.2} | {med:.2} | {notes} |",
        v.len(),
        s.first().copied().unwrap_or(0.0)
    )?;
    Ok(())
}

fn target_row(
    md: &mut String,
    label: &str,
    target: Option<Duration>,
    target_text: &str,
    v: &[Duration],
    outcome: &str,
) -> BoxResult<()> {
    let med = common::median(v);
    let met = match target {
        Some(t) if med <= t => "yes",
        Some(_) => "**no**",
        None => "",
    };
    writeln!(
        md,
        "| {label} | {target_text} | {} | {} | {} | {met} | {outcome} |",
        v.len(),
        fmt_dur(common::min(v)),
        fmt_dur(med)
    )?;
    Ok(())
}

fn fmt_dur(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1e3;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1e3)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn mb(b: u64) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

fn kb(b: u64) -> String {
    format!("{:.1} kB", b as f64 / 1e3)
}
