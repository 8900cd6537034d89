//! `hublot sync` of HealthDCAT-AP catalogues against a real HTTP server on 127.0.0.1 (written
//! here, counting requests and honouring `If-None-Match`), serving the paged collections of
//! `tests/fixtures/healthdcat/paged/sync-*` with their host rewritten to the server's address.
//! After every failure the previous snapshot is still active and byte-identical, and the user's
//! settings survive. (No corpus needed: the fixtures are written for these tests.)

mod common;

use hublot::sync::{
    Phase, Progress, SyncControl, SyncError, SyncOptions, SyncOutcome, SyncReport, SyncRequest,
};
use hublot::Hublot;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

// ---------------------------------------------------------------------------------------------
// The test server.

/// A document the server answers with.
#[derive(Clone)]
struct Doc {
    content_type: Option<String>,
    body: Vec<u8>,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Hit {
    /// Path and query, as sent.
    target: String,
    if_none_match: Option<String>,
    status: u16,
}

#[derive(Clone)]
struct Server {
    /// `http://127.0.0.1:PORT`.
    base: String,
    /// Request target (path and query) → document; anything else is a 404.
    docs: Arc<Mutex<HashMap<String, Doc>>>,
    /// Send an `ETag` and answer a matching `If-None-Match` with 304.
    etags: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Hit>>>,
}

impl Server {
    fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let s = Server {
            base: format!("http://{}", listener.local_addr().unwrap()),
            docs: Arc::default(),
            etags: Arc::new(AtomicBool::new(true)),
            log: Arc::default(),
        };
        let s2 = s.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let s = s2.clone();
                std::thread::spawn(move || {
                    let _ = s.handle(stream);
                });
            }
        });
        s
    }

    fn handle(&self, mut stream: std::net::TcpStream) -> std::io::Result<()> {
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut inm = None;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.trim().eq_ignore_ascii_case("if-none-match") {
                    inm = Some(v.trim().to_string());
                }
            }
        }
        let doc = self.docs.lock().unwrap().get(&target).cloned();
        let etags = self.etags.load(Ordering::SeqCst);
        let (status, head, body) = match doc {
            None => (404, "HTTP/1.1 404 Not Found\r\n".to_string(), Vec::new()),
            Some(d) => {
                let etag = format!("\"{}\"", &hublot::sync::http::sha256_bytes(&d.body)[..16]);
                if etags && inm.as_deref() == Some(etag.as_str()) {
                    (
                        304,
                        format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\n"),
                        Vec::new(),
                    )
                } else {
                    let mut head = "HTTP/1.1 200 OK\r\n".to_string();
                    if etags {
                        head.push_str(&format!("ETag: {etag}\r\n"));
                    }
                    if let Some(ct) = &d.content_type {
                        head.push_str(&format!("Content-Type: {ct}\r\n"));
                    }
                    (200, head, d.body)
                }
            }
        };
        self.log.lock().unwrap().push(Hit {
            target,
            if_none_match: inm,
            status,
        });
        let head = format!(
            "{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes())?;
        stream.write_all(&body)?;
        stream.flush()
    }

    fn put(&self, target: &str, content_type: Option<&str>, body: impl Into<Vec<u8>>) {
        self.docs.lock().unwrap().insert(
            target.to_string(),
            Doc {
                content_type: content_type.map(str::to_string),
                body: body.into(),
            },
        );
    }

    fn url(&self, target: &str) -> String {
        format!("{}{target}", self.base)
    }

    fn hits(&self) -> Vec<Hit> {
        self.log.lock().unwrap().clone()
    }

    fn targets(&self) -> Vec<String> {
        self.hits().into_iter().map(|h| h.target).collect()
    }

    fn clear_log(&self) {
        self.log.lock().unwrap().clear();
    }

    /// A fixture of `paged/`, its `https://dcat.example.org` IRIs moved to this server.
    fn fixture(&self, name: &str) -> String {
        std::fs::read_to_string(fixture_path(name))
            .unwrap()
            .replace("https://dcat.example.org", &self.base)
    }

    /// The three Turtle pages at `/catalog.ttl?page=N`, as CKAN serves them.
    fn serve_turtle_collection(&self) {
        for i in 1..=3 {
            let body = self.fixture(&format!("sync-page{i}.ttl"));
            self.put(
                &format!("/catalog.ttl?page={i}"),
                Some("text/turtle; charset=utf-8"),
                body,
            );
        }
    }
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/healthdcat/paged")
        .join(name)
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn opts() -> SyncOptions {
    SyncOptions {
        connect_timeout_ms: 2_000,
        read_timeout_ms: 5_000,
        retries: 1,
        backoff_ms: 10,
        ..Default::default()
    }
}

fn req(source: &str) -> SyncRequest {
    SyncRequest {
        sources: vec![source.to_string()],
        options: opts(),
        ..Default::default()
    }
}

fn base_ids(h: &Hublot) -> BTreeSet<String> {
    h.overview()
        .unwrap()
        .bases
        .into_iter()
        .map(|b| b.base.id)
        .collect()
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

const TURTLE_IDS: [&str; 5] = [
    "registre-dialyse-test",
    "cohorte-asthme-test",
    "entrepot-urgences-test",
    "enquete-vaccination-test",
    "base-naissances-test",
];

fn updated(r: &SyncReport) -> (u64, u64, u64, u64, u64) {
    match r.outcome {
        SyncOutcome::Updated {
            added,
            removed,
            changed,
            downloaded_files,
            downloaded_bytes,
        } => (added, removed, changed, downloaded_files, downloaded_bytes),
        ref o => panic!("expected an update, got {o:?}"),
    }
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a_paged_turtle_collection_syncs_then_is_up_to_date_then_resyncs_when_page_one_changes() {
    let server = Server::start();
    server.serve_turtle_collection();
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let bundled = h.snapshot().unwrap().id;
    let start = server.url("/catalog.ttl?page=1");

    // First sync: the three pages, in order, and every dataset becomes a base.
    let r = h.sync(&req(&start)).unwrap();
    let bytes: u64 = (1..=3)
        .map(|i| server.fixture(&format!("sync-page{i}.ttl")).len() as u64)
        .sum();
    assert_eq!(updated(&r), (3, 0, 0, 3, bytes));
    assert_eq!(r.sources[0].kind, "healthdcat");
    assert_eq!(r.requests, 3);
    assert_eq!(
        server.targets(),
        vec![
            "/catalog.ttl?page=1",
            "/catalog.ttl?page=2",
            "/catalog.ttl?page=3"
        ]
    );
    let first = h.snapshot().unwrap().id;
    assert_ne!(first, bundled);
    assert_eq!(r.snapshot, first);
    assert_eq!(base_ids(&h), ids(&TURTLE_IDS));
    let b = h.base("registre-dialyse-test").unwrap().base;
    assert_eq!(b.title.fr, "Registre de la dialyse (jeu de test)");
    assert_eq!(b.title.en, "Dialysis registry (test set)");
    assert_eq!(b.doi.as_deref(), Some("10.5072/hublot.sync.1"));
    assert_eq!(b.period.start.as_deref(), Some("2015-01-01"));
    assert_eq!(b.contact.as_deref(), Some("registre@dcat.example.org"));
    // Each page's `_:pub` is its own publisher (blank nodes of two pages never merge).
    let producer = |id: &str| h.base(id).unwrap().base.producer.unwrap().name;
    assert_eq!(
        producer("cohorte-asthme-test"),
        "Producteur de test, page 1"
    );
    assert_eq!(
        producer("entrepot-urgences-test"),
        "Producteur de test, page 2"
    );
    assert_eq!(
        producer("base-naissances-test"),
        "Producteur de test, page 3"
    );
    assert_eq!(
        h.base("entrepot-urgences-test")
            .unwrap()
            .base
            .doi
            .as_deref(),
        Some("10.5072/hublot.sync.2")
    );
    // The pages are staged as served, in order, with their URLs (the base of relative IRIs).
    let mirror = std::fs::read_dir(dir.path().join("cache/sync"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("mirror"))
        .find(|m| m.is_dir())
        .expect("a mirror");
    let list: serde_json::Value = serde_json::from_slice(
        &std::fs::read(mirror.join(hublot::ingest::healthdcat::PAGES_FILE)).unwrap(),
    )
    .unwrap();
    for i in 1..=3 {
        assert_eq!(
            list["pages"][i - 1],
            serde_json::json!({
                "file": format!("page-000{i}.ttl"),
                "url": server.url(&format!("/catalog.ttl?page={i}")),
            })
        );
        assert_eq!(
            std::fs::read_to_string(mirror.join(format!("page-000{i}.ttl"))).unwrap(),
            server.fixture(&format!("sync-page{i}.ttl"))
        );
    }
    let st = &h.sync_status(std::slice::from_ref(&start)).unwrap()[0];
    assert_eq!(st.url, start);
    assert!(st.etag.is_some() && st.sha256.len() == 64, "{st:?}");

    // Second sync: one conditional request for the first page, answered 304.
    server.clear_log();
    let r = h.sync(&req(&start)).unwrap();
    assert_eq!(r.outcome, SyncOutcome::UpToDate);
    let hits = server.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].target, "/catalog.ttl?page=1");
    assert_eq!(hits[0].if_none_match, st.etag);
    assert_eq!(hits[0].status, 304);
    assert_eq!(r.requests, 1);
    assert_eq!(h.snapshot().unwrap().id, first);

    // The first page changes: every page is fetched again, one page counts as changed.
    let page1 = server
        .fixture("sync-page1.ttl")
        .replace("Registre de la dialyse", "Registre national de la dialyse");
    server.put("/catalog.ttl?page=1", Some("text/turtle"), page1);
    server.clear_log();
    let r = h.sync(&req(&start)).unwrap();
    let (added, removed, changed, files, _) = updated(&r);
    assert_eq!((added, removed, changed, files), (0, 0, 1, 3));
    let hits = server.hits();
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert_eq!(
        (hits[0].status, hits[0].if_none_match.clone()),
        (200, st.etag.clone())
    );
    assert_ne!(h.snapshot().unwrap().id, first);
    assert_eq!(
        h.base("registre-dialyse-test").unwrap().base.title.fr,
        "Registre national de la dialyse (jeu de test)"
    );
    assert_eq!(base_ids(&h), ids(&TURTLE_IDS));
}

#[test]
fn without_validators_the_same_first_page_is_up_to_date_in_one_request() {
    let server = Server::start();
    server.etags.store(false, Ordering::SeqCst);
    server.serve_turtle_collection();
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let start = server.url("/catalog.ttl?page=1");
    updated(&h.sync(&req(&start)).unwrap());
    let first = h.snapshot().unwrap().id;

    server.clear_log();
    let r = h.sync(&req(&start)).unwrap();
    assert_eq!(r.outcome, SyncOutcome::UpToDate);
    let hits = server.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!((hits[0].status, hits[0].if_none_match.clone()), (200, None));
    assert_eq!(h.snapshot().unwrap().id, first);
}

#[test]
fn json_ld_without_an_extension_is_read_by_its_content_type() {
    let server = Server::start();
    server.put(
        "/api/catalogue",
        Some("application/ld+json; charset=utf-8"),
        server.fixture("sync-catalogue.jsonld"),
    );
    server.put(
        "/api/catalogue?page=2",
        Some("application/ld+json"),
        server.fixture("sync-catalogue-page2.jsonld"),
    );
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());

    // Without the prefix, a URL without an RDF extension is a Hublot snapshot's base URL.
    let b = common::before(&h);
    let err = h.sync(&req(&server.url("/api/catalogue"))).unwrap_err();
    assert!(
        err.to_string()
            .contains(&server.url("/api/catalogue/manifest.json")),
        "{err}"
    );
    common::assert_unchanged(&h, &b, "a catalogue taken for a snapshot");

    server.clear_log();
    let r = h
        .sync(&req(&format!(
            "healthdcat+{}",
            server.url("/api/catalogue")
        )))
        .unwrap();
    assert_eq!(updated(&r).3, 2);
    assert_eq!(
        server.targets(),
        vec!["/api/catalogue", "/api/catalogue?page=2"]
    );
    assert_eq!(
        base_ids(&h),
        ids(&["observatoire-sommeil-test", "registre-allergies-test"])
    );
    let b = h.base("observatoire-sommeil-test").unwrap().base;
    assert_eq!(b.doi.as_deref(), Some("10.5072/hublot.sync.4"));
    assert_eq!(b.title.en, "Sleep observatory (test set)");
    // Relative IRIs resolved against the page's URL, also when read back from the mirror.
    assert_eq!(
        b.extra["@id"],
        serde_json::json!(server.url("/api/datasets/observatoire-sommeil-test"))
    );

    // The Content-Type wins over the extension: Turtle served as `/export.rdf`.
    server.put(
        "/export.rdf",
        Some("text/turtle"),
        server.fixture("sync-page3.ttl"),
    );
    updated(&h.sync(&req(&server.url("/export.rdf"))).unwrap());
    assert_eq!(base_ids(&h), ids(&["base-naissances-test"]));
}

#[test]
fn plain_http_to_a_remote_host_is_refused_at_the_next_page() {
    let server = Server::start();
    server.serve_turtle_collection();
    let page1 = std::fs::read_to_string(fixture_path("sync-page1.ttl"))
        .unwrap()
        .replace(
            "hydra:nextPage \"https://dcat.example.org/",
            "hydra:nextPage \"http://dcat.example.org/",
        )
        .replace("https://dcat.example.org", &server.base);
    server.put("/catalog.ttl?page=1", Some("text/turtle"), page1);
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let start = server.url("/catalog.ttl?page=1");

    let err = h.sync(&req(&start)).unwrap_err();
    match &err {
        SyncError::Refused { url, message } => {
            assert_eq!(url, "http://dcat.example.org/catalog.ttl?page=2");
            assert!(message.contains("loopback"), "{message}");
            assert!(message.contains(&start), "{message}");
        }
        e => panic!("expected a refusal, got {e:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("http://dcat.example.org/catalog.ttl?page=2: refused"),
        "{err}"
    );
    assert_eq!(server.targets(), vec!["/catalog.ttl?page=1"]);
    common::assert_unchanged(&h, &b, "plain http next page");
}

#[test]
fn a_page_loop_or_too_many_pages_is_an_error_naming_the_pages() {
    let server = Server::start();
    server.serve_turtle_collection();
    let looping = server.fixture("sync-page2.ttl").replace(
        &format!("hydra:nextPage \"{}", server.url("/catalog.ttl?page=3")),
        &format!("hydra:nextPage \"{}", server.url("/catalog.ttl?page=1")),
    );
    server.put("/catalog.ttl?page=2", Some("text/turtle"), looping);
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let (p1, p2) = (
        server.url("/catalog.ttl?page=1"),
        server.url("/catalog.ttl?page=2"),
    );

    let err = h.sync(&req(&p1)).unwrap_err();
    assert!(matches!(err, SyncError::Catalogue { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!("{p1}: page loop: {p1} → {p2} → {p1}")
    );
    assert_eq!(server.targets().len(), 2);
    common::assert_unchanged(&h, &b, "page loop");

    // A well-formed collection longer than `max_pages`: page 3 is never requested.
    server.serve_turtle_collection();
    server.clear_log();
    let mut r = req(&p1);
    r.options.max_pages = 2;
    let err = h.sync(&r).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{p1}: the collection has more than 2 pages (max_pages); stopped before {}",
            server.url("/catalog.ttl?page=3")
        )
    );
    assert_eq!(
        server.targets(),
        vec!["/catalog.ttl?page=1", "/catalog.ttl?page=2"]
    );
    common::assert_unchanged(&h, &b, "too many pages");

    // Pages adding up to more than `max_total_bytes`: the page that goes over is named.
    server.clear_log();
    let mut r = req(&p1);
    r.options.max_total_bytes = server.fixture("sync-page1.ttl").len() as u64 + 1;
    match h.sync(&r).unwrap_err() {
        SyncError::TooLarge { url, message } => {
            assert_eq!(url, p2);
            assert!(message.contains("add up to more than"), "{message}");
        }
        e => panic!("expected too large, got {e:?}"),
    }
    assert_eq!(server.targets().len(), 2);
    common::assert_unchanged(&h, &b, "too many bytes");
}

#[test]
fn a_malformed_page_fails_with_its_url_and_line_and_keeps_the_active_snapshot() {
    let server = Server::start();
    server.serve_turtle_collection();
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let start = server.url("/catalog.ttl?page=1");
    updated(&h.sync(&req(&start)).unwrap());
    let b = common::before(&h);

    // Page 1 changes (so that the walk happens) and page 2 is broken.
    let page1 = server
        .fixture("sync-page1.ttl")
        .replace("Cohorte asthme", "Cohorte nationale asthme");
    server.put("/catalog.ttl?page=1", Some("text/turtle"), page1);
    server.put(
        "/catalog.ttl?page=2",
        Some("text/turtle"),
        server.fixture("sync-malformed.ttl"),
    );
    let err = h.sync(&req(&start)).unwrap_err();
    let p2 = server.url("/catalog.ttl?page=2");
    match &err {
        SyncError::Catalogue { url, message } => {
            assert_eq!(url, &p2);
            assert!(
                message.starts_with("line 8, column ") && message.contains("invalid Turtle"),
                "{message}"
            );
        }
        e => panic!("expected a page error, got {e:?}"),
    }
    assert!(
        err.to_string()
            .starts_with(&format!("{p2}: line 8, column ")),
        "{err}"
    );
    common::assert_unchanged(&h, &b, "malformed page");
    assert_eq!(
        h.base("cohorte-asthme-test").unwrap().base.title.fr,
        "Cohorte asthme de l'enfant (jeu de test)"
    );

    // The failure was not remembered as synced: once page 2 is fixed, the same first page
    // (same ETag as in the failed sync) is fetched in full and the update goes through.
    server.put(
        "/catalog.ttl?page=2",
        Some("text/turtle"),
        server.fixture("sync-page2.ttl"),
    );
    server.clear_log();
    let r = h.sync(&req(&start)).unwrap();
    assert_eq!(updated(&r).2, 1);
    assert_eq!(server.hits()[0].status, 200);
    assert_eq!(
        h.base("cohorte-asthme-test").unwrap().base.title.fr,
        "Cohorte nationale asthme de l'enfant (jeu de test)"
    );
}

#[test]
fn progress_is_reported_and_cancel_stops_between_pages() {
    let server = Server::start();
    server.serve_turtle_collection();
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let start = server.url("/catalog.ttl?page=1");
    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();

    // Cancelled as soon as the first page is reported: the second is never requested.
    let cancel = Arc::new(AtomicBool::new(false));
    let (s, c) = (seen.clone(), cancel.clone());
    let control = SyncControl {
        progress: Some(Arc::new(move |p: &Progress| {
            if p.phase == Phase::Download {
                c.store(true, Ordering::SeqCst);
            }
            s.lock().unwrap().push(p.clone());
        })),
        cancel,
    };
    let err = h.sync_with(&req(&start), &control).unwrap_err();
    assert!(matches!(err, SyncError::Cancelled), "{err:?}");
    assert_eq!(server.targets(), vec!["/catalog.ttl?page=1"]);
    common::assert_unchanged(&h, &b, "cancelled");

    // Without cancelling: the manifest phase, one report per page, the build, done.
    seen.lock().unwrap().clear();
    let s = seen.clone();
    let control = SyncControl {
        progress: Some(Arc::new(move |p: &Progress| {
            s.lock().unwrap().push(p.clone())
        })),
        cancel: Arc::default(),
    };
    updated(&h.sync_with(&req(&start), &control).unwrap());
    let seen = seen.lock().unwrap();
    let phases: Vec<Phase> = seen.iter().map(|p| p.phase).collect();
    assert_eq!(
        phases,
        vec![
            Phase::Manifest,
            Phase::Download,
            Phase::Download,
            Phase::Download,
            Phase::Build,
            Phase::Done
        ]
    );
    let pages: Vec<(u64, u64)> = seen
        .iter()
        .filter(|p| p.phase == Phase::Download)
        .map(|p| (p.files_done, p.files_total))
        .collect();
    assert_eq!(pages, vec![(1, 2), (2, 3), (3, 3)]);
    assert!(seen
        .iter()
        .all(|p| p.phase == Phase::Build || p.phase == Phase::Done || p.source == start));
}

#[test]
fn a_local_record_file_is_imported_in_place() {
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let record = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/healthdcat/registre-cardiopathies.ttl");
    let r = h.sync(&req(&record.display().to_string())).unwrap();
    assert_eq!(r.sources[0].kind, "healthdcat");
    assert_eq!(r.requests, 0);
    let bases = base_ids(&h);
    assert_eq!(bases.len(), 1, "{bases:?}");
    let id = bases.into_iter().next().unwrap();
    assert!(
        h.base(&id)
            .unwrap()
            .base
            .title
            .fr
            .contains("cardiopathies congénitales"),
        "{id}"
    );
    // Nothing is cached for a local file.
    assert!(
        !dir.path().join("cache/sync").exists()
            || std::fs::read_dir(dir.path().join("cache/sync"))
                .unwrap()
                .next()
                .is_none()
    );
}

/// "Billion laughs" through sync (it killed `hublot serve`): a page with `<!ENTITY>`
/// declarations is refused while the pages are walked, naming its URL, and a local record file
/// with them is refused at import, naming the file. The active snapshot is unchanged.
#[test]
fn entity_declarations_are_refused_by_sync_from_a_url_and_from_a_file() {
    let server = Server::start();
    let dir = common::data_dir();
    let h = common::open_fr(dir.path());
    let b = common::before(&h);
    let laughs = common::billion_laughs(8, 126);
    server.put("/catalog.rdf", Some("application/rdf+xml"), laughs.clone());
    let url = server.url("/catalog.rdf");
    match h.sync(&req(&url)).unwrap_err() {
        SyncError::Catalogue { url: u, message } => {
            assert_eq!(u, url);
            assert!(
                message.starts_with("line 3, column 2: invalid RDF/XML: entity declarations"),
                "{message}"
            );
        }
        e => panic!("expected a page error, got {e:?}"),
    }
    common::assert_unchanged(&h, &b, "entities over HTTP");

    let files = tempfile::tempdir().unwrap();
    let record = files.path().join("laughs.rdf");
    std::fs::write(&record, &laughs).unwrap();
    let err = h
        .sync(&req(&record.display().to_string()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("{}: line 3, column 2: ", record.display()))
            && err.contains("<!ENTITY"),
        "{err}"
    );
    common::assert_unchanged(&h, &b, "entities in a local record");
}
