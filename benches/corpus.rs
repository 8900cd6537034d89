//! Benchmark of Hublot on the real corpus (`../shared/corpus`), against the peer a Datasette
//! user would build from the same data: one SQLite FTS5 table, bm25 ranking.
//!
//! ```text
//! export CARGO_TARGET_DIR=$HOME/.cache/hublot-target
//! cargo bench --bench corpus              # full run (a few minutes)
//! cargo bench --bench corpus -- --quick   # one pass, fewer repetitions, for a smoke test
//! cargo bench --bench corpus -- --tsv /tmp/cases.tsv   # also every case's timings
//! ```
//!
//! The Markdown report goes to stdout (to paste into BENCHMARKS.md), progress to stderr. Only
//! correctness is asserted (an unchanged re-import is reported unchanged, counts are not zero);
//! timings are reported, never asserted, because they depend on the machine and its load.
//!
//! The binary re-executes itself (`--child-…` arguments) to measure peak memory in a fresh
//! process: the peak RSS of this process would otherwise include every earlier step.

mod common;
#[path = "../tests/common/fts_peer.rs"]
mod fts_peer;

use hublot::{Hublot, ImportReport, ImportRequest, SearchRequest};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error>;
type BoxResult<T> = Result<T, BoxError>;

/// Child mode: open a fresh data dir, import the given paths, print peak memory.
const CHILD_IMPORT: &str = "--child-import-peak";
/// Child mode: open an existing data dir, run the relevance queries, print peak memory.
const CHILD_SEARCH: &str = "--child-search-peak";

/// Repetitions; `--quick` trades precision for a run short enough to check the bench works.
/// `--tsv PATH` also writes every case's timings, for profiling one query at a time.
struct Config {
    quick: bool,
    import_runs: usize,
    reimport_runs: usize,
    search_runs: usize,
    fts_builds: usize,
    tsv: Option<PathBuf>,
}

impl Config {
    fn from_args(args: &[String]) -> BoxResult<Config> {
        let quick = args.iter().any(|a| a == "--quick");
        let tsv = match args.iter().position(|a| a == "--tsv") {
            Some(i) => Some(PathBuf::from(
                args.get(i + 1).ok_or("--tsv needs a file path")?,
            )),
            None => None,
        };
        let (import_runs, reimport_runs, search_runs, fts_builds) =
            if quick { (1, 3, 3, 1) } else { (3, 10, 20, 3) };
        Ok(Config {
            quick,
            import_runs,
            reimport_runs,
            search_runs,
            fts_builds,
            tsv,
        })
    }
}

/// One query of `tests/relevance/queries.json`.
#[derive(Debug, Clone, Deserialize)]
struct RelQuery {
    query: String,
    category: String,
    expect: Vec<String>,
    within: usize,
    kind: Option<String>,
}

/// Something to search for: a full query, or a prefix of one as typed.
struct Case {
    text: String,
    kind: Option<String>,
    /// Index in the query list of the query this is (a prefix of).
    query: usize,
    full: bool,
}

/// A hit reduced to what relevance needs: its id, plus the ids it stands for when Hublot
/// collapsed a variable name present in several tables into one hit.
#[derive(Debug, Clone)]
struct Hit {
    id: String,
    also: Vec<String>,
}

/// Timings (ms) of every case, and the hits of each case's first run.
struct Measured {
    ms: Vec<Vec<f64>>,
    hits: Vec<Vec<Hit>>,
    errors: Vec<(String, String)>,
}

fn main() {
    // The cases are repeated: with Hublot's answer cache on, every timed search but the first
    // would be a look-up. Off unless asked for (`HUBLOT_SEARCH_CACHE=on`), and said in the report.
    if std::env::var_os("HUBLOT_SEARCH_CACHE").is_none() {
        std::env::set_var("HUBLOT_SEARCH_CACHE", "off");
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if let Some(i) = args.iter().position(|a| a == CHILD_IMPORT) {
        child_import(&args[i + 1..])
    } else if let Some(i) = args.iter().position(|a| a == CHILD_SEARCH) {
        child_search(&args[i + 1..])
    } else {
        Config::from_args(&args).and_then(|cfg| run(&cfg))
    };
    if let Err(e) = result {
        eprintln!("corpus bench: {e}");
        std::process::exit(1);
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_queries() -> BoxResult<Vec<RelQuery>> {
    let path = crate_dir().join("tests/relevance/queries.json");
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let qs: Vec<RelQuery> =
        serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    if qs.is_empty() {
        return Err(format!("{}: no queries", path.display()).into());
    }
    Ok(qs)
}

fn run(cfg: &Config) -> BoxResult<()> {
    let corpus = common::corpus_dir(&["schema-snds", "documentation-snds", "synthetic-snds"])?;
    let queries = load_queries()?;
    let schema = corpus.join("schema-snds");
    let docs = corpus.join("documentation-snds");
    let synthetic = corpus.join("synthetic-snds");
    let paths_a = vec![schema.clone(), docs.clone()];
    let paths_b = vec![schema, docs, synthetic];
    let load_start = common::loadavg();
    let mut md = String::new();

    // 1. Import timings, each run in a fresh data dir. `Hublot::open` of an empty dir installs
    // the bundled catalogue (itself an import): it is done first and not timed.
    common::progress("import (a) schema-snds + documentation-snds");
    let (times_a, rep_a, _) = time_imports(&paths_a, cfg.import_runs)?;
    common::progress("import (b) schema-snds + documentation-snds + synthetic-snds");
    let (times_b, rep_b, kept) = time_imports(&paths_b, cfg.import_runs)?;
    // Kept whole (not destructured) so that the Hublot is dropped before its directory.
    let hublot = &kept.hublot;
    let data_dir = &kept.dir;
    common::progress("unchanged re-import of (b)");
    let mut times_c = Vec::new();
    for _ in 0..cfg.reimport_runs {
        let t = Instant::now();
        let r = hublot.import(&ImportRequest {
            paths: paths_b.clone(),
            force: false,
        })?;
        times_c.push(t.elapsed());
        assert!(
            r.unchanged,
            "re-importing the same unchanged paths must report `unchanged: true`"
        );
        assert_eq!(
            r.snapshot, rep_b.snapshot,
            "an unchanged re-import must keep the same snapshot"
        );
    }

    // 2. Peak memory, each in a fresh process so that nothing else counts.
    common::progress("peak memory (child processes)");
    let mem_a = child_peak(CHILD_IMPORT, None, &paths_a)?;
    let mem_b = child_peak(CHILD_IMPORT, None, &paths_b)?;
    let mem_s = child_peak(CHILD_SEARCH, Some(data_dir.path()), &[])?;

    // 3. Search latency and hits, on the (b) snapshot.
    let cases = make_cases(&queries);
    common::progress(&format!(
        "Hublot search: {} cases × {} runs",
        cases.len(),
        cfg.search_runs
    ));
    // The same snapshot without the synonym layer (`HUBLOT_SEARCH_LAYER=off`, read when the
    // index is opened): what the search answered before the layer, in the same run. Measured
    // first, so that the layer is not the one that finds the caches warm.
    std::env::set_var("HUBLOT_SEARCH_LAYER", "off");
    let bare = Hublot::open(Some(data_dir.path().to_path_buf()))?;
    std::env::remove_var("HUBLOT_SEARCH_LAYER");
    let hub0 = measure(&cases, cfg.search_runs, |c| {
        let req = SearchRequest {
            q: c.text.clone(),
            kind: c.kind.clone(),
            ..Default::default()
        };
        bare.search(&req)
            .map(hublot_hits)
            .map_err(|e| e.to_string())
    });
    drop(bare);
    let hub = measure(&cases, cfg.search_runs, |c| {
        let req = SearchRequest {
            q: c.text.clone(),
            kind: c.kind.clone(),
            ..Default::default()
        };
        hublot
            .search(&req)
            .map(hublot_hits)
            .map_err(|e| e.to_string())
    });

    // 4. The peer: FTS5 built from the same sources (read by our reader).
    let fts_dir = tempfile::tempdir()?;
    let mut fts_times = Vec::new();
    let mut fts_path = PathBuf::new();
    let mut fts_rows = 0;
    for i in 0..cfg.fts_builds {
        common::progress(&format!("FTS5 peer build {}/{}", i + 1, cfg.fts_builds));
        fts_path = fts_dir.path().join(format!("peer-{i}.sqlite"));
        let (t, rows) = build_fts(&paths_b, &fts_path)?;
        fts_times.push(t);
        fts_rows = rows;
    }
    let conn = rusqlite::Connection::open_with_flags(
        &fts_path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    common::progress("FTS5 AND search");
    let fts_and = measure(&cases, cfg.search_runs, |c| fts_search(&conn, c, false));
    common::progress("FTS5 OR search");
    let fts_or = measure(&cases, cfg.search_runs, |c| fts_search(&conn, c, true));

    // 5. Report.
    let snap_dir = data_dir.path().join("snapshots").join(&rep_b.snapshot);
    let s = &rep_b.stats;
    writeln!(
        md,
        "## Corpus benchmark, {}\n",
        hublot::clock::now_rfc3339()
    )?;
    writeln!(md, "- Machine: {}", common::machine())?;
    writeln!(
        md,
        "- Load average (1, 5, 15 min) at start: {load_start}; at end: {}",
        common::loadavg()
    )?;
    if cfg.quick {
        writeln!(
            md,
            "- **Quick run** (`--quick`): fewer repetitions, figures are indicative only."
        )?;
    }
    writeln!(md, "- Corpus: `{}`", corpus.display())?;
    writeln!(
        md,
        "- Snapshot (b): {} bases, {} tables, {} variables, {} code lists, {} code rows, {} doc pages, {} synthetic rows ((a): {} code rows, {} sample rows)",
        s.bases, s.tables, s.variables, s.nomenclatures, s.codes, s.docs, s.sample_rows, rep_a.stats.codes, rep_a.stats.sample_rows
    )?;
    writeln!(
        md,
        "- Hublot's answer cache: {}",
        if std::env::var("HUBLOT_SEARCH_CACHE").as_deref() == Ok("off") {
            "off (`HUBLOT_SEARCH_CACHE=off`, the default of this bench): every run of a case is searched"
        } else {
            "**on** (`HUBLOT_SEARCH_CACHE=on`): every run of a case after the warm-up is answered from it"
        }
    )?;
    writeln!(md, "- Search cases: {} full queries + {} prefixes (every prefix of ≥ 2 characters, as typed), each run {} times after 1 warm-up\n",
        queries.len(), cases.len() - queries.len(), cfg.search_runs)?;

    writeln!(
        md,
        "### Import (wall time of `Hublot::import`, fresh data dir)\n"
    )?;
    writeln!(md, "| import | runs | min | median |")?;
    writeln!(md, "|---|---:|---:|---:|")?;
    for (label, t) in [
        ("(a) schema-snds + documentation-snds", &times_a),
        (
            "(b) schema-snds + documentation-snds + synthetic-snds",
            &times_b,
        ),
        (
            "(c) unchanged re-import of (b) (`unchanged: true`)",
            &times_c,
        ),
    ] {
        writeln!(
            md,
            "| {label} | {} | {} | {} |",
            t.len(),
            fmt_dur(common::min(t)),
            fmt_dur(common::median(t))
        )?;
    }

    writeln!(md, "\n### Peak memory (VmHWM of a fresh process)\n")?;
    writeln!(md, "| process | after `Hublot::open` | peak |")?;
    writeln!(md, "|---|---:|---:|")?;
    writeln!(
        md,
        "| import (a): open an empty dir (installs the bundled catalogue), then import | {} | {} |",
        mib(mem_a.0),
        mib(mem_a.1)
    )?;
    writeln!(
        md,
        "| import (b): same, with synthetic-snds | {} | {} |",
        mib(mem_b.0),
        mib(mem_b.1)
    )?;
    writeln!(
        md,
        "| search: open the (b) data dir, run the {} full queries once | {} | {} |",
        queries.len(),
        mib(mem_s.0),
        mib(mem_s.1)
    )?;

    writeln!(md, "\n### Disk\n")?;
    writeln!(md, "| what | size |")?;
    writeln!(md, "|---|---:|")?;
    for (label, p) in [
        ("Hublot snapshot (b), total", snap_dir.clone()),
        ("…of which tantivy index", snap_dir.join("index")),
        (
            "…of which catalogue.sqlite",
            snap_dir.join("catalogue.sqlite"),
        ),
        ("…of which samples.sqlite", snap_dir.join("samples.sqlite")),
        ("FTS5 peer database", fts_path.clone()),
    ] {
        writeln!(md, "| {label} | {} |", mib_bytes(disk_size(&p)))?;
    }

    writeln!(md, "\n### Search latency (in process, ms)\n")?;
    writeln!(
        md,
        "| engine | cases | searches | p50 | p90 | p99 | max | errors |"
    )?;
    writeln!(md, "|---|---|---:|---:|---:|---:|---:|---:|")?;
    for (name, m) in [
        ("Hublot", &hub),
        ("Hublot without the synonym layer", &hub0),
        ("FTS5 AND", &fts_and),
        ("FTS5 OR", &fts_or),
    ] {
        for (scope, full_only) in [("full queries", true), ("full + prefixes", false)] {
            let mut all: Vec<f64> = cases
                .iter()
                .zip(&m.ms)
                .filter(|(c, _)| c.full || !full_only)
                .flat_map(|(_, v)| v.iter().copied())
                .collect();
            all.sort_by(f64::total_cmp);
            writeln!(
                md,
                "| {name} | {scope} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {} |",
                all.len(),
                pct(&all, 50.0),
                pct(&all, 90.0),
                pct(&all, 99.0),
                all.last().copied().unwrap_or(0.0),
                m.errors.len()
            )?;
        }
    }
    for (title, full_only) in [
        ("Slowest cases, full queries and prefixes", false),
        ("Slowest full queries", true),
    ] {
        writeln!(
            md,
            "\n{title} (top 5 per engine, by median over the runs):\n"
        )?;
        writeln!(
            md,
            "| engine | query as typed | kind | median ms | max ms |"
        )?;
        writeln!(md, "|---|---|---|---:|---:|")?;
        for (name, m) in [
            ("Hublot", &hub),
            ("Hublot without the synonym layer", &hub0),
            ("FTS5 AND", &fts_and),
            ("FTS5 OR", &fts_or),
        ] {
            let mut per: Vec<(f64, f64, &Case)> = cases
                .iter()
                .zip(&m.ms)
                .filter(|(c, _)| c.full || !full_only)
                .map(|(c, v)| {
                    let mut v = v.clone();
                    v.sort_by(f64::total_cmp);
                    (pct(&v, 50.0), v.last().copied().unwrap_or(0.0), c)
                })
                .collect();
            per.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (med, max, c) in per.iter().take(5) {
                // A prefix is shown with the query it was typed towards.
                let shown = if c.full {
                    format!("`{}`", c.text)
                } else {
                    format!("`{}` (typing `{}`)", c.text, queries[c.query].query)
                };
                writeln!(
                    md,
                    "| {name} | {shown} | {} | {med:.3} | {max:.3} |",
                    c.kind.as_deref().unwrap_or("any")
                )?;
            }
        }
    }
    for (name, m) in [
        ("Hublot", &hub),
        ("Hublot without the synonym layer", &hub0),
        ("FTS5 AND", &fts_and),
        ("FTS5 OR", &fts_or),
    ] {
        for (q, e) in m.errors.iter().take(10) {
            writeln!(md, "\n- {name} error on `{q}`: {e}")?;
        }
    }

    writeln!(
        md,
        "\n### Relevance (share of queries with an expected id within the first `within` hits)\n"
    )?;
    let rel = |m: &Measured| -> BTreeMap<String, (usize, usize)> {
        let mut by: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (i, q) in queries.iter().enumerate() {
            let ok = found(q, &m.hits[i]);
            for key in [q.category.clone(), "**all**".to_string()] {
                let e = by.entry(key).or_default();
                e.0 += ok as usize;
                e.1 += 1;
            }
        }
        by
    };
    let (rh, r0, ra, ro) = (rel(&hub), rel(&hub0), rel(&fts_and), rel(&fts_or));
    writeln!(
        md,
        "| category | queries | Hublot | Hublot without the synonym layer | FTS5 AND | FTS5 OR |"
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|")?;
    let mut cats: Vec<&String> = rh.keys().filter(|k| !k.starts_with('*')).collect();
    cats.push(rh.keys().find(|k| k.starts_with('*')).ok_or("no queries")?);
    for c in cats {
        let n = rh[c].1;
        writeln!(
            md,
            "| {c} | {n} | {} | {} | {} | {} |",
            share(rh[c]),
            share(r0[c]),
            share(ra[c]),
            share(ro[c])
        )?;
    }
    // FTS5 is the floor of every category: name the categories where Hublot finds fewer.
    let below: Vec<String> = rh
        .iter()
        .filter(|(c, h)| h.0 < ra[*c].0.max(ro[*c].0))
        .map(|(c, h)| format!("{c} ({} < {})", h.0, ra[c].0.max(ro[c].0)))
        .collect();
    if below.is_empty() {
        writeln!(
            md,
            "\nFTS5 floor: Hublot finds at least as many as FTS5 (AND and OR) in every category."
        )?;
    } else {
        writeln!(md, "\n**Below the FTS5 floor**: {}", below.join(", "))?;
    }
    let failures: Vec<(usize, &RelQuery)> = queries
        .iter()
        .enumerate()
        .filter(|(i, q)| !found(q, &hub.hits[*i]))
        .collect();
    writeln!(md, "\nHublot failures ({}):\n", failures.len())?;
    if !failures.is_empty() {
        writeln!(
            md,
            "| query | kind | within | expected (any of) | top 5 got |"
        )?;
        writeln!(md, "|---|---|---:|---|---|")?;
        for (i, q) in failures {
            let got: Vec<String> = hub.hits[i]
                .iter()
                .take(5)
                .map(|h| format!("`{}`", h.id))
                .collect();
            let exp: Vec<String> = q.expect.iter().map(|e| format!("`{e}`")).collect();
            writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                q.query,
                q.kind.as_deref().unwrap_or("any"),
                q.within,
                exp.join(" "),
                if got.is_empty() {
                    "(nothing)".to_string()
                } else {
                    got.join(" ")
                }
            )?;
        }
    }

    writeln!(
        md,
        "\n### The peer: SQLite FTS5 (`unicode61 remove_diacritics 2`, bm25 via `ORDER BY rank`)\n"
    )?;
    writeln!(
        md,
        "| build of the same sources as (b) | runs | min | median | rows |"
    )?;
    writeln!(md, "|---|---:|---:|---:|---:|")?;
    let reads: Vec<Duration> = fts_times.iter().map(|t| t.0).collect();
    let inserts: Vec<Duration> = fts_times.iter().map(|t| t.1).collect();
    let totals: Vec<Duration> = fts_times.iter().map(|t| t.0 + t.1).collect();
    let n = fts_times.len();
    writeln!(
        md,
        "| Hublot's reader (`ingest::read_sources`: table schemas, doc pages) | {n} | {} | {} | |",
        fmt_dur(common::min(&reads)),
        fmt_dur(common::median(&reads))
    )?;
    writeln!(md, "| FTS5 inserts in one transaction (code-list CSVs parsed as they stream) | {n} | {} | {} | {fts_rows} |", fmt_dur(common::min(&inserts)), fmt_dur(common::median(&inserts)))?;
    writeln!(
        md,
        "| total | {n} | {} | {} | |",
        fmt_dur(common::min(&totals)),
        fmt_dur(common::median(&totals))
    )?;
    writeln!(
        md,
        "\nQueries as Datasette's `?_search=` writes them: each whitespace-separated word double-quoted, joined by spaces (AND) \
         or by ` OR `; `SELECT id FROM search WHERE search MATCH ? [AND kind = ?] ORDER BY rank LIMIT 20`. \
         No prefix search (Datasette adds no `*`). Hublot's latency includes its facet counts and total; the peer's does not count."
    )?;

    if let Some(path) = &cfg.tsv {
        write_tsv(
            path,
            &cases,
            &[
                ("hublot", &hub),
                ("fts5-and", &fts_and),
                ("fts5-or", &fts_or),
            ],
        )?;
        common::progress(&format!("per-case timings written to {}", path.display()));
    }
    print!("{md}");
    Ok(())
}

/// A Hublot kept open on its data dir. Field order matters: the Hublot closes its files before
/// the temporary directory is removed.
struct Kept {
    hublot: Hublot,
    dir: tempfile::TempDir,
}

/// Imports `paths` into `runs` fresh data dirs; returns the wall times, the last report and
/// the last Hublot, still open.
fn time_imports(paths: &[PathBuf], runs: usize) -> BoxResult<(Vec<Duration>, ImportReport, Kept)> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let dir = tempfile::tempdir()?;
        let hublot = Hublot::open(Some(dir.path().to_path_buf()))?;
        let t = Instant::now();
        let rep = hublot.import(&ImportRequest {
            paths: paths.to_vec(),
            force: false,
        })?;
        times.push(t.elapsed());
        assert!(
            !rep.unchanged,
            "a first import into a fresh data dir cannot be unchanged"
        );
        let s = &rep.stats;
        assert!(
            s.tables > 0 && s.variables > 0 && s.nomenclatures > 0 && s.codes > 0 && s.docs > 0,
            "the corpus import produced empty counts: {s:?}"
        );
        last = Some((rep, Kept { hublot, dir }));
    }
    let (rep, kept) = last.ok_or("no import run")?;
    Ok((times, rep, kept))
}

fn make_cases(queries: &[RelQuery]) -> Vec<Case> {
    // Full queries first, so that `Measured::hits[i]` is the answer to `queries[i]`.
    let mut cases: Vec<Case> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| Case {
            text: q.query.clone(),
            kind: q.kind.clone(),
            query: i,
            full: true,
        })
        .collect();
    for (i, q) in queries.iter().enumerate() {
        let chars: Vec<char> = q.query.chars().collect();
        for n in 2..chars.len() {
            cases.push(Case {
                text: chars[..n].iter().collect(),
                kind: q.kind.clone(),
                query: i,
                full: false,
            });
        }
    }
    cases
}

/// Runs every case once to warm up (keeping its hits), then `runs` timed times.
fn measure(
    cases: &[Case],
    runs: usize,
    mut search: impl FnMut(&Case) -> Result<Vec<Hit>, String>,
) -> Measured {
    let mut m = Measured {
        ms: Vec::with_capacity(cases.len()),
        hits: Vec::with_capacity(cases.len()),
        errors: Vec::new(),
    };
    for c in cases {
        match search(c) {
            Ok(h) => m.hits.push(h),
            Err(e) => {
                m.hits.push(Vec::new());
                m.errors.push((c.text.clone(), e));
            }
        }
        let mut v = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t = Instant::now();
            let r = search(c);
            v.push(t.elapsed().as_secs_f64() * 1e3);
            drop(r);
        }
        m.ms.push(v);
    }
    debug_assert!(cases
        .iter()
        .take_while(|c| c.full)
        .enumerate()
        .all(|(i, c)| c.query == i));
    m
}

fn hublot_hits(r: hublot::SearchResponse) -> Vec<Hit> {
    r.hits
        .into_iter()
        .map(|h| {
            let also = match (&h.name, h.kind == "variable") {
                (Some(n), true) => h
                    .also_in
                    .iter()
                    .map(|t| format!("variable/{t}/{n}"))
                    .collect(),
                _ => Vec::new(),
            };
            Hit { id: h.id, also }
        })
        .collect()
}

/// Whether one of `q.expect` is among the first `q.within` hits. `variable/*/NAME` matches
/// NAME in any table (case-sensitive); a collapsed hit matches every table it stands for.
fn found(q: &RelQuery, hits: &[Hit]) -> bool {
    let matches = |e: &str, id: &str| match e.strip_prefix("variable/*/") {
        Some(name) => id
            .strip_prefix("variable/")
            .and_then(|r| r.split_once('/'))
            .is_some_and(|(_, n)| n == name),
        None => e == id,
    };
    hits.iter().take(q.within).any(|h| {
        q.expect
            .iter()
            .any(|e| matches(e, &h.id) || h.also.iter().any(|a| matches(e, a)))
    })
}

/// Builds the peer's database at `path` (see `tests/common/fts_peer.rs`).
fn build_fts(paths: &[PathBuf], path: &Path) -> BoxResult<((Duration, Duration), u64)> {
    fts_peer::build(paths, path)
}

/// A search of the peer, the way Datasette's `?_search=` escapes what was typed.
fn fts_search(conn: &rusqlite::Connection, c: &Case, or: bool) -> Result<Vec<Hit>, String> {
    fts_peer::search(conn, &c.text, c.kind.as_deref(), or)
        .map(|ids| {
            ids.into_iter()
                .map(|id| Hit {
                    id,
                    also: Vec::new(),
                })
                .collect()
        })
        .map_err(|e| e.to_string())
}

/// One line per engine and case: engine, kind, full or prefix, text, median and max ms, hit count.
fn write_tsv(path: &Path, cases: &[Case], engines: &[(&str, &Measured)]) -> BoxResult<()> {
    let mut out = String::from("engine\tkind\tfull\tquery\tmedian_ms\tmax_ms\thits\n");
    for (name, m) in engines {
        for ((c, v), hits) in cases.iter().zip(&m.ms).zip(&m.hits) {
            let mut v = v.clone();
            v.sort_by(f64::total_cmp);
            let max = v.last().copied().unwrap_or(0.0);
            let kind = c.kind.as_deref().unwrap_or("");
            writeln!(
                out,
                "{name}\t{kind}\t{}\t{}\t{:.4}\t{max:.4}\t{}",
                c.full,
                c.text,
                pct(&v, 50.0),
                hits.len()
            )?;
        }
    }
    std::fs::write(path, out).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(())
}

/// Child process: prints `open_kb peak_kb` after opening a data dir and importing or searching.
fn child_import(args: &[String]) -> BoxResult<()> {
    let (dir, paths) = args.split_first().ok_or("child: missing data dir")?;
    let h = Hublot::open(Some(PathBuf::from(dir)))?;
    let open_kb = vm_kb("VmHWM").ok_or("child: no VmHWM in /proc/self/status")?;
    let rep = h.import(&ImportRequest {
        paths: paths.iter().map(PathBuf::from).collect(),
        force: false,
    })?;
    assert!(rep.stats.codes > 0, "child import produced no code rows");
    println!("{open_kb} {}", vm_kb("VmHWM").ok_or("child: no VmHWM")?);
    Ok(())
}

fn child_search(args: &[String]) -> BoxResult<()> {
    let dir = args.first().ok_or("child: missing data dir")?;
    let h = Hublot::open(Some(PathBuf::from(dir)))?;
    let open_kb = vm_kb("VmHWM").ok_or("child: no VmHWM in /proc/self/status")?;
    for q in load_queries()? {
        h.search(&SearchRequest {
            q: q.query,
            kind: q.kind,
            ..Default::default()
        })?;
    }
    println!("{open_kb} {}", vm_kb("VmHWM").ok_or("child: no VmHWM")?);
    Ok(())
}

/// Runs this binary in a child mode and parses its `open_kb peak_kb` answer. A child import
/// gets a fresh temporary data dir; a child search reuses `dir`.
fn child_peak(mode: &str, dir: Option<&Path>, paths: &[PathBuf]) -> BoxResult<(u64, u64)> {
    let tmp = tempfile::tempdir()?;
    let dir = dir.unwrap_or(tmp.path());
    let out = Command::new(std::env::current_exe()?)
        .arg(mode)
        .arg(dir)
        .args(paths)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "child {mode} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let nums: Vec<u64> = text
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    match nums[..] {
        [open, peak] => Ok((open, peak)),
        _ => Err(format!("child {mode}: unexpected output `{text}`").into()),
    }
}

/// A `kB` field of /proc/self/status (Linux only; the bench reports it as missing elsewhere).
fn vm_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status
        .lines()
        .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn disk_size(p: &Path) -> u64 {
    walkdir::WalkDir::new(p)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Nearest-rank percentile of sorted samples.
fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn fmt_dur(d: Duration) -> String {
    if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.0} ms", d.as_secs_f64() * 1e3)
    }
}

fn mib(kb: u64) -> String {
    format!("{:.0} MiB", kb as f64 / 1024.0)
}

fn mib_bytes(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / 1024.0 / 1024.0)
}

fn share((ok, n): (usize, usize)) -> String {
    format!("{ok}/{n} ({:.0} %)", 100.0 * ok as f64 / n.max(1) as f64)
}
