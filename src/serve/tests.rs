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
        String::new()
    } else {
        format!("Host: {}\r\n", f.addr)
    };
    write!(
        s,
        "{method} {path} HTTP/1.1\r\n{host}{extra_headers}Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
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
fn params_become_typed_arguments() {
    let p = |v: &[(&str, &str)]| {
        params_to_args(
            &v.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>(),
        )
    };
    let m = p(&[("q", "x"), ("limit", "5"), ("no_group", "1"), ("kind", "")]).unwrap();
    assert_eq!(
        Value::Object(m),
        serde_json::json!({"q": "x", "limit": 5, "no_group": true})
    );
    assert!(p(&[("offset", "-1")]).is_err());
    assert!(p(&[("no_group", "maybe")]).is_err());
}
