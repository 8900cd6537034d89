//! What both bench binaries share: where the corpus is, the machine they ran on, progress
//! lines and the summary statistics.

use std::path::PathBuf;
use std::time::Duration;

/// `../shared/corpus` (or `HUBLOT_CORPUS`), with each of `subs` in it: the benches only run
/// against the real data, and say so when it is missing.
pub fn corpus_dir(subs: &[&str]) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = std::env::var_os("HUBLOT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    for sub in subs {
        if !dir.join(sub).is_dir() {
            return Err(format!(
                "the real corpus is missing: expected {} (with {}). The benchmark only runs \
                 against the real data; set HUBLOT_CORPUS to use another copy.",
                dir.join(sub).display(),
                subs.iter()
                    .map(|s| format!("{s}/"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
            .into());
        }
    }
    Ok(dir.canonicalize()?)
}

/// A progress line on stderr (the report goes to stdout).
pub fn progress(what: &str) {
    eprintln!("[bench] {what}");
}

/// The smallest sample.
pub fn min(v: &[Duration]) -> Duration {
    v.iter().copied().min().unwrap_or_default()
}

/// The median sample (the lower one of an even count).
pub fn median(v: &[Duration]) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v.get(v.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or_default()
}

/// Cores, CPU model, RAM, OS and architecture, for the report's header.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let ram = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kb| format!("{:.1} GiB RAM", kb as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown RAM".into());
    format!(
        "{cores} cores ({cpu}), {ram}, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// The load average (1, 5, 15 min), to tell a quiet run from a noisy one.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
