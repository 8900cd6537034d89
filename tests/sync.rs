//! Sync against a real HTTP server on 127.0.0.1 (written here on tokio, with fault switches),
//! serving snapshots built from the real corpus (`../shared/corpus`) with `snapshot build`.
//! After every failure the previous snapshot is still active and byte-identical, and the user's
//! settings survive.

mod common;

use hublot::ingest::snapshot_manifest::{self, Manifest};
use hublot::sync::publish::build_snapshot;
use hublot::sync::{
    archive, KeygenRequest, SnapshotBuildRequest, SyncControl, SyncError, SyncOptions, SyncOutcome,
    SyncRequest,
};
use hublot::{Hublot, SearchRequest};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

// ---------------------------------------------------------------------------------------------
// The test server.

#[derive(Default)]
struct Faults {
    /// path → how many more 500s.
    fail_500: HashMap<String, u32>,
    /// path → how many more requests left unanswered (longer than the client's timeout).
    hang: HashMap<String, u32>,
    /// path → how many more bodies cut in the middle (connection closed).
    drop_mid: HashMap<String, u32>,
    /// Served 10 bytes short, with a matching Content-Length.
    truncate: HashSet<String>,
    /// One byte changed, same size.
    corrupt: HashSet<String>,
    /// 1000 bytes too many.
    oversize: HashSet<String>,
    /// 404.
    not_found: HashSet<String>,
    /// 304 Not Modified, whatever the request (a broken server or proxy).
    not_modified: HashSet<String>,
    /// path → Location.
    redirect: HashMap<String, String>,
}

#[derive(Debug, Clone)]
struct Hit {
    path: String,
    range: Option<String>,
    if_none_match: Option<String>,
    status: u16,
}

#[derive(Clone)]
struct Server {
    base: String,
    root: Arc<Mutex<PathBuf>>,
    faults: Arc<Mutex<Faults>>,
    log: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    /// Serves `root` under `/snap/` on 127.0.0.1, port chosen by the system.
    fn start(root: &Path) -> Server {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        std_listener.set_nonblocking(true).unwrap();
        let addr = std_listener.local_addr().unwrap();
        let s = Server {
            base: format!("http://{addr}"),
            root: Arc::new(Mutex::new(root.to_path_buf())),
            faults: Arc::default(),
            log: Arc::default(),
        };
        let s2 = s.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::from_std(std_listener).unwrap();
                loop {
                    let (sock, _) = l.accept().await.unwrap();
                    let s = s2.clone();
                    tokio::spawn(async move {
                        let _ = s.handle(sock).await;
                    });
                }
            });
        });
        s
    }

    fn url(&self) -> String {
        format!("{}/snap/", self.base)
    }

    fn hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }

    fn clear(&self) {
        self.log.lock().unwrap().clear();
        *self.faults.lock().unwrap() = Faults::default();
    }

    fn faults(&self) -> std::sync::MutexGuard<'_, Faults> {
        self.faults.lock().unwrap()
    }

    async fn handle(&self, mut sock: tokio::net::TcpStream) -> std::io::Result<()> {
        let mut buf = Vec::new();
        let mut tmp = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = sock.read(&mut tmp).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&tmp[..n]);
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        let mut lines = text.split("\r\n");
        let first = lines.next().unwrap_or("");
        let raw_path = first.split(' ').nth(1).unwrap_or("/").to_string();
        let headers: HashMap<String, String> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let path = percent_decode(raw_path.split('?').next().unwrap());
        let range = headers.get("range").cloned();
        let inm = headers.get("if-none-match").cloned();
        let log = |status: u16| {
            self.log.lock().unwrap().push(Hit {
                path: path.clone(),
                range: range.clone(),
                if_none_match: inm.clone(),
                status,
            })
        };
        // Decide under the lock, act after it.
        enum Act {
            NotModified,
            Status(u16),
            Redirect(String),
            Hang,
            Serve {
                corrupt: bool,
                oversize: bool,
                truncate: bool,
                drop_mid: bool,
            },
        }
        let act = {
            let mut f = self.faults.lock().unwrap();
            if f.not_modified.contains(&path) {
                Act::NotModified
            } else if f.not_found.contains(&path) {
                Act::Status(404)
            } else if let Some(to) = f.redirect.get(&path) {
                Act::Redirect(to.clone())
            } else if f.fail_500.get(&path).is_some_and(|n| *n > 0) {
                *f.fail_500.get_mut(&path).unwrap() -= 1;
                Act::Status(500)
            } else if f.hang.get(&path).is_some_and(|n| *n > 0) {
                *f.hang.get_mut(&path).unwrap() -= 1;
                Act::Hang
            } else {
                let drop_mid = f.drop_mid.get(&path).is_some_and(|n| *n > 0);
                if drop_mid {
                    *f.drop_mid.get_mut(&path).unwrap() -= 1;
                }
                Act::Serve {
                    corrupt: f.corrupt.contains(&path),
                    oversize: f.oversize.contains(&path),
                    truncate: f.truncate.contains(&path),
                    drop_mid,
                }
            }
        };
        let (corrupt, oversize, truncate, drop_mid) = match act {
            Act::NotModified => {
                log(304);
                sock.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n")
                    .await?;
                return sock.shutdown().await;
            }
            Act::Status(code) => {
                log(code);
                let head = format!(
                    "HTTP/1.1 {code} X\r\nContent-Length: 5\r\nConnection: close\r\n\r\nerror"
                );
                sock.write_all(head.as_bytes()).await?;
                return sock.shutdown().await;
            }
            Act::Redirect(to) => {
                log(302);
                let head = format!(
                    "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                sock.write_all(head.as_bytes()).await?;
                return sock.shutdown().await;
            }
            Act::Hang => {
                log(0);
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
                return Ok(());
            }
            Act::Serve {
                corrupt,
                oversize,
                truncate,
                drop_mid,
            } => (corrupt, oversize, truncate, drop_mid),
        };
        let rel = path.strip_prefix("/snap/").unwrap_or("");
        let file = self.root.lock().unwrap().join(rel);
        let Ok(mut body) = std::fs::read(&file).map_err(|_| ()).and_then(|b| {
            if rel.is_empty() || rel.split('/').any(|c| c == "..") {
                Err(())
            } else {
                Ok(b)
            }
        }) else {
            log(404);
            sock.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
            return sock.shutdown().await;
        };
        let etag = format!("\"{}\"", &hublot::sync::http::sha256_bytes(&body)[..16]);
        if inm.as_deref() == Some(etag.as_str()) {
            log(304);
            let head =
                format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n");
            sock.write_all(head.as_bytes()).await?;
            return sock.shutdown().await;
        }
        if corrupt && !body.is_empty() {
            let i = body.len() / 2;
            body[i] ^= 0x55;
        }
        if oversize {
            body.extend(std::iter::repeat_n(b'x', 1000));
        }
        if truncate {
            body.truncate(body.len().saturating_sub(10));
        }
        let total = body.len();
        let mut status = 200;
        let mut extra = String::new();
        if let Some(start) = range
            .as_deref()
            .and_then(|r| r.strip_prefix("bytes="))
            .and_then(|r| r.strip_suffix('-'))
            .and_then(|r| r.parse::<usize>().ok())
        {
            if start >= total {
                log(416);
                let head = format!(
                    "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */{total}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                sock.write_all(head.as_bytes()).await?;
                return sock.shutdown().await;
            }
            status = 206;
            extra = format!("Content-Range: bytes {start}-{}/{total}\r\n", total - 1);
            body.drain(..start);
        }
        log(status);
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nETag: {etag}\r\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\r\nAccept-Ranges: bytes\r\n{extra}Connection: close\r\n\r\n",
            if status == 200 { "OK" } else { "Partial Content" },
            body.len()
        );
        sock.write_all(head.as_bytes()).await?;
        if drop_mid {
            sock.write_all(&body[..body.len() / 2]).await?;
            sock.flush().await?;
            return Ok(()); // dropped: the connection closes before the announced length
        }
        sock.write_all(&body).await?;
        sock.shutdown().await
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Published snapshots (built once per test process).

/// schema-snds + documentation-snds, published with `snapshot build`.
fn corpus_snapshot() -> &'static Path {
    static S: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &S.get_or_init(|| {
        let c = common::corpus();
        let t = tempfile::tempdir().unwrap();
        let out = t.path().join("snds");
        let r = build_snapshot(&SnapshotBuildRequest {
            paths: vec![c.join("schema-snds"), c.join("documentation-snds")],
            out: out.clone(),
            id: Some("snds-test".into()),
            publisher: Some("tests".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(
            r.tables > 100 && r.docs > 100 && r.nomenclatures > 100,
            "{r:?}"
        );
        (t, out)
    })
    .1
}

/// A small signed snapshot: the corpus's documentation, signed with a fresh key.
/// Returns (snapshot dir, public key hex).
fn signed_docs_snapshot() -> &'static (PathBuf, String) {
    static S: OnceLock<(tempfile::TempDir, (PathBuf, String))> = OnceLock::new();
    &S.get_or_init(|| {
        let c = common::corpus();
        let t = tempfile::tempdir().unwrap();
        let k = hublot::sync::sign::keygen(&KeygenRequest {
            out: t.path().join("keys/publisher.key"),
            force: false,
        })
        .unwrap();
        assert_eq!(k.public_key.len(), 64);
        // A key is never overwritten by accident.
        assert!(hublot::sync::sign::keygen(&KeygenRequest {
            out: t.path().join("keys/publisher.key"),
            force: false,
        })
        .is_err());
        let out = t.path().join("docs");
        let r = build_snapshot(&SnapshotBuildRequest {
            paths: vec![c.join("documentation-snds")],
            out: out.clone(),
            sign: Some(k.key_file.clone()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(r.public_key.as_deref(), Some(k.public_key.as_str()));
        (t, (out, k.public_key))
    })
    .1
}

/// A copy of a published snapshot that a test may change.
fn serve_copy(from: &Path) -> (tempfile::TempDir, Server) {
    let t = tempfile::tempdir().unwrap();
    common::copy_tree(from, t.path());
    let s = Server::start(t.path());
    (t, s)
}

fn opts() -> SyncOptions {
    SyncOptions {
        connect_timeout_ms: 2_000,
        read_timeout_ms: 700,
        retries: 3,
        backoff_ms: 20,
        ..Default::default()
    }
}

fn req(url: &str) -> SyncRequest {
    SyncRequest {
        sources: vec![url.to_string()],
        options: opts(),
        ..Default::default()
    }
}

/// The manifest's largest files, for fault injection.
fn largest_files(root: &Path, n: usize) -> Vec<String> {
    let m = Manifest::read(root).unwrap();
    let mut f = m.files.clone();
    f.sort_by_key(|f| std::cmp::Reverse(f.size));
    f.into_iter()
        .take(n)
        .map(|f| format!("/snap/{}", f.path))
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn first_sync_resync_one_changed_file_and_rollback() {
    let (root, server) = serve_copy(corpus_snapshot());
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let m = Manifest::read(root.path()).unwrap();
    let distinct: HashSet<&str> = m.files.iter().map(|f| f.sha256.as_str()).collect();

    // First sync: everything is downloaded once, verified, built, activated.
    let r = h.sync(&req(&server.url())).unwrap();
    eprintln!(
        "timing: full sync of the corpus snapshot ({} files, {} bytes) from loopback: {} ms (fetch {} ms, build {} ms)",
        m.files.len(),
        m.files.iter().map(|f| f.size).sum::<u64>(),
        r.took_ms,
        r.fetch_ms,
        r.build_ms
    );
    match r.outcome {
        SyncOutcome::Updated {
            added,
            removed,
            changed,
            downloaded_files,
            downloaded_bytes,
        } => {
            assert_eq!(added, m.files.len() as u64);
            assert_eq!((removed, changed), (0, 0));
            assert!(downloaded_files <= distinct.len() as u64);
            assert!(downloaded_bytes <= m.files.iter().map(|f| f.size).sum::<u64>());
        }
        o => panic!("expected an update, got {o:?}"),
    }
    let first = h.snapshot().unwrap();
    assert_eq!(r.snapshot, first.id);
    assert!(first.stats.tables > 100, "{:?}", first.stats);
    assert!(
        h.search(&SearchRequest {
            q: "BEN_NIR_PSA".into(),
            ..Default::default()
        })
        .unwrap()
        .total
            > 0
    );
    let st = &h.sync_status(&[server.url()]).unwrap()[0];
    assert!(st.etag.is_some() && !st.sha256.is_empty(), "{st:?}");

    // Second sync: one conditional request, nothing downloaded.
    server.clear();
    let r = h.sync(&req(&server.url())).unwrap();
    eprintln!("timing: unchanged re-sync: {} ms", r.took_ms);
    assert_eq!(r.outcome, SyncOutcome::UpToDate);
    assert_eq!(r.outcome.to_string(), "up to date");
    let hits = server.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].path, "/snap/manifest.json");
    assert!(hits[0].if_none_match.is_some());
    assert_eq!(hits[0].status, 304);
    assert_eq!(r.requests, 1);
    assert_eq!(h.snapshot().unwrap().id, first.id);

    // One changed file: only it is downloaded.
    let page = m
        .files
        .iter()
        .find(|f| f.path.starts_with("docs/") && f.path.ends_with(".md"))
        .unwrap()
        .path
        .clone();
    let p = root.path().join(&page);
    let mut text = std::fs::read_to_string(&p).unwrap();
    text.push_str("\n\nZorglubification des tables de test.\n");
    std::fs::write(&p, text).unwrap();
    snapshot_manifest::write_manifest(root.path(), &Manifest::read(root.path()).unwrap()).unwrap();
    server.clear();
    let r = h.sync(&req(&server.url())).unwrap();
    eprintln!(
        "timing: one-file change: {} ms (fetch {} ms, build {} ms)",
        r.took_ms, r.fetch_ms, r.build_ms
    );
    assert_eq!(r.outcome.to_string(), "updated: +0 \u{2212}0 ~1");
    match r.outcome {
        SyncOutcome::Updated {
            downloaded_files, ..
        } => assert_eq!(downloaded_files, 1),
        _ => unreachable!(),
    }
    let paths: Vec<String> = server.hits().into_iter().map(|h| h.path).collect();
    assert_eq!(
        paths,
        vec!["/snap/manifest.json".to_string(), format!("/snap/{page}")]
    );
    let found = |h: &Hublot| {
        h.search(&SearchRequest {
            q: "zorglubification".into(),
            ..Default::default()
        })
        .unwrap()
        .total
    };
    assert!(found(&h) > 0);
    let second = h.snapshot().unwrap().id;
    assert_ne!(second, first.id);

    // The previous snapshot remains: rollback returns to it.
    assert_eq!(h.rollback().unwrap().id, first.id);
    assert_eq!(found(&h), 0);
    // A sync then brings the synced snapshot back without downloading or rebuilding.
    server.clear();
    let r = h.sync(&req(&server.url())).unwrap();
    assert_eq!(r.outcome, SyncOutcome::UpToDate);
    assert_eq!(h.snapshot().unwrap().id, second);
    assert!(r.note.unwrap().contains("active again"));
    assert_eq!(server.hits().len(), 1);

    let settings: HashMap<_, _> = h.settings().unwrap().into_iter().collect();
    assert_eq!(settings["ui.lang"], "fr");
}

#[test]
fn retries_500s_timeouts_and_resumes_a_dropped_file() {
    let (root, server) = serve_copy(signed_docs_snapshot().0.as_path());
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let big = largest_files(root.path(), 3);
    {
        let mut f = server.faults();
        f.fail_500.insert("/snap/manifest.json".into(), 2);
        f.fail_500.insert(big[0].clone(), 2);
        f.drop_mid.insert(big[1].clone(), 1);
        f.hang.insert(big[2].clone(), 1);
    }
    let r = h.sync(&req(&server.url())).unwrap();
    assert!(matches!(r.outcome, SyncOutcome::Updated { .. }), "{r:?}");
    let hits = server.hits();
    let of = |p: &str| {
        hits.iter()
            .filter(|h| h.path == p)
            .cloned()
            .collect::<Vec<_>>()
    };
    // 500, 500, then 200.
    let st: Vec<u16> = of("/snap/manifest.json").iter().map(|h| h.status).collect();
    assert_eq!(st, vec![500, 500, 200]);
    let st: Vec<u16> = of(&big[0]).iter().map(|h| h.status).collect();
    assert_eq!(st, vec![500, 500, 200]);
    // Dropped mid-file, then resumed where it stopped with Range.
    let d = of(&big[1]);
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].range, None);
    let from: u64 = d[1]
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|r| r.parse().ok())
        .expect("second request has a Range");
    assert!(from > 0);
    assert_eq!(d[1].status, 206);
    // Timed out once, then fetched.
    let t: Vec<u16> = of(&big[2]).iter().map(|h| h.status).collect();
    assert_eq!(t, vec![0, 200]);
    // The files are right: the import verified every size and hash.
    assert!(h.snapshot().unwrap().stats.docs > 100);
}

#[test]
fn failures_keep_the_previous_snapshot_byte_identical() {
    let (root, server) = serve_copy(corpus_snapshot());
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let big = largest_files(root.path(), 1)[0].clone();
    let url = server.url();

    type Case<'a> = (
        &'a str,
        Box<dyn Fn(&mut Faults) + 'a>,
        SyncOptions,
        Vec<String>,
    );
    let cases: Vec<Case> = vec![
        (
            "404 for one file",
            Box::new(|f| {
                f.not_found.insert(big.clone());
            }),
            opts(),
            vec![
                "HTTP 404".into(),
                reqwest::Url::parse(&format!("{}{}", server.base, big))
                    .unwrap()
                    .to_string(),
            ],
        ),
        (
            "wrong sha256",
            Box::new(|f| {
                f.corrupt.insert(big.clone());
            }),
            opts(),
            vec!["sha256 is".into(), "discarded".into()],
        ),
        (
            "oversized file",
            Box::new(|f| {
                f.oversize.insert(big.clone());
            }),
            opts(),
            vec!["too large".into(), "the manifest says".into()],
        ),
        (
            "file above the size limit",
            Box::new(|_| {}),
            SyncOptions {
                max_file_bytes: 100_000,
                ..opts()
            },
            vec!["more than the limit of 100000".into()],
        ),
        (
            "500 every time",
            Box::new(|f| {
                f.fail_500.insert(big.clone(), 100);
            }),
            opts(),
            vec!["HTTP 500".into()],
        ),
        (
            "timeout every time",
            Box::new(|f| {
                f.hang.insert("/snap/manifest.json".into(), 100);
            }),
            SyncOptions {
                retries: 1,
                ..opts()
            },
            vec!["timed out".into(), "manifest.json".into()],
        ),
        (
            "redirect loop",
            Box::new(|f| {
                f.redirect
                    .insert("/snap/manifest.json".into(), "/other/manifest.json".into());
                f.redirect
                    .insert("/other/manifest.json".into(), "/snap/manifest.json".into());
            }),
            opts(),
            vec!["redirect loop".into(), format!("{url}manifest.json")],
        ),
        (
            "truncated body",
            Box::new(|f| {
                f.truncate.insert(big.clone());
            }),
            opts(),
            vec!["truncated".into()],
        ),
    ];
    for (what, fault, options, expect) in cases {
        server.clear();
        fault(&mut server.faults());
        let e = h
            .sync(&SyncRequest {
                sources: vec![url.clone()],
                options,
                ..Default::default()
            })
            .expect_err(what);
        let msg = e.to_string();
        eprintln!("{what}: {msg}");
        for x in &expect {
            assert!(
                msg.contains(x.as_str()),
                "{what}: {msg:?} should contain {x:?}"
            );
        }
        common::assert_unchanged(&h, &b, what);
    }

    // Plain http to a remote host is refused before any request.
    let e = h.sync(&req("http://example.org/snap/")).unwrap_err();
    assert!(matches!(e, SyncError::Refused { .. }), "{e}");
    common::assert_unchanged(&h, &b, "plain http");

    // Cancelled from the progress callback once some bytes arrived: nothing changes, no debris.
    // (The finished .part files of the failures above are dropped so that there is work left.)
    std::fs::remove_dir_all(h.data_dir().join("cache/sync")).unwrap();
    server.clear();
    let cancel = Arc::new(AtomicBool::new(false));
    let c2 = cancel.clone();
    let control = SyncControl {
        progress: Some(Arc::new(move |p: &hublot::sync::Progress| {
            if p.bytes_done > 1_000_000 {
                c2.store(true, Ordering::Relaxed);
            }
        })),
        cancel,
    };
    let e = h.sync_with(&req(&url), &control).unwrap_err();
    assert!(matches!(e, SyncError::Cancelled), "{e}");
    common::assert_unchanged(&h, &b, "cancelled");

    // And then, the faults gone, the sync completes (reusing the finished .part files).
    server.clear();
    let r = h.sync(&req(&url)).unwrap();
    assert!(matches!(r.outcome, SyncOutcome::Updated { .. }));
    assert_ne!(h.snapshot().unwrap().id, b.id);
    let parts = h.data_dir().join("cache/sync");
    assert!(
        !walkdir::WalkDir::new(parts)
            .into_iter()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".part")),
        "parts are removed after a successful sync"
    );
}

#[test]
fn signatures_are_checked_when_a_key_is_pinned() {
    let (src, public) = signed_docs_snapshot();
    let (root, server) = serve_copy(src);
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let url = server.url();
    let with_key = |k: &str| SyncRequest {
        publisher_key: Some(k.into()),
        ..req(&url)
    };

    // Another publisher's key.
    let other = hublot::sync::sign::keygen(&KeygenRequest {
        out: dir.path().join("other.key"),
        force: false,
    })
    .unwrap();
    let e = h.sync(&with_key(&other.public_key)).unwrap_err();
    assert!(e.to_string().contains("bad signature"), "{e}");
    common::assert_unchanged(&h, &b, "other key");

    // A tampered manifest (a field changed after signing).
    let mp = root.path().join("manifest.json");
    let signed = std::fs::read_to_string(&mp).unwrap();
    let mut m: Manifest = serde_json::from_str(&signed).unwrap();
    m.publisher = "someone else".into();
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let e = h.sync(&with_key(public)).unwrap_err();
    assert!(e.to_string().contains("bad signature"), "{e}");
    common::assert_unchanged(&h, &b, "tampered manifest");

    // An unsigned manifest.
    m.signature = None;
    std::fs::write(&mp, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let e = h.sync(&with_key(public)).unwrap_err();
    assert!(e.to_string().contains("not signed"), "{e}");
    common::assert_unchanged(&h, &b, "unsigned manifest");

    // The pinned key from the settings, and the real manifest: accepted.
    std::fs::write(&mp, signed).unwrap();
    h.set_setting("sync.publisher_key", public).unwrap();
    let r = h.sync(&req(&url)).unwrap();
    assert!(r.sources[0].signature_verified);
    assert!(matches!(r.outcome, SyncOutcome::Updated { .. }));

    // Pinning another key later: the mirror no longer counts, the manifest is fetched again in
    // full (no 304 shortcut) and refused.
    let b = common::before(&h);
    server.clear();
    let e = h.sync(&with_key(&other.public_key)).unwrap_err();
    assert!(e.to_string().contains("bad signature"), "{e}");
    let hits = server.hits();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].if_none_match.is_none() && hits[0].status == 200);
    common::assert_unchanged(&h, &b, "key pinned after a sync");
    // With the right key, one conditional request.
    server.clear();
    let r = h.sync(&req(&url)).unwrap();
    assert_eq!(r.outcome, SyncOutcome::UpToDate);
    assert_eq!(server.hits()[0].status, 304);
}

// ---------------------------------------------------------------------------------------------
// Archives.

fn tar_gz(entries: &[(&str, tar::EntryType, &[u8], Option<&str>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, kind, data, link) in entries {
        let mut h = tar::Header::new_gnu();
        // Written raw: the tar crate refuses `..` and absolute paths in set_path.
        let raw = &mut h.as_old_mut().name;
        raw.fill(0);
        raw[..name.len()].copy_from_slice(name.as_bytes());
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        if let Some(l) = link {
            h.set_link_name(l).unwrap();
        }
        h.set_cksum();
        b.append(&h, *data).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

fn zip_bytes(entries: &[(&str, &[u8], Option<u32>)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data, mode) in entries {
        let o = zip::write::SimpleFileOptions::default();
        match mode {
            Some(m) if m & 0o170000 == 0o120000 => {
                w.add_symlink(*name, std::str::from_utf8(data).unwrap(), o)
                    .unwrap();
            }
            _ => {
                w.start_file(*name, o).unwrap();
                w.write_all(data).unwrap();
            }
        }
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn archives_are_extracted_safely() {
    use tar::EntryType as T;
    let t = tempfile::tempdir().unwrap();
    let lim = archive::ExtractLimits::default();
    let try_extract = |name: &str, bytes: Vec<u8>, lim: archive::ExtractLimits| {
        let p = t.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let dest = t.path().join(format!("{name}.out"));
        let r = archive::extract(&p, &dest, lim);
        (r, dest)
    };
    let bad: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "dotdot.tar.gz",
            tar_gz(&[
                ("ok.txt", T::Regular, b"ok", None),
                ("../evil.txt", T::Regular, b"x", None),
            ]),
            "`..`",
        ),
        (
            "deep-dotdot.tar.gz",
            tar_gz(&[("a/b/../../../evil.txt", T::Regular, b"x", None)]),
            "`..`",
        ),
        (
            "absolute.tar.gz",
            tar_gz(&[("/tmp/hublot-evil.txt", T::Regular, b"x", None)]),
            "absolute",
        ),
        (
            "symlink.tar.gz",
            tar_gz(&[("link", T::Symlink, b"", Some("/etc/passwd"))]),
            "symbolic link",
        ),
        (
            "hardlink.tar.gz",
            tar_gz(&[("link", T::Link, b"", Some("/etc/passwd"))]),
            "hard link",
        ),
        (
            "device.tar.gz",
            tar_gz(&[("dev", T::Char, b"", None)]),
            "device",
        ),
        (
            "dotdot.zip",
            zip_bytes(&[("../evil.txt", b"x", None)]),
            "`..`",
        ),
        (
            "absolute.zip",
            zip_bytes(&[("/tmp/hublot-evil.txt", b"x", None)]),
            "absolute",
        ),
        (
            "symlink.zip",
            zip_bytes(&[("link", b"/etc/passwd", Some(0o120777))]),
            "symbolic link",
        ),
    ];
    for (name, bytes, why) in bad {
        let (r, _) = try_extract(name, bytes, lim);
        let e = r.expect_err(name).to_string();
        assert!(e.contains(why), "{name}: {e}");
        assert!(e.contains(name), "{name}: the error names the archive: {e}");
        assert!(!t.path().join("evil.txt").exists());
        assert!(!Path::new("/tmp/hublot-evil.txt").exists());
    }
    // Limits: entries and bytes.
    let many: Vec<(String, T, Vec<u8>, Option<&str>)> = (0..20)
        .map(|i| (format!("f{i}.txt"), T::Regular, b"abc".to_vec(), None))
        .collect();
    let many_ref: Vec<(&str, T, &[u8], Option<&str>)> = many
        .iter()
        .map(|(n, k, d, l)| (n.as_str(), *k, d.as_slice(), *l))
        .collect();
    let (r, _) = try_extract(
        "many.tar.gz",
        tar_gz(&many_ref),
        archive::ExtractLimits {
            max_files: 10,
            max_bytes: 1 << 20,
        },
    );
    assert!(r.unwrap_err().to_string().contains("more than 10 entries"));
    let big = vec![b'a'; 100_000];
    let (r, _) = try_extract(
        "big.zip",
        zip_bytes(&[("big.txt", &big, None)]),
        archive::ExtractLimits {
            max_files: 10,
            max_bytes: 50_000,
        },
    );
    assert!(r.unwrap_err().to_string().contains("50000"));
    // A GitHub-like archive: a pax global header and one top-level directory.
    let (r, dest) = try_extract(
        "good.tar.gz",
        tar_gz(&[
            ("pax_global_header", T::XGlobalHeader, b"", None),
            ("repo-main/", T::Directory, b"", None),
            ("repo-main/docs/a.md", T::Regular, b"# A\n", None),
            ("./repo-main/b.md", T::Regular, b"# B\n", None),
        ]),
        lim,
    );
    let r = r.unwrap();
    assert_eq!(r.files, 2);
    assert_eq!(r.root, dest.join("repo-main"));
    assert_eq!(std::fs::read(r.root.join("docs/a.md")).unwrap(), b"# A\n");
}

/// The corpus finder's download path (tests/common/corpus.rs), against this server: archives
/// shaped like GitHub's (one top folder) are fetched once into a cache with Hublot's HTTP client
/// and extractor, only the selected files kept and checked against the pinned digest; a second
/// call downloads nothing; a mirror is tried when the first URL fails; a wrong digest or an
/// unreachable server fails with the URL and the reason.
#[test]
fn corpus_finder_fetches_pinned_archives_once_over_loopback() {
    use common::corpus::{fetch_into, tree_digest, Source};
    use tar::EntryType as T;
    let root = tempfile::tempdir().unwrap();
    std::fs::write(
        root.path().join("schema.tar.gz"),
        tar_gz(&[
            ("schema-abc/", T::Directory, b"", None),
            ("schema-abc/schemas/", T::Directory, b"", None),
            (
                "schema-abc/schemas/T.json",
                T::Regular,
                b"{\"name\": \"T\"}",
                None,
            ),
            ("schema-abc/LICENSE", T::Regular, b"MPL-2.0", None),
            ("schema-abc/notebooks/n.py", T::Regular, b"left out", None),
        ]),
    )
    .unwrap();
    std::fs::write(
        root.path().join("docs.tar.gz"),
        tar_gz(&[
            ("docs-def/", T::Directory, b"", None),
            ("docs-def/README.md", T::Regular, b"# Docs", None),
            ("docs-def/files/big.pdf", T::Regular, b"%PDF", None),
        ]),
    )
    .unwrap();
    // The expected digests, from the files the selection should keep.
    let expect = tempfile::tempdir().unwrap();
    let want = |files: &[(&str, &[u8])]| {
        let d = expect.path().join(files[0].0.replace('/', "_"));
        for (p, b) in files {
            std::fs::create_dir_all(d.join(p).parent().unwrap()).unwrap();
            std::fs::write(d.join(p), b).unwrap();
        }
        tree_digest(&d).unwrap()
    };
    let schema_digest = want(&[
        ("schemas/T.json", b"{\"name\": \"T\"}"),
        ("LICENSE", b"MPL-2.0"),
    ]);
    let docs_digest = want(&[("README.md", b"# Docs")]);
    let server = Server::start(root.path());
    let sources = |schema_digest: &str| {
        vec![
            Source {
                name: "schema-snds".into(),
                // The first URL is gone: the mirror after it is used.
                urls: vec![
                    format!("{}gone.tar.gz", server.url()),
                    format!("{}schema.tar.gz", server.url()),
                ],
                commit: "abc".into(),
                select: |p| (p == "LICENSE" || p.starts_with("schemas/")).then(|| p.to_string()),
                digest: schema_digest.into(),
            },
            Source {
                name: "documentation-snds".into(),
                urls: vec![format!("{}docs.tar.gz", server.url())],
                commit: "def".into(),
                select: |p| p.ends_with(".md").then(|| p.to_string()),
                digest: docs_digest.clone(),
            },
        ]
    };
    let cache = tempfile::tempdir().unwrap();
    let got = fetch_into(cache.path(), &sources(&schema_digest)).unwrap();
    assert_eq!(got, cache.path());
    assert_eq!(
        std::fs::read(got.join("schema-snds/schemas/T.json")).unwrap(),
        b"{\"name\": \"T\"}"
    );
    assert!(got.join("schema-snds/LICENSE").is_file());
    assert!(!got.join("schema-snds/notebooks").exists());
    assert!(got.join("documentation-snds/README.md").is_file());
    assert!(!got.join("documentation-snds/files").exists());
    let paths: Vec<(String, u16)> = server
        .hits()
        .into_iter()
        .map(|h| (h.path, h.status))
        .collect();
    assert_eq!(
        paths,
        [
            ("/snap/gone.tar.gz".to_string(), 404),
            ("/snap/schema.tar.gz".to_string(), 200),
            ("/snap/docs.tar.gz".to_string(), 200),
        ]
    );
    // Nothing left but the sources and the bookkeeping.
    let mut names: Vec<String> = std::fs::read_dir(cache.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".lock", ".pins", "documentation-snds", "schema-snds"]
    );

    // Once there, a source is not downloaded again.
    server.clear();
    fetch_into(cache.path(), &sources(&schema_digest)).unwrap();
    assert!(server.hits().is_empty(), "{:?}", server.hits());

    // Another pin: downloaded again, refused when the files do not match, the old copy kept.
    let e = fetch_into(cache.path(), &sources(&"0".repeat(64))).unwrap_err();
    assert!(
        e.contains("/snap/schema.tar.gz") && e.contains("do not match the pinned commit abc"),
        "{e}"
    );
    assert!(got.join("schema-snds/schemas/T.json").is_file());

    // No server: the error names the URL.
    let fresh = tempfile::tempdir().unwrap();
    let down = vec![Source {
        name: "schema-snds".into(),
        urls: vec!["http://127.0.0.1:9/schema.tar.gz".into()],
        commit: "abc".into(),
        select: |p| Some(p.to_string()),
        digest: schema_digest.clone(),
    }];
    let e = fetch_into(fresh.path(), &down).unwrap_err();
    assert!(e.contains("127.0.0.1:9/schema.tar.gz"), "{e}");
}

#[test]
fn an_archive_source_syncs_and_then_is_up_to_date() {
    // A .tar.gz of part of the real documentation tree, served over HTTP.
    let c = common::corpus();
    let t = tempfile::tempdir().unwrap();
    let tree = t.path().join("documentation-snds-main");
    common::copy_tree(
        &c.join("documentation-snds/glossaire"),
        &tree.join("glossaire"),
    );
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    b.append_dir_all("documentation-snds-main", &tree).unwrap();
    let bytes = b.into_inner().unwrap().finish().unwrap();
    let www = t.path().join("www");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("docs.tar.gz"), bytes).unwrap();
    let server = Server::start(&www);
    let url = format!("{}/snap/docs.tar.gz", server.base);
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let r = h.sync(&req(&url)).unwrap();
    let n = common::files(&tree, "md").len() as u64;
    match r.outcome {
        SyncOutcome::Updated { added, .. } => assert_eq!(added, n),
        o => panic!("{o:?}"),
    }
    assert_eq!(h.snapshot().unwrap().stats.docs, n);
    server.clear();
    let r = h.sync(&req(&url)).unwrap();
    assert_eq!(r.outcome, SyncOutcome::UpToDate);
    assert_eq!(server.hits().len(), 1);
    assert_eq!(server.hits()[0].status, 304);
}

#[test]
fn snapshot_build_writes_a_verifiable_manifest() {
    let out = corpus_snapshot();
    let m = Manifest::read(out).unwrap();
    m.verify(out).unwrap();
    assert_eq!(m.format_version, hublot::SNAPSHOT_FORMAT_VERSION);
    assert!(m.files.iter().any(|f| f.path == "bases.json"));
    assert!(m.files.iter().any(|f| f.path.starts_with("schemas/")));
    assert!(m.files.iter().any(|f| f.path.starts_with("nomenclatures/")));
    assert!(m.files.iter().any(|f| f.path.starts_with("docs/")));
    assert!(m.signature.is_none());
    // The signed one verifies with its key.
    let (signed, public) = signed_docs_snapshot();
    let sm = Manifest::read(signed).unwrap();
    let key = hublot::sync::sign::parse_public_key(public).unwrap();
    hublot::sync::sign::verify_manifest(&sm, &key, "docs").unwrap();
    // A directory that is not a snapshot is never overwritten.
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("precious.txt"), "keep").unwrap();
    let e = build_snapshot(&SnapshotBuildRequest {
        paths: vec![common::corpus().join("documentation-snds")],
        out: t.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap_err();
    assert!(e.to_string().contains("not a snapshot"), "{e}");
    assert!(t.path().join("precious.txt").exists());
}

/// `hublot sync` killed with SIGKILL at several points (manifest, downloads, build): the next
/// start opens the previous snapshot intact, and the next sync completes with the snapshot
/// before it kept for rollback. (Kills inside the pointer swap itself: tests/data_dir.rs.)
#[test]
fn sync_killed_at_any_point_leaves_the_previous_snapshot() {
    let (_t, server) = serve_copy(corpus_snapshot());
    let data = tempfile::tempdir().unwrap();
    let h = common::open_fr(data.path());
    let b = common::before(&h);
    drop(h);
    let bin = env!("CARGO_BIN_EXE_hublot");
    let sync = || {
        std::process::Command::new(bin)
            .arg("--data-dir")
            .arg(data.path())
            .args(["sync", "--quiet", "--timeout", "5", &server.url()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // A full sync of this snapshot takes several seconds here: these points fall in the
    // manifest fetch, the downloads, and the build of the store and index.
    for ms in [30u64, 250, 700, 1500, 2500, 3500, 5000] {
        let mut child = sync();
        std::thread::sleep(std::time::Duration::from_millis(ms));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL on Unix
        child.wait().unwrap();
        let h = common::open_fr(data.path());
        if finished || h.snapshot().unwrap().id != b.id {
            // The swap of `current` had happened: the new snapshot must then be whole.
            let s = h.stats().unwrap();
            assert!(
                s.tables > 100 && s.docs > 100,
                "killed at {ms} ms after the swap: {s:?}"
            );
            assert_eq!(
                hublot::store::DataDir::new(data.path()).unwrap().previous(),
                Some(b.id.clone()),
                "killed at {ms} ms after the swap: previous is not the snapshot before"
            );
            eprintln!("sync had activated its snapshot before {ms} ms; no later kill points");
            break;
        }
        assert_unchanged_after_kill(&h, &b, ms);
    }
    let out = std::process::Command::new(bin)
        .arg("--data-dir")
        .arg(data.path())
        .args(["sync", "--quiet", &server.url()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let h = common::open_fr(data.path());
    let s = h.stats().unwrap();
    assert!(
        s.tables > 100 && s.docs > 100,
        "the corpus snapshot is active: {s:?}"
    );
    assert_ne!(h.snapshot().unwrap().id, b.id);
    // The killed attempts left the pointer pair whole: rollback returns to the first snapshot.
    assert_eq!(
        hublot::store::DataDir::new(data.path()).unwrap().previous(),
        Some(b.id.clone())
    );
    assert_eq!(h.rollback().unwrap().id, b.id);
}

/// After a kill the active snapshot is the same and byte-identical; debris is allowed (the
/// next sync cleans or reuses it) but never read.
fn assert_unchanged_after_kill(h: &Hublot, b: &common::Before, ms: u64) {
    assert_eq!(
        h.snapshot().unwrap().id,
        b.id,
        "killed at {ms} ms: active snapshot changed"
    );
    let d = common::tree_digest(&h.data_dir().join("snapshots").join(&b.id));
    assert!(
        d == b.digest,
        "killed at {ms} ms: the active snapshot's files changed"
    );
    let r = h
        .search(&SearchRequest {
            q: "décès".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(
        !r.hits.is_empty(),
        "killed at {ms} ms: the snapshot still answers"
    );
}

// ---------------------------------------------------------------------------------------------
// "Sync now": the background sync of the app and of `hublot serve` (sync.start / progress /
// cancel), and the data directory's write lock.

/// Polls `sync.progress` until the job leaves `running` (a test failure after 120 s).
fn wait_job(h: &Hublot) -> hublot::jobs::SyncJob {
    let end = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let j = h.sync_progress().unwrap();
        if j.state != hublot::jobs::JobState::Running {
            return j;
        }
        assert!(std::time::Instant::now() < end, "sync still running: {j:?}");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn background_sync_reports_progress_refuses_a_second_cancels_then_completes() {
    use hublot::jobs::JobState;
    let (_t, server) = serve_copy(corpus_snapshot());
    let d = common::data_dir();
    let h = common::open_fr(d.path());
    let b = common::before(&h);
    assert_eq!(h.sync_progress().unwrap().state, JobState::Idle);

    // The manifest answers only after the client's read timeout, once: the sync is surely
    // still running when the second start and the cancel arrive.
    server.faults().hang.insert("/snap/manifest.json".into(), 1);
    let started = h.sync_start(&req(&server.url())).unwrap();
    assert_eq!(started.state, JobState::Running);
    assert_eq!(started.id, 1);
    let second = h.sync_start(&req(&server.url())).unwrap_err();
    assert!(matches!(second, hublot::Error::Busy(_)), "{second}");
    assert_eq!(second.status(), 409);
    // The same through the one command surface the app and the HTTP API use.
    let via_call = h
        .call("sync.start", serde_json::json!({"sources": [server.url()]}))
        .unwrap_err();
    assert_eq!(via_call.status(), 409);
    let c = h.call("sync.cancel", serde_json::json!({})).unwrap();
    assert_eq!(c["cancel_requested"], true);
    let j = wait_job(&h);
    assert_eq!(j.state, JobState::Cancelled, "{j:?}");
    assert!(j.finished_at.is_some() && j.report.is_none());
    common::assert_unchanged(&h, &b, "after a cancelled background sync");

    // Again, to the end: progress is reported, and this handle follows the new snapshot.
    server.clear();
    let started = h.sync_start(&req(&server.url())).unwrap();
    assert_eq!(started.id, 2);
    let mut phases = HashSet::new();
    let j = loop {
        let j = h.sync_progress().unwrap();
        if let Some(p) = &j.progress {
            phases.insert(format!("{:?}", p.phase));
            assert!(p.bytes_done <= p.bytes_total || p.bytes_total == 0, "{p:?}");
        }
        if j.state != JobState::Running {
            break j;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    assert_eq!(j.state, JobState::Done, "{j:?}");
    let report = j.report.expect("a finished sync has its report");
    assert!(
        matches!(report.outcome, SyncOutcome::Updated { .. }),
        "{report:?}"
    );
    assert!(!phases.is_empty(), "no progress was ever reported");
    assert_eq!(h.snapshot().unwrap().id, report.snapshot);
    assert_ne!(report.snapshot, b.id);
    let hits = h
        .search(&SearchRequest {
            q: "BEN_DCD_DTE".into(),
            ..Default::default()
        })
        .unwrap();
    assert!(
        hits.hits.iter().any(|x| x.id.contains("BEN_DCD_DTE")),
        "the synced corpus is searchable from the handle that started the sync"
    );
    let settings: HashMap<_, _> = h.settings().unwrap().into_iter().collect();
    assert_eq!(settings.get("ui.lang").map(String::as_str), Some("fr"));

    // Nothing changed upstream: up to date, one request.
    server.clear();
    h.sync_start(&req(&server.url())).unwrap();
    let j = wait_job(&h);
    let report = j.report.expect("report");
    assert_eq!(report.outcome, SyncOutcome::UpToDate, "{report:?}");
    assert_eq!(server.hits().len(), 1, "{:?}", server.hits());
}

#[test]
fn one_writer_at_a_time_per_data_directory() {
    let d = common::data_dir();
    let h = common::open_fr(d.path());
    let b = common::before(&h);
    // Another writer (another process, or another thread here: the lock is an flock on its
    // own open file) holds the data directory.
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
    let root = d.path().to_path_buf();
    let holder = std::thread::spawn(move || {
        let dir = hublot::store::DataDir::new(root).unwrap();
        let lock = dir.write_lock().unwrap();
        held_tx.send(()).unwrap();
        release_rx.recv().unwrap();
        drop(lock);
    });
    held_rx.recv().unwrap();
    let docs = common::corpus().join("documentation-snds");
    let e = h
        .import(&hublot::ImportRequest {
            paths: vec![docs.clone()],
            force: false,
        })
        .unwrap_err();
    assert!(matches!(e, hublot::Error::Busy(_)), "{e}");
    assert!(e.to_string().contains("write.lock"), "names the lock: {e}");
    let e = h.sync(&req(docs.to_str().unwrap())).unwrap_err();
    assert!(e.to_string().contains("busy"), "{e}");
    let e = h.sync_start(&req(docs.to_str().unwrap())).unwrap_err();
    assert_eq!(e.status(), 409, "{e}");
    let e = h.rollback().unwrap_err();
    assert!(matches!(e, hublot::Error::Busy(_)), "{e}");
    common::assert_unchanged(&h, &b, "while another writer holds the lock");

    release_tx.send(()).unwrap();
    holder.join().unwrap();
    let r = h
        .import(&hublot::ImportRequest {
            paths: vec![docs],
            force: false,
        })
        .unwrap();
    assert!(!r.unchanged);
    assert_eq!(h.snapshot().unwrap().id, r.snapshot);
}

// ---------------------------------------------------------------------------------------------
// Part files after a failed download.

/// Every `.part` file under the data directory's sync cache, with its size.
fn part_files(h: &Hublot) -> Vec<(String, u64)> {
    walkdir::WalkDir::new(h.data_dir().join("cache/sync"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            )
        })
        .collect()
}

/// An interrupted download keeps its `.part` (the next sync resumes it); a download that fails
/// in a way that cannot be resumed (404, wrong hash) removes it.
#[test]
fn a_failed_download_keeps_its_part_only_when_it_can_be_resumed() {
    let (root, server) = serve_copy(signed_docs_snapshot().0.as_path());
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let big = largest_files(root.path(), 1)[0].clone();
    let m = Manifest::read(root.path()).unwrap();
    let entry = m
        .files
        .iter()
        .find(|f| format!("/snap/{}", f.path) == big)
        .unwrap();
    let name = format!("{}.part", entry.sha256);
    let part_of_big = |h: &Hublot| {
        part_files(h)
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, len)| len)
    };
    let once = SyncOptions {
        retries: 0,
        ..opts()
    };
    let sync = |options: &SyncOptions| {
        h.sync(&SyncRequest {
            sources: vec![server.url()],
            options: options.clone(),
            ..Default::default()
        })
    };

    // Cut in the middle: kept, for the next sync to resume.
    server.faults().drop_mid.insert(big.clone(), 1);
    let e = sync(&once).unwrap_err();
    assert!(e.is_retryable(), "{e}");
    let len = part_of_big(&h).expect("the interrupted file's part is kept");
    assert!(len > 0 && len < entry.size, "{len} of {}", entry.size);
    common::assert_unchanged(&h, &b, "interrupted");

    // Then a 404 for it (asked with a Range from the part): nothing left to resume.
    server.clear();
    server.faults().not_found.insert(big.clone());
    let e = sync(&once).unwrap_err();
    assert!(e.to_string().contains("HTTP 404"), "{e}");
    assert_eq!(part_of_big(&h), None, "the part of a 404 is removed");
    common::assert_unchanged(&h, &b, "404");

    // A wrong hash: removed too.
    server.clear();
    server.faults().corrupt.insert(big.clone());
    let e = sync(&once).unwrap_err();
    assert!(matches!(e, SyncError::Hash { .. }), "{e}");
    assert_eq!(part_of_big(&h), None, "the part of a wrong hash is removed");
    common::assert_unchanged(&h, &b, "wrong hash");

    // The faults gone, the sync completes and leaves no part at all.
    server.clear();
    let r = sync(&opts()).unwrap();
    assert!(matches!(r.outcome, SyncOutcome::Updated { .. }), "{r:?}");
    assert_eq!(part_of_big(&h), None);
    assert!(part_files(&h).is_empty(), "{:?}", part_files(&h));
}

/// An archive's download is never resumed (its hash is not known in advance): whether the
/// transfer is cut, refused or the archive will not extract, no `archive.part` stays behind.
#[test]
fn a_failed_archive_download_leaves_no_part() {
    use tar::EntryType as T;
    // Incompressible, so that the body cut in the middle has bytes already written.
    let mut noise = Vec::with_capacity(200_000);
    let mut x = 0x2545_f491_4f6c_dd1du64;
    while noise.len() < 200_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise.extend_from_slice(&x.to_le_bytes());
    }
    let good = tar_gz(&[
        ("repo-main/docs/a.md", T::Regular, b"# A\n\nText.\n", None),
        ("repo-main/docs/noise.bin", T::Regular, &noise, None),
    ]);
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("docs.tar.gz"), &good).unwrap();
    let server = Server::start(www.path());
    let path = "/snap/docs.tar.gz";
    let url = format!("{}{path}", server.base);
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let once = SyncRequest {
        sources: vec![url.clone()],
        options: SyncOptions {
            retries: 0,
            ..opts()
        },
        ..Default::default()
    };

    server.faults().drop_mid.insert(path.into(), 1);
    let e = h.sync(&once).unwrap_err();
    assert!(e.is_retryable(), "{e}");
    assert!(server.hits().iter().all(|x| x.status == 200));
    assert!(part_files(&h).is_empty(), "cut: {:?}", part_files(&h));
    common::assert_unchanged(&h, &b, "archive cut");

    server.clear();
    server.faults().not_found.insert(path.into());
    h.sync(&once).unwrap_err();
    assert!(part_files(&h).is_empty(), "404: {:?}", part_files(&h));
    common::assert_unchanged(&h, &b, "archive 404");

    server.clear();
    std::fs::write(www.path().join("docs.tar.gz"), &good[..good.len() / 2]).unwrap();
    let e = h.sync(&once).unwrap_err();
    assert!(!e.is_retryable(), "{e}");
    assert!(
        part_files(&h).is_empty(),
        "bad archive: {:?}",
        part_files(&h)
    );
    common::assert_unchanged(&h, &b, "bad archive");

    std::fs::write(www.path().join("docs.tar.gz"), &good).unwrap();
    let r = h.sync(&once).unwrap();
    assert!(matches!(r.outcome, SyncOutcome::Updated { .. }), "{r:?}");
    assert!(part_files(&h).is_empty(), "{:?}", part_files(&h));
}

/// One 304 policy for every kind of source: a 304 means "unchanged" only in answer to the
/// validators of the last sync. To a first request (no validators) it is an error naming the
/// URL, for a snapshot's manifest, an archive and a catalogue's first page alike; no source is
/// taken as unchanged for it (an archive used to be, and its import then failed on a mirror
/// that did not exist).
#[test]
fn a_304_without_validators_is_an_error_for_every_kind_of_source() {
    use tar::EntryType as T;
    let www = tempfile::tempdir().unwrap();
    let archive = tar_gz(&[("repo-main/docs/a.md", T::Regular, b"# A\n", None)]);
    std::fs::write(www.path().join("docs.tar.gz"), &archive).unwrap();
    std::fs::write(
        www.path().join("catalog.ttl"),
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n<https://x.example/d> a dcat:Dataset .\n",
    )
    .unwrap();
    std::fs::create_dir_all(www.path().join("s")).unwrap();
    std::fs::write(www.path().join("s/manifest.json"), b"{}").unwrap();
    let server = Server::start(www.path());
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    for (path, source) in [
        ("/snap/s/manifest.json", format!("{}/snap/s/", server.base)),
        (
            "/snap/docs.tar.gz",
            format!("{}/snap/docs.tar.gz", server.base),
        ),
        (
            "/snap/catalog.ttl",
            format!("{}/snap/catalog.ttl", server.base),
        ),
    ] {
        server.clear();
        server.faults().not_modified.insert(path.into());
        let e = h.sync(&req(&source)).unwrap_err();
        assert!(
            matches!(&e, SyncError::Status { status: 304, url } if url.ends_with(path)),
            "{source}: {e:?}"
        );
        assert!(
            e.to_string()
                .ends_with("HTTP 304 Not Modified to a request without validators"),
            "{e}"
        );
        assert_eq!(server.hits().len(), 1, "{source}: {:?}", server.hits());
        assert_eq!(server.hits()[0].if_none_match, None);
        common::assert_unchanged(&h, &b, &source);
        assert!(part_files(&h).is_empty(), "{:?}", part_files(&h));
    }
}
