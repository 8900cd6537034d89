//! The pointer to the active snapshot survives a writer killed (SIGKILL) at every step of a swap:
//! `current` and `previous` are always both the old pair or both the new one, the active
//! snapshot opens, and rollback goes back to the snapshot before it. Each step is reached by
//! running the real binary with `HUBLOT_TEST_PAUSE_AT`, which makes it wait there to be killed.
//! Needs no corpus: the bundled catalogue and a small HealthDCAT-AP fixture make the snapshots.

mod common;

use hublot::store::DataDir;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/healthdcat/registre-cardiopathies.ttl")
}

fn hublot(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hublot"));
    c.arg("--data-dir").arg(data);
    c
}

/// Runs `hublot ARGS`, waits until it reports being paused at `point`, and kills it there.
fn kill_at(data: &Path, point: &str, args: &[&str]) {
    let mut child = hublot(data)
        .args(args)
        .env("HUBLOT_TEST_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = Vec::new();
    let mut reached = false;
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains(&format!("paused at {point}")) {
            reached = true;
            break;
        }
        said.push(line);
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        reached,
        "`hublot {}` ended before {point}: {}",
        args.join(" "),
        said.join("\n")
    );
}

fn run(data: &Path, args: &[&str]) {
    let out = hublot(data).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "hublot {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `(current, previous)`, checked consistent: a current snapshot that opens, and a previous one
/// that differs from it.
fn pointers(data: &Path, when: &str) -> (String, Option<String>) {
    let d = DataDir::new(data).unwrap();
    let cur = d
        .current()
        .unwrap_or_else(|| panic!("{when}: no current snapshot"));
    let prev = d.previous();
    assert_ne!(prev.as_ref(), Some(&cur), "{when}: previous is current");
    let h = hublot::Hublot::open(Some(data.to_path_buf())).unwrap();
    assert_eq!(
        h.snapshot().unwrap().id,
        cur,
        "{when}: opens another snapshot"
    );
    (cur, prev)
}

#[test]
fn a_writer_killed_at_any_step_leaves_current_and_previous_consistent() {
    let t = common::data_dir();
    let data = t.path();
    drop(hublot::Hublot::open(Some(data.to_path_buf())).unwrap());
    let ttl = fixture();
    let import = ["import", "--force", ttl.to_str().unwrap()];

    // Import: killed before the pointer moves, the old pair stays; after, the new pair holds.
    for (point, moved) in [
        ("activate:moved", false),
        ("pointer:written", false),
        ("pointer:renamed", true),
        ("activate:pointed", true),
    ] {
        let when = format!("import killed at {point}");
        let (c0, p0) = pointers(data, "before");
        kill_at(data, point, &import);
        let (c1, p1) = pointers(data, &when);
        if moved {
            assert_ne!(c1, c0, "{when}");
            assert_eq!(
                p1.as_ref(),
                Some(&c0),
                "{when}: previous is not the old current"
            );
        } else {
            assert_eq!((&c1, &p1), (&c0, &p0), "{when}");
        }
        // Rollback then works, and works back.
        if let Some(p1) = &p1 {
            run(data, &["rollback"]);
            assert_eq!(pointers(data, &when), (p1.clone(), Some(c1.clone())));
            run(data, &["rollback"]);
            assert_eq!(pointers(data, &when), (c1.clone(), Some(p1.clone())));
        }
    }

    // Rollback killed: the pair is swapped whole or not at all.
    for (point, swapped) in [("pointer:written", false), ("pointer:renamed", true)] {
        let when = format!("rollback killed at {point}");
        let (c0, p0) = pointers(data, "before");
        let p0 = p0.expect("a previous snapshot");
        kill_at(data, point, &["rollback"]);
        let now = pointers(data, &when);
        if swapped {
            assert_eq!(now, (p0.clone(), Some(c0.clone())), "{when}");
        } else {
            assert_eq!(now, (c0.clone(), Some(p0.clone())), "{when}");
        }
    }
}

/// A data directory of the older layout (`current` and `previous` files) is read, and the first
/// swap replaces it, even when killed before the old files are removed.
#[test]
fn the_older_two_file_layout_is_upgraded_safely() {
    let t = common::data_dir();
    let data = t.path();
    drop(hublot::Hublot::open(Some(data.to_path_buf())).unwrap());
    run(data, &["import", "--force", fixture().to_str().unwrap()]);
    let (c0, p0) = pointers(data, "before");
    std::fs::remove_file(data.join("pointer.json")).unwrap();
    std::fs::write(data.join("current"), &c0).unwrap();
    std::fs::write(data.join("previous"), p0.as_ref().unwrap()).unwrap();
    assert_eq!(pointers(data, "older layout"), (c0.clone(), p0.clone()));

    kill_at(
        data,
        "pointer:renamed",
        &["import", "--force", fixture().to_str().unwrap()],
    );
    let (c1, p1) = pointers(data, "killed after the first pointer.json");
    assert_ne!(c1, c0);
    assert_eq!(p1, Some(c0.clone()));
    run(data, &["rollback"]);
    assert_eq!(pointers(data, "rolled back"), (c0, Some(c1)));
    assert!(!data.join("current").exists() && !data.join("previous").exists());
}

/// With a single snapshot, rollback fails and says there is nothing to roll back to.
#[test]
fn rollback_with_nothing_before_says_so() {
    let t = common::data_dir();
    let data = t.path();
    let out = hublot(data).arg("rollback").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nothing to roll back to"), "{err}");
    assert!(err.contains("is the only one"), "{err}");
}
