//! Benchmark of the need-statement features on the real corpus (`../shared/corpus`): the live
//! checks of a 300-variable statement, run on every edit, so they must answer while a person
//! types.
//!
//! ```text
//! export CARGO_TARGET_DIR=$HOME/.cache/hublot-target
//! cargo bench --bench need              # full run
//! cargo bench --bench need -- --quick   # fewer repetitions, for a smoke test
//! ```
//!
//! The Markdown report goes to stdout, progress to stderr. Timings are reported, never asserted;
//! only sanity is (the statement has its 300 variables, the checks find something).
//!
//! To time another need-statement feature (exports…), add a function beside [`checks`] that
//! takes the [`Setup`] and appends its section to the report, and call it from [`run`].

// Shared with the other bench binaries; this one uses part of it.
#[allow(dead_code)]
mod common;

use hublot::cite::Lang;
use hublot::need::checks::{check, CheckReport};
use hublot::need::{Criterion, CriterionKind, DataItem, Member, NeedStatement, Place, Route};
use hublot::store::CatalogueDb;
use hublot::{Hublot, ImportRequest};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

type BoxResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Variables in the benchmarked statement: a large but realistic request.
const VARIABLES: usize = 300;

struct Config {
    quick: bool,
    /// Timed runs of each case, after one warm-up.
    runs: usize,
}

/// What every section of the bench works on: one snapshot of the full corpus and a statement.
struct Setup {
    /// Kept so that the data directory outlives the bench.
    _dir: tempfile::TempDir,
    _hublot: Hublot,
    catalogue: PathBuf,
    statement: NeedStatement,
    import: Duration,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--quick");
    let cfg = Config {
        quick,
        runs: if quick { 20 } else { 300 },
    };
    if let Err(e) = run(&cfg) {
        eprintln!("need bench: {e}");
        std::process::exit(1);
    }
}

fn run(cfg: &Config) -> BoxResult<()> {
    let setup = setup()?;
    let load_start = common::loadavg();
    let mut md = String::new();
    writeln!(
        md,
        "## Need-statement benchmark, {}\n",
        hublot::clock::now_rfc3339()
    )?;
    writeln!(md, "- Machine: {}", common::machine())?;
    writeln!(md, "- Load average (1, 5, 15 min) at start: {load_start}")?;
    if cfg.quick {
        writeln!(
            md,
            "- **Quick run** (`--quick`): fewer repetitions, figures are indicative only."
        )?;
    }
    writeln!(
        md,
        "- Snapshot: schema-snds + documentation-snds + synthetic-snds, imported in {:.1} s",
        setup.import.as_secs_f64()
    )?;
    checks(&setup, cfg, &mut md)?;
    writeln!(md, "\nLoad average at end: {}", common::loadavg())?;
    print!("{md}");
    Ok(())
}

/// Imports the full corpus into a fresh data directory and builds the statement.
fn setup() -> BoxResult<Setup> {
    let corpus = common::corpus_dir(&["schema-snds", "documentation-snds", "synthetic-snds"])?;
    let dir = tempfile::Builder::new()
        .prefix("hublot-bench-need-")
        .tempdir()?;
    common::progress("open a fresh data dir (installs the bundled catalogue)");
    let hublot = Hublot::open(Some(dir.path().to_path_buf()))?;
    common::progress("import schema-snds + documentation-snds + synthetic-snds");
    let t = Instant::now();
    hublot.import(&ImportRequest {
        paths: vec![
            corpus.join("schema-snds"),
            corpus.join("documentation-snds"),
            corpus.join("synthetic-snds"),
        ],
        force: false,
    })?;
    let import = t.elapsed();
    let id = hublot.snapshot()?.id;
    let catalogue = dir
        .path()
        .join("snapshots")
        .join(id)
        .join("catalogue.sqlite");
    let statement = statement(&CatalogueDb::open(&catalogue)?, VARIABLES)?;
    Ok(Setup {
        _dir: dir,
        _hublot: hublot,
        catalogue,
        statement,
        import,
    })
}

/// A complete statement asking for `n` variables taken table by table from the catalogue's
/// care and referential tables (the first fifteen of each), four in five justified, with a
/// few whole tables and population criteria over real code lists.
fn statement(cat: &CatalogueDb, n: usize) -> BoxResult<NeedStatement> {
    let mut d = NeedStatement::new("Bench: parcours après infarctus", Route::Mr004, Lang::Fr);
    d.project.organisation = "Organisme de recherche".into();
    d.project.purpose = "Décrire le parcours de soins après un infarctus du myocarde.".into();
    d.project.public_interest = "Améliorer la prévention secondaire cardiovasculaire.".into();
    d.period.start = "2015".into();
    d.period.end = "2022".into();
    d.population.text = "Adultes hospitalisés pour un infarctus.".into();
    d.population.criteria = vec![
        Criterion {
            include: true,
            kind: CriterionKind::Diagnosis,
            nomenclature: "IR_CIM_V".into(),
            codes: vec!["I21*".into(), "I22*".into(), "I252".into()],
            text: "Diagnostic principal d'un séjour MCO.".into(),
        },
        Criterion {
            include: false,
            kind: CriterionKind::Diagnosis,
            nomenclature: "IR_CIM_V".into(),
            codes: (0..10).map(|i| format!("C{i:02}*")).collect(),
            text: "Cancers.".into(),
        },
    ];
    d.processing.place = Place::Hdh;
    d.retention_months = Some(36);
    d.team.push(Member {
        name: "Investigatrice".into(),
        ..Default::default()
    });
    let tables = cat.tables(None)?;
    'tables: for t in &tables {
        let Some((table, _, _)) = cat.table(&t.name)? else {
            continue;
        };
        for v in table.variables.iter().take(15) {
            if d.data.len() >= n {
                break 'tables;
            }
            let i = d.data.len();
            d.data.push(DataItem {
                base: table.base.clone(),
                table: Some(table.name.clone()),
                variable: Some(v.name.clone()),
                why: if i % 5 == 4 {
                    String::new()
                } else {
                    format!("Variable {i} : nécessaire au calcul des indicateurs du parcours.")
                },
                key: false,
            });
        }
    }
    if d.data.len() < n {
        return Err(format!(
            "the catalogue has only {} variables to build the statement",
            d.data.len()
        )
        .into());
    }
    for t in ["ER_PHA_F", "T_MCOaaB"] {
        d.data.push(DataItem {
            base: String::new(),
            table: Some(t.into()),
            variable: None,
            why: "Table entière pour le bench.".into(),
            key: false,
        });
    }
    Ok(d)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Times `f` `runs` times after one warm-up; milliseconds, sorted.
fn time<T>(runs: usize, mut f: impl FnMut() -> BoxResult<T>) -> BoxResult<Vec<f64>> {
    f()?;
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(f()?);
        ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    ms.sort_by(f64::total_cmp);
    Ok(ms)
}

fn row(md: &mut String, case: &str, ms: &[f64]) -> BoxResult<()> {
    writeln!(
        md,
        "| {case} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
        ms.len(),
        pct(ms, 50.0),
        pct(ms, 90.0),
        pct(ms, 99.0),
        ms.last().copied().unwrap_or(0.0)
    )?;
    Ok(())
}

/// The live checks: on the open catalogue (what `need.check` does), with the catalogue opened
/// for each check (a cold connection), and in English.
fn checks(s: &Setup, cfg: &Config, md: &mut String) -> BoxResult<()> {
    let cat = CatalogueDb::open(&s.catalogue)?;
    let doc = &s.statement;
    let report: CheckReport = check(doc, &cat, Lang::Fr)?;
    assert!(
        doc.data.len() > VARIABLES && report.findings.len() > 1,
        "the bench statement must have its variables and findings"
    );
    common::progress(&format!("checks: {} runs per case", cfg.runs));
    let warm = time(cfg.runs, || Ok(check(doc, &cat, Lang::Fr)?))?;
    let en = time(cfg.runs, || Ok(check(doc, &cat, Lang::En)?))?;
    let cold = time(cfg.runs.min(50), || {
        let c = CatalogueDb::open(&s.catalogue)?;
        Ok(check(doc, &c, Lang::Fr)?)
    })?;
    let criteria_codes: usize = doc.population.criteria.iter().map(|c| c.codes.len()).sum();
    writeln!(
        md,
        "\n### Live checks (`need::checks::check`, in process, ms)\n"
    )?;
    writeln!(
        md,
        "Statement: {} data items ({VARIABLES} variables, {} whole tables), {} criteria with {} \
         codes; {} findings ({} errors, {} warnings, {} infos).\n",
        doc.data.len(),
        doc.data.len() - VARIABLES,
        doc.population.criteria.len(),
        criteria_codes,
        report.findings.len(),
        report.errors,
        report.warnings,
        report.infos
    )?;
    writeln!(md, "| case | runs | p50 | p90 | p99 | max |")?;
    writeln!(md, "|---|---:|---:|---:|---:|---:|")?;
    row(md, "check, open catalogue, French", &warm)?;
    row(md, "check, open catalogue, English", &en)?;
    row(md, "open the catalogue + check", &cold)?;
    Ok(())
}
