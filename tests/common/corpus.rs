//! Finding the real corpus the integration tests run against, on any machine: `HUBLOT_CORPUS`,
//! then `../shared/corpus` beside the repository, else the public sources downloaded once into
//! `~/.cache/hublot-corpus` with Hublot's own sync code (HTTP client and safe archive
//! extraction), at pinned commits, and checked file by file against a pinned digest.
//!
//! The pins reproduce `../shared/corpus` exactly: each source is an archive of one upstream
//! commit, of which only the files the corpus holds are kept (see each source's `select`).

use hublot::sync::archive::{self, ExtractLimits};
use hublot::sync::http::{Expect, Net};
use hublot::sync::SyncOptions;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// The folders a complete corpus has, each with a path inside it that must exist.
const PARTS: [(&str, &str); 4] = [
    ("schema-snds", "schemas"),
    ("synthetic-snds", "schemas"),
    ("documentation-snds", "README.md"),
    ("healthdcat-ap", "hdh-shacl-shapes.ttl"),
];

/// The largest archive downloaded (documentation-snds, with its PDFs, is the largest).
const MAX_ARCHIVE_BYTES: u64 = 1 << 30;

/// One public source of the corpus, as an archive of one upstream commit.
pub struct Source {
    /// Its folder in the corpus (`schema-snds`).
    pub name: String,
    /// Where the archive is, tried in order (a mirror after the origin).
    pub urls: Vec<String>,
    /// The upstream commit the archive is of, for messages.
    pub commit: String,
    /// The path in the corpus of a path in the archive (below its top folder); `None` skips it.
    pub select: fn(&str) -> Option<String>,
    /// [`tree_digest`] of the selected files.
    pub digest: String,
}

fn github(repo: &str, commit: &str) -> String {
    format!("https://github.com/{repo}/archive/{commit}.tar.gz")
}

fn gitlab(project: &str, commit: &str) -> String {
    let name = project.rsplit('/').next().unwrap_or(project);
    format!("https://gitlab.com/{project}/-/archive/{commit}/{name}-{commit}.tar.gz")
}

/// The pinned public sources of `../shared/corpus`. The HDH publishes the three SNDS
/// repositories on GitLab (`healthdatahub/…`), mirrored on GitHub (`indsante/…`) with the same
/// commits; the HDH's SHACL shapes and vocabularies come from an AP-HP HealthDCAT-AP exporter.
pub fn pinned_sources() -> Vec<Source> {
    let snds = |name: &str,
                github_repo: &str,
                commit: &str,
                select: fn(&str) -> Option<String>,
                digest: &str| Source {
        name: name.into(),
        urls: vec![
            github(github_repo, commit),
            gitlab(&format!("healthdatahub/{name}"), commit),
        ],
        commit: commit.into(),
        select,
        digest: digest.into(),
    };
    vec![
        // Dec 2020: the schemas and code lists; three CSVs of more than 4 MiB left out.
        snds(
            "schema-snds",
            "indsante/schema-snds",
            "fe17ef8348aeb74f38c29016f49e65f82a6168b6",
            |p| {
                const TOO_LARGE: [&str; 3] = [
                    "nomenclatures/DREES/IR_PHA_R.csv",
                    "nomenclatures/ORAREF/IR_PTF_R.csv",
                    "nomenclatures/ORAVAL/IR_MIR_D.csv",
                ];
                let kept = p == "LICENSE"
                    || p == "README.md"
                    || ["documentation/", "nomenclatures/", "schemas/"]
                        .iter()
                        .any(|d| p.starts_with(d));
                (kept && !TOO_LARGE.contains(&p)).then(|| p.to_string())
            },
            "821492a96180d9e7287997ec4d75c3fda88e1a4019057bd7722a895dfafbdb71",
        ),
        // Apr 2021: schemas with a CSV of generated rows each; one CSV of more than 4 MiB left out.
        snds(
            "synthetic-snds",
            "indsante/synthetic-snds",
            "4d1c7494ed131181411cf86463147ff77661b3b8",
            |p| (p != "nomenclatures/DREES/IR_PHA_R.csv").then(|| p.to_string()),
            "bcc9ef08122ae962de5e495b47e45e6ec1c43e2919f2531d8ab13a150a76f9f5",
        ),
        // Jul 2021: the Markdown pages only (no site code, no attached files).
        snds(
            "documentation-snds",
            "indsante/Documentation-SNDS",
            "a2910d5a0f0914c44514146fd68b01bdeaf50498",
            |p| {
                (p == "LICENSE" || (p.ends_with(".md") && !p.starts_with(".gitlab/")))
                    .then(|| p.to_string())
            },
            "5a6bc5d0b982fb063a437f3e9d686de51293239e48a86ec1af291995da8f8e9d",
        ),
        Source {
            name: "healthdcat-ap".into(),
            urls: vec![github(
                "davidouagne/datahub-healthdcat-ap-exporter",
                "dae825eee53b53dbba67c1441af94953112ceb0c",
            )],
            commit: "dae825eee53b53dbba67c1441af94953112ceb0c".into(),
            select: |p| {
                if p == "src/dh_healthdcat/validate/shapes/hdap-validator-sensitivity-shape.ttl" {
                    return Some("hdh-shacl-shapes.ttl".into());
                }
                let name = p.strip_prefix("src/dh_healthdcat/mapping/vocab/")?;
                (name.ends_with(".yml") && !name.contains('/'))
                    .then(|| format!("hdh-vocabularies/{name}"))
            },
            digest: "e2e1eba4a82478cdc30862c36fbb83e3ca00ce0a3c37250635064e29c9b9033d".into(),
        },
    ]
}

/// Whether `dir` has every part of the corpus.
fn complete(dir: &Path) -> bool {
    PARTS
        .iter()
        .all(|(p, inside)| dir.join(p).join(inside).exists())
}

/// The corpus: `HUBLOT_CORPUS`, else `../shared/corpus`, else the pinned sources downloaded
/// once into the user's cache (`~/.cache/hublot-corpus`). The error is one sentence saying
/// what to set.
pub fn find() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("HUBLOT_CORPUS").map(PathBuf::from) {
        return if complete(&dir) {
            Ok(dir)
        } else {
            Err(format!(
                "HUBLOT_CORPUS is {} but that folder lacks one of {}: point HUBLOT_CORPUS at a \
                 complete copy of the corpus",
                dir.display(),
                parts_list()
            ))
        };
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if complete(&shared) {
        return Ok(shared);
    }
    let cache = dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("hublot-corpus");
    fetch_into(&cache, &pinned_sources()).map_err(|_| {
        format!(
            "the corpus is neither in HUBLOT_CORPUS nor at {} and could not be downloaded (the \
             reasons are on stderr, after `hublot tests:`): set HUBLOT_CORPUS to a folder holding \
             {}",
            shared.display(),
            parts_list()
        )
    })
}

fn parts_list() -> String {
    let names = PARTS.map(|(p, _)| p);
    format!(
        "{} and {}",
        names[..names.len() - 1].join(", "),
        names[names.len() - 1]
    )
}

/// Writes a line on the real stderr: the test harness captures `eprintln!` of passing tests,
/// and a download of several minutes must not be silent.
fn say(msg: &str) {
    let _ = writeln!(std::io::stderr(), "hublot tests: {msg}");
}

/// Downloads and unpacks each source into `cache/<name>` unless it is already there at its
/// pinned digest. One process at a time (a lock file); a source is moved into place only once
/// whole and checked, so an interrupted fetch is redone, never half used.
pub fn fetch_into(cache: &Path, sources: &[Source]) -> Result<PathBuf, String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    std::fs::create_dir_all(cache.join(".pins")).map_err(|e| io(cache, e))?;
    let lock_path = cache.join(".lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| io(&lock_path, e))?;
    lock.lock().map_err(|e| io(&lock_path, e))?;
    for s in sources {
        let dest = cache.join(&s.name);
        let pin = cache.join(".pins").join(&s.name);
        if dest.is_dir() && std::fs::read_to_string(&pin).is_ok_and(|d| d.trim() == s.digest) {
            continue;
        }
        fetch_one(cache, s)?;
        std::fs::write(&pin, &s.digest).map_err(|e| io(&pin, e))?;
    }
    Ok(cache.to_path_buf())
}

/// Fetches one source into `cache/<name>`; whatever happens, its work files are removed.
fn fetch_one(cache: &Path, s: &Source) -> Result<(), String> {
    let part = cache.join(format!(".{}.download", s.name));
    let unpacked = cache.join(format!(".{}.unpacked", s.name));
    let staged = cache.join(format!(".{}.staged", s.name));
    let clean = || {
        let _ = std::fs::remove_file(&part);
        let _ = std::fs::remove_dir_all(&unpacked);
        let _ = std::fs::remove_dir_all(&staged);
    };
    clean();
    let r = fetch_one_in(cache, s, &part, &unpacked, &staged);
    clean();
    r
}

fn fetch_one_in(
    cache: &Path,
    s: &Source,
    part: &Path,
    unpacked: &Path,
    staged: &Path,
) -> Result<(), String> {
    let mut failures = Vec::new();
    let mut got = None;
    for url in &s.urls {
        say(&format!(
            "downloading {} (commit {}) from {url} into {}, once; set HUBLOT_CORPUS to use a copy \
             instead",
            s.name,
            &s.commit[..s.commit.len().min(10)],
            cache.join(&s.name).display()
        ));
        match download(url, part) {
            Ok(()) => {
                got = Some(url);
                break;
            }
            Err(e) => {
                say(&e);
                failures.push(e);
            }
        }
    }
    let Some(url) = got else {
        return Err(failures.join("; "));
    };
    unpack(cache, s, url, part, unpacked, staged).inspect_err(|e| say(e))
}

/// Extracts the downloaded archive, keeps the selected files, checks them, moves them in place.
fn unpack(
    cache: &Path,
    s: &Source,
    url: &str,
    part: &Path,
    unpacked: &Path,
    staged: &Path,
) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let report = archive::extract(part, unpacked, ExtractLimits::default())
        .map_err(|e| format!("{url}: {e}"))?;
    let mut kept = 0;
    for e in walkdir::WalkDir::new(&report.root) {
        let e = e.map_err(|e| e.to_string())?;
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(&report.root).expect("below the root");
        let rel = rel.to_string_lossy().replace('\\', "/");
        let Some(to) = (s.select)(&rel) else {
            continue;
        };
        let to = staged.join(to);
        std::fs::create_dir_all(to.parent().expect("a file has a parent"))
            .map_err(|e| io(&to, e))?;
        std::fs::rename(e.path(), &to).map_err(|e| io(&to, e))?;
        kept += 1;
    }
    let digest = tree_digest(staged)?;
    if digest != s.digest {
        return Err(format!(
            "{url}: the {kept} files kept from the archive do not match the pinned commit {} \
             (digest {digest}, expected {})",
            s.commit, s.digest
        ));
    }
    let dest = cache.join(&s.name);
    if dest.exists() {
        std::fs::remove_dir_all(&dest).map_err(|e| io(&dest, e))?;
    }
    std::fs::rename(staged, &dest).map_err(|e| io(&dest, e))?;
    say(&format!("{} ready ({kept} files)", s.name));
    Ok(())
}

/// Downloads `url` to `part` with Hublot's sync client (its URL policy: https, or http to
/// loopback; redirects; retries; a size limit).
fn download(url: &str, part: &Path) -> Result<(), String> {
    let u = reqwest::Url::parse(url).map_err(|e| format!("{url}: {e}"))?;
    let opts = SyncOptions {
        retries: 2,
        backoff_ms: 200,
        ..SyncOptions::default()
    };
    let net = Net::new(&opts, Arc::new(AtomicBool::new(false))).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(part);
    let expect = Expect {
        size: None,
        sha256: None,
        max: MAX_ARCHIVE_BYTES,
    };
    rt.block_on(net.download(&u, part, &expect, &|_| {}))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// SHA-256 over the sorted lines `<sha256 of the file>  <path>` of every file under `root`
/// (paths relative, `/`-separated): the same bytes give the same digest on any machine.
pub fn tree_digest(root: &Path) -> Result<String, String> {
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(root) {
        let e = e.map_err(|e| e.to_string())?;
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(root).expect("below the root");
            files.push((
                rel.to_string_lossy().replace('\\', "/"),
                e.path().to_path_buf(),
            ));
        }
    }
    files.sort();
    let mut all = Sha256::new();
    for (rel, p) in files {
        let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let line = format!("{:x}  {rel}\n", Sha256::digest(&bytes));
        all.update(line.as_bytes());
    }
    Ok(format!("{:x}", all.finalize()))
}
