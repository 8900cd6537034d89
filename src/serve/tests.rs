//! The HTTP API against the bundled catalogue, over a real socket on loopback, as a table of
//! requests and what they must answer. (The full corpus and the UI are tested end to end in
//! `tests/e2e/`.)

use super::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::OnceLock;

struct Fixture {
    addr: SocketAddr,
    hublot: Arc<Hublot>,
    _dir: tempfile::TempDir,
}

fn server() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let hublot = Arc::new(Hublot::open(Some(dir.path().join("data"))).unwrap());
        let ui = dir.path().join("ui");
        std::fs::create_dir_all(ui.join("assets")).unwrap();
        std::fs::write(ui.join("index.html"), "<!doctype html><title>t</title>").unwrap();
        std::fs::write(ui.join("assets/app-1.js"), "console.log(1)").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let ui = ui.canonicalize().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let h = hublot.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(l.local_addr().unwrap()).unwrap();
                axum::serve(l, router(h, Some(ui), true)).await.unwrap();
            });
        });
        Fixture {
            addr: rx.recv().unwrap(),
            hublot,
            _dir: dir,
        }
    })
}

struct Res {
    status: u16,
    headers: String,
    body: String,
}

impl Res {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// Sends a raw request (the path exactly as given, no normalisation) and reads the answer.
fn raw(method: &str, path: &str, extra_headers: &str, body: &str) -> Res {
    let f = server();
    let mut s = TcpStream::connect(f.addr).unwrap();
    let host = if extra_headers.to_ascii_lowercase().contains("host:") {
        // `X-No-Host:` too: a request without any `Host`.
        String::new()
    } else {
        format!("Host: {}\r\n", f.addr)
    };
    let extra_headers = extra_headers.replace("X-No-Host: 1\r\n", "");
    // The server may answer (413) and close before an oversized body is all sent: a broken
    // pipe while writing, or a reset while reading after the answer, is not the test's failure.
    let _ = write!(
        s,
        "{method} {path} HTTP/1.1\r\n{host}{extra_headers}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut buf = Vec::new();
    if let Err(e) = s.read_to_end(&mut buf) {
        assert!(!buf.is_empty(), "{method} {path}: no answer ({e})");
    }
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    // Bodies are small here; undo chunked encoding if used.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        while let Some((len, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(len.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            out.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
        out
    } else {
        body.to_string()
    };
    Res {
        status,
        headers: head.to_string(),
        body,
    }
}

fn get(path: &str) -> Res {
    raw("GET", path, "", "")
}

fn is_error(r: &Res, status: u16) {
    assert_eq!(r.status, status, "{}", r.body);
    let v = r.json();
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["status"], status, "{v}");
    assert!(v["error"].as_str().is_some_and(|s| !s.is_empty()), "{v}");
}

#[test]
fn search_answers_what_the_core_answers() {
    let r = get("/api/search?q=date%20de%20d%C3%A9c%C3%A8s&limit=5");
    assert_eq!(r.status, 200, "{}", r.body);
    let mut got = r.json();
    let want = server()
        .hublot
        .search(&crate::SearchRequest {
            q: "date de décès".into(),
            limit: Some(5),
            ..Default::default()
        })
        .unwrap();
    // Compared as printed: `hublot search --json` serialises the struct.
    let mut want: Value = serde_json::from_str(&serde_json::to_string(&want).unwrap()).unwrap();
    got["took_ms"] = Value::Null;
    want["took_ms"] = Value::Null;
    assert_eq!(got, want);
    // The generic route gives the same.
    let mut g = get("/api/search.query?q=date%20de%20d%C3%A9c%C3%A8s&limit=5").json();
    g["took_ms"] = Value::Null;
    assert_eq!(g, want);
}

#[test]
fn page_routes() {
    let cases: &[(&str, u16, &str)] = &[
        ("/api/tables/IR_BEN_R", 200, "/table/name"),
        ("/api/variables/IR_BEN_R/BEN_SEX_COD", 200, "/variable/name"),
        (
            "/api/nomenclatures/IR_SEX_V?limit=1",
            200,
            "/nomenclature/name",
        ),
        ("/api/records/table/IR_BEN_R", 200, "/kind"),
        ("/api/stats", 200, "/tables"),
        ("/api/overview", 200, "/bases"),
        ("/api/bases", 200, "/0/id"),
        ("/api/tables", 200, "/0/name"),
        ("/api/docs", 200, ""),
        ("/api/settings", 200, ""),
        ("/api/-/version", 200, "/version"),
        ("/api/-/snapshot", 200, "/data_dir"),
        ("/api/-/operations", 200, "/0/name"),
        ("/api/table.get?name=IR_BEN_R", 200, "/table/name"),
    ];
    for (path, status, pointer) in cases {
        let r = get(path);
        assert_eq!(r.status, *status, "{path}: {}", r.body);
        if !pointer.is_empty() {
            assert!(r.json().pointer(pointer).is_some(), "{path}: {}", r.body);
        }
    }
    let n = get("/api/nomenclatures/IR_SEX_V?limit=1&offset=1").json();
    assert_eq!(n["codes"]["rows"].as_array().unwrap().len(), 1);
    assert_eq!(n["codes"]["offset"], 1);
    let b = get("/api/bases").json();
    let id = b[0]["id"].as_str().unwrap();
    assert_eq!(get(&format!("/api/bases/{id}")).status, 200);
}

#[test]
fn errors_share_one_body() {
    let cases: &[(&str, &str, &str, u16)] = &[
        ("GET", "/api/tables/NO_SUCH_TABLE", "", 404),
        ("GET", "/api/variables/IR_BEN_R/NOPE", "", 404),
        ("GET", "/api/nomenclatures/IR_SEX_V?limit=ten", "", 400),
        ("GET", "/api/search", "", 400),
        ("GET", "/api/no.such.op", "", 404),
        ("GET", "/api/nothing/here/at/all", "", 404),
        ("GET", "/api", "", 404),
        ("GET", "/api/settings.set?key=a&value=b", "", 405),
        ("GET", "/api/catalogue.rollback", "", 405),
        ("GET", "/api/catalogue.import?paths=/etc", "", 403),
        (
            "POST",
            "/api/catalogue.import",
            "Content-Type: application/json\r\n",
            403,
        ),
        ("DELETE", "/api/tables/IR_BEN_R", "", 405),
        (
            "POST",
            "/api/settings.set",
            "Content-Type: text/plain\r\n",
            415,
        ),
        ("GET", "/no-such-file.js", "", 404),
    ];
    for (method, path, headers, status) in cases {
        let body = if *method == "POST" {
            r#"{"key":"a","value":"b","paths":["/etc"]}"#
        } else {
            ""
        };
        let r = raw(method, path, headers, body);
        assert_eq!(r.status, *status, "{method} {path}: {}", r.body);
        is_error(&r, *status);
    }
}

#[test]
fn post_with_json() {
    let r = raw(
        "POST",
        "/api/settings.set",
        "Content-Type: application/json\r\n",
        r#"{"key":"ui.lang","value":"en"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let s = get("/api/settings").json();
    assert!(
        s.as_array()
            .unwrap()
            .iter()
            .any(|p| p[0] == "ui.lang" && p[1] == "en"),
        "{s}"
    );
    let r = raw(
        "POST",
        "/api/table.get",
        "Content-Type: application/json\r\n",
        r#"{"name":"IR_BEN_R"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn path_traversal_is_refused() {
    for path in [
        "/api/docs/../../../etc/passwd",
        "/api/docs/%2e%2e/%2e%2e/etc/passwd",
        "/api/docs/%2Fetc%2Fpasswd",
        "/api/docs/a/%00/b",
        "/api/docs/..%5c..%5cwindows",
        "/api/docs/C:%5Cwindows",
        "/api/tables/..",
        "/api/tables/%2e%2e",
        "/api/records/doc/../../secret.txt",
        "/api/doc.get?path=../../secret.txt",
        "/api/doc.get?path=/etc/passwd",
        "/api/search?q=a%00b",
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
    ] {
        let r = get(path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: {} {}",
            r.status,
            r.body
        );
        assert!(
            !r.body.contains("secret") || r.body.contains("invalid"),
            "{path}: {}",
            r.body
        );
        assert!(!r.body.contains("root:"), "{path}: {}", r.body);
        is_error(&r, r.status);
    }
}

#[test]
fn security_headers_everywhere() {
    for path in [
        "/",
        "/assets/app-1.js",
        "/api/stats",
        "/api/tables/NOPE",
        "/nope",
    ] {
        let r = get(path);
        assert_eq!(
            r.header("content-security-policy").as_deref(),
            Some(CSP),
            "{path}"
        );
        assert_eq!(
            r.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{path}"
        );
    }
    let js = get("/assets/app-1.js");
    assert_eq!(js.status, 200);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(js.header("cache-control").unwrap().contains("immutable"));
    let html = get("/");
    assert!(html
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
}

#[test]
fn foreign_host_names_are_refused() {
    let r = raw("GET", "/api/stats", "Host: evil.example\r\n", "");
    is_error(&r, 403);
    for ok in ["localhost:1", "127.0.0.1", "[::1]:8080", "LOCALHOST"] {
        let r = raw("GET", "/api/stats", &format!("Host: {ok}\r\n"), "");
        assert_eq!(r.status, 200, "{ok}");
    }
}

#[test]
fn remote_needs_permission() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let opts = ServeOptions {
        host: "0.0.0.0".into(),
        port: 0,
        ..Default::default()
    };
    let e = rt.block_on(resolve(&opts)).unwrap_err();
    assert!(matches!(e, ServeError::RemoteNotAllowed { .. }), "{e}");
    assert!(e.to_string().contains("--allow-remote"));
    let ok = ServeOptions {
        allow_remote: true,
        ..opts
    };
    assert!(rt.block_on(resolve(&ok)).is_ok());
    for h in ["127.0.0.1", "::1", "[::1]", "localhost"] {
        let o = ServeOptions {
            host: h.into(),
            port: 0,
            ..Default::default()
        };
        assert!(rt.block_on(resolve(&o)).unwrap().ip().is_loopback(), "{h}");
    }
}

#[test]
fn query_strings_decode_into_the_request_types() {
    let r = get("/api/search?q=sexe&limit=2&no_group=true");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["hits"].as_array().unwrap().len() <= 2);
    // A wrong type names the argument.
    let r = get("/api/search?q=sexe&limit=-1");
    is_error(&r, 400);
    assert!(r.body.contains("`limit`"), "{}", r.body);
    let r = get("/api/search?q=sexe&no_group=maybe");
    is_error(&r, 400);
    assert!(r.body.contains("`no_group`"), "{}", r.body);
}

#[test]
fn system_version_has_one_shape_everywhere() {
    let http = get("/api/-/version").json();
    let generic = get("/api/system.version").json();
    let call = server().hublot.call("system.version", Value::Null).unwrap();
    assert_eq!(http, generic);
    assert_eq!(http, call);
    assert_eq!(http["version"], env!("CARGO_PKG_VERSION"));
    let ops = get("/api/-/operations").json();
    let names: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    let table: Vec<&str> = crate::api::operations().map(|o| o.name).collect();
    assert_eq!(names, table);
}

/// What a page of another site can make a browser send: forms (`text/plain`, urlencoded,
/// multipart, with or without a body), `fetch` in `no-cors` mode, `<img>`. None may change
/// anything or run a search.
#[test]
fn cross_site_requests_are_refused() {
    let before = get("/api/-/snapshot").json()["id"].clone();
    for op in [
        "catalogue.rollback",
        "sync.start",
        "sync.cancel",
        "catalogue.sync",
        "settings.set",
    ] {
        let path = format!("/api/{op}");
        for ct in [
            "",
            "Content-Type: text/plain\r\n",
            "Content-Type: application/x-www-form-urlencoded\r\n",
            "Content-Type: multipart/form-data; boundary=x\r\n",
        ] {
            for body in ["", "{}", "key=a&value=b"] {
                let r = raw("POST", &path, ct, body);
                is_error(&r, 415);
            }
        }
        // Declared JSON but from another origin (a `fetch` with CORS preflight would be refused
        // by the browser; the server refuses it anyway).
        for origin in [
            "https://evil.example",
            "null",
            "http://127.0.0.1.evil.example",
        ] {
            let r = raw(
                "POST",
                &path,
                &format!("Content-Type: application/json\r\nOrigin: {origin}\r\n"),
                "",
            );
            is_error(&r, 403);
        }
        let r = raw(
            "POST",
            &path,
            "Content-Type: application/json\r\nSec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n",
            "",
        );
        is_error(&r, 403);
    }
    // An `<img src="http://127.0.0.1:8080/api/search?q=…">` on another site.
    let r = raw(
        "GET",
        "/api/search?q=a",
        "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: image\r\n",
        "",
    );
    is_error(&r, 403);
    // Following a link from another site to a page of the API still works.
    let r = raw(
        "GET",
        "/api/stats",
        "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\n",
        "",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // The UI itself: same origin, JSON.
    let f = server();
    let r = raw(
        "POST",
        "/api/sync.cancel",
        &format!(
            "Content-Type: application/json\r\nOrigin: http://{}\r\nSec-Fetch-Site: same-origin\r\n",
            f.addr
        ),
        "",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get("/api/-/snapshot").json()["id"], before);
}

#[test]
fn oversized_requests_are_refused_before_they_run() {
    let big = "a".repeat(MAX_BODY_BYTES + 10);
    let r = raw(
        "POST",
        "/api/search.query",
        "Content-Type: application/json\r\n",
        &format!(r#"{{"q":"{big}"}}"#),
    );
    is_error(&r, 413);
    let r = get(&format!(
        "/api/search?q={}",
        "a%20".repeat(MAX_QUERY_BYTES / 3)
    ));
    is_error(&r, 413);
}

#[test]
fn a_request_without_host_is_refused() {
    let r = raw("GET", "/api/stats", "X-No-Host: 1\r\n", "");
    is_error(&r, 400);
    assert!(r.body.contains("Host"), "{}", r.body);
}

/// Over HTTP a sync may only fetch network sources: a local folder (given, or in the
/// `sync.sources` setting) would let any page index a private folder and read it back, and the
/// error would tell whether a path exists.
#[test]
fn network_syncs_refuse_local_sources() {
    let f = server();
    let secret = f._dir.path().join("secret.txt");
    let json = "Content-Type: application/json\r\n";
    for source in [
        f._dir.path().display().to_string(),
        format!("file://{}", f._dir.path().display()),
        format!("healthdcat+file://{}", secret.display()),
        "/no/such/path".to_string(),
    ] {
        for op in ["catalogue.sync", "sync.start"] {
            let body = serde_json::json!({ "sources": [source] }).to_string();
            let r = raw("POST", &format!("/api/{op}"), json, &body);
            is_error(&r, 403);
            assert!(!r.body.contains("exist"), "{}", r.body);
        }
    }
    // Through the setting: the sync without sources uses it, and is refused the same way.
    let set =
        serde_json::json!({"key": "sync.sources", "value": f._dir.path().display().to_string()});
    assert_eq!(
        raw("POST", "/api/settings.set", json, &set.to_string()).status,
        200
    );
    let r = raw("POST", "/api/catalogue.sync", json, "{}");
    let _ = f.hublot.call(
        "settings.set",
        serde_json::json!({"key": "sync.sources", "value": ""}),
    );
    is_error(&r, 403);
}

/// The pinned publisher key and the DOI resolver decide whom a sync trusts and which server
/// `cite.refresh` contacts: a page reaching the server may not change them; the CLI and the app
/// may.
#[test]
fn trust_settings_are_local_only() {
    let f = server();
    let json = "Content-Type: application/json\r\n";
    for key in [
        "sync.publisher_key",
        "cite.doi_resolver",
        " cite.doi_resolver ",
    ] {
        let set = serde_json::json!({"key": key, "value": "http://127.0.0.1:9/"});
        let r = raw("POST", "/api/settings.set", json, &set.to_string());
        is_error(&r, 403);
        assert!(r.body.contains("command line"), "{}", r.body);
    }
    let kept = f.hublot.settings().unwrap();
    assert!(
        !kept
            .iter()
            .any(|(k, _)| k.contains("publisher_key") || k.contains("doi_resolver")),
        "{kept:?}"
    );
    // Other settings stay writable from the UI, and the local caller may set these.
    let set = serde_json::json!({"key": "ui.lang", "value": "en"});
    assert_eq!(
        raw("POST", "/api/settings.set", json, &set.to_string()).status,
        200
    );
    f.hublot
        .call(
            "settings.set",
            serde_json::json!({"key": "cite.doi_resolver", "value": "http://127.0.0.1:9"}),
        )
        .unwrap();
    assert!(f
        .hublot
        .settings()
        .unwrap()
        .contains(&("cite.doi_resolver".into(), "http://127.0.0.1:9".into())));
}

/// A need statement over HTTP: created and edited with same-origin JSON, read through its page
/// twins, exported as the file itself; a cross-site form cannot write one.
#[test]
fn need_statements_over_http() {
    let json = "Content-Type: application/json\r\n";
    let r = raw(
        "POST",
        "/api/need.new",
        json,
        r#"{"title": "Par HTTP", "route": "mr-004"}"#,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["id"].as_i64().unwrap();
    let add =
        serde_json::json!({"id": id, "items": ["variable/IR_BEN_R/BEN_SEX_COD"], "why": "Sexe"});
    let r = raw("POST", "/api/need.add", json, &add.to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    let page = get(&format!("/api/needs/{id}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.json()["document"]["data"][0]["variable"],
        "BEN_SEX_COD"
    );
    assert_eq!(get(&format!("/api/needs/{id}/check")).status, 200);
    let file = get(&format!("/api/needs/{id}/export?format=json"));
    assert_eq!(file.status, 200, "{}", file.body);
    assert!(
        file.headers
            .to_ascii_lowercase()
            .contains("content-disposition: attachment"),
        "{}",
        file.headers
    );
    assert!(file.body.contains("\"format\": \"hublot.need-statement\""));
    // A write is never a GET, nor a form post from another site.
    assert_eq!(get(&format!("/api/need.delete?id={id}")).status, 405);
    let form =
        "Content-Type: application/x-www-form-urlencoded\r\nOrigin: https://evil.example\r\n";
    let r = raw("POST", "/api/need.delete", form, &format!("id={id}"));
    assert!(r.status == 415 || r.status == 403, "{}", r.status);
    assert_eq!(get(&format!("/api/needs/{id}")).status, 200);
    // A stale revision is a conflict.
    let doc = page.json()["document"].clone();
    let stale = serde_json::json!({"id": id, "document": doc, "rev": 0});
    is_error(
        &raw("POST", "/api/need.update", json, &stale.to_string()),
        409,
    );
}

/// Plain `hublot serve` has no draft: the Producer page's JSON twin and its event stream say so,
/// and a page cannot open one (a folder of the machine) nor export one by naming it.
#[test]
fn without_a_draft_the_producer_routes_answer_404_and_paths_are_refused() {
    let r = get("/api/producer");
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.json()["error"]
        .as_str()
        .unwrap()
        .contains("hublot preview"));
    let r = get("/api/-/producer/events");
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(get("/api/producer.status").json()["open"], false);
    let r = raw(
        "POST",
        "/api/producer.open",
        "Content-Type: application/json\r\n",
        r#"{"folder":"/etc"}"#,
    );
    assert_eq!(r.status, 403, "{}", r.body);
    let r = get("/api/producer.export?format=ttl&folder=%2Fetc");
    assert_eq!(r.status, 403, "{}", r.body);
}
