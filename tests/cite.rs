//! `cite.get` on the bundled catalogue and on HealthDCAT-AP records: APA and Vancouver in French
//! and English hold what a reference needs; BibTeX is read back by a BibTeX parser, RIS by a RIS
//! parser (biblib), CSL-JSON is JSON with the fields; a base without a DOI is citable and says so.

use hublot::api::CiteRequest;
use hublot::cite::{Citation, CiteStyle, ItemRole, ItemSource, Lang};
use hublot::{Hublot, ImportRequest};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/healthdcat")
        .join(name)
}

fn bundled() -> (tempfile::TempDir, Hublot) {
    let dir = tempfile::tempdir().unwrap();
    let h = Hublot::open(Some(dir.path().to_path_buf())).unwrap();
    (dir, h)
}

/// A data directory whose catalogue is the RNCC registry (DOI 10.5072/rncc.2024, coverage
/// 2005–2023, a reference publication by DOI).
fn registry() -> (tempfile::TempDir, Hublot) {
    let (dir, h) = bundled();
    h.import(&ImportRequest {
        paths: vec![fixture("registre-cardiopathies.ttl")],
        force: true,
    })
    .unwrap();
    (dir, h)
}

fn cite(h: &Hublot, id: &str, style: CiteStyle, lang: Lang) -> Citation {
    h.cite(&CiteRequest {
        id: id.into(),
        style: Some(style),
        lang: Some(lang),
        accessed: Some("2025-03-07".into()),
    })
    .unwrap_or_else(|e| panic!("{id} {style:?} {lang:?}: {e}"))
}

#[test]
fn apa_and_vancouver_hold_title_producer_year_and_doi_in_both_languages() {
    let (_d, h) = registry();
    let mut seen = Vec::new();
    for style in [CiteStyle::Apa, CiteStyle::Vancouver] {
        for lang in [Lang::Fr, Lang::En] {
            let c = cite(&h, "rncc-2024", style, lang);
            let t = &c.items[0].text;
            let title = match lang {
                Lang::Fr => "Registre national des cardiopathies congénitales",
                Lang::En => "National registry of congenital heart defects",
            };
            assert!(t.contains(title), "{style:?} {lang:?}: title in {t}");
            assert!(t.contains("2023"), "{style:?} {lang:?}: year in {t}");
            assert!(
                t.contains("https://doi.org/10.5072/rncc.2024")
                    || t.contains("doi:10.5072/rncc.2024"),
                "{style:?} {lang:?}: DOI in {t}"
            );
            assert!(
                t.contains("Institut de veille cardiopédiatrique"),
                "{style:?} {lang:?}: producer in {t}"
            );
            // Neither the producer (author and publisher) nor the DOI (DOI and URL) twice.
            assert_eq!(
                t.matches("Institut de veille cardiopédiatrique").count(),
                1,
                "{t}"
            );
            assert_eq!(t.matches("10.5072/rncc.2024").count(), 1, "{t}");
            assert_eq!(c.doi.as_deref(), Some("10.5072/rncc.2024"));
            assert_eq!(
                c.doi_url.as_deref(),
                Some("https://doi.org/10.5072/rncc.2024")
            );
            assert!(
                !c.warnings
                    .iter()
                    .any(|w| w.contains("DOI manquant") || w.contains("Missing DOI")),
                "{:?}",
                c.warnings
            );
            seen.push((style, lang, t.clone()));
        }
    }
    // The styles differ, and so do the languages within a style.
    for (i, a) in seen.iter().enumerate() {
        for b in &seen[i + 1..] {
            assert_ne!(a.2, b.2, "{:?} {:?} and {:?} {:?}", a.0, a.1, b.0, b.1);
        }
    }
}

#[test]
fn a_base_without_doi_is_citable_and_says_the_doi_is_missing() {
    let (_d, h) = bundled();
    for lang in [Lang::Fr, Lang::En] {
        for style in CiteStyle::ALL {
            let c = cite(&h, "dcir", style, lang);
            assert_eq!(c.doi, None);
            assert!(!c.text.is_empty());
            let missing = match lang {
                Lang::Fr => "DOI manquant",
                Lang::En => "Missing DOI",
            };
            assert!(
                c.warnings.iter().any(|w| w.contains(missing)),
                "{style:?} {lang:?}: {:?}",
                c.warnings
            );
        }
        let c = cite(&h, "dcir", CiteStyle::Apa, lang);
        let t = &c.items[0].text;
        assert!(t.contains("DCIR"), "{t}");
        assert!(
            t.contains("Caisse nationale de l'Assurance Maladie")
                || t.contains("Caisse nationale de l’Assurance Maladie"),
            "{t}"
        );
        // Still fed: no date of publication, the date of access instead.
        assert!(t.contains("2025"), "{t}");
        assert!(t.contains("https://"), "where to find it: {t}");
    }
}

#[test]
fn the_reference_publication_comes_second() {
    let (_d, h) = bundled();
    let c = cite(&h, "snds", CiteStyle::Apa, Lang::Fr);
    assert_eq!(c.items.len(), 2, "{:?}", c.items);
    assert_eq!(c.items[0].role, ItemRole::Dataset);
    assert_eq!(c.items[1].role, ItemRole::ReferencePublication);
    assert_eq!(c.items[1].source, ItemSource::CatalogueText);
    assert!(c.items[1]
        .text
        .contains("Système national des données de santé"));
    assert!(c.text.starts_with(&c.items[0].text));
    assert!(c.text.ends_with(&c.items[1].text));

    // A reference publication known by its DOI only (HealthDCAT-AP dct:isReferencedBy).
    let (_d, h) = registry();
    let c = cite(&h, "rncc-2024", CiteStyle::Vancouver, Lang::En);
    assert_eq!(c.items.len(), 2, "{:?}", c.items);
    assert_eq!(c.items[1].doi.as_deref(), Some("10.5072/rncc.protocole"));
    assert_eq!(c.items[1].source, ItemSource::DoiOnly);
    assert!(c.items[1]
        .text
        .contains("https://doi.org/10.5072/rncc.protocole"));
    assert!(
        c.warnings
            .iter()
            .any(|w| w.contains("10.5072/rncc.protocole")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn bibtex_is_read_back_by_a_bibtex_parser() {
    use biblatex::ChunksExt;
    let (_d, h) = registry();
    let c = cite(&h, "rncc-2024", CiteStyle::Bibtex, Lang::Fr);
    let bib =
        biblatex::Bibliography::parse(&c.text).unwrap_or_else(|e| panic!("{e:?}\n{}", c.text));
    assert_eq!(bib.len(), 2, "{}", c.text);
    let e = bib.get("rncc-2024").expect("keyed by the base id");
    assert_eq!(
        e.get("title").unwrap().format_verbatim(),
        "Registre national des cardiopathies congénitales (RNCC)"
    );
    assert_eq!(e.get("doi").unwrap().format_verbatim(), "10.5072/rncc.2024");
    assert_eq!(e.get("year").unwrap().format_verbatim(), "2023");
    let authors = e.author().unwrap();
    assert_eq!(authors.len(), 1, "the producer is one author, not split");
    assert!(authors[0]
        .name
        .contains("Institut de veille cardiopédiatrique"));
    assert_eq!(c.media_type, "application/x-bibtex");
    assert_eq!(c.filename, "rncc-2024.bib");

    // The bundled bases too, each with its reference text.
    let (_d, h) = bundled();
    for id in ["snds", "dcir", "pmsi-mco", "constances"] {
        let c = cite(&h, id, CiteStyle::Bibtex, Lang::En);
        let bib = biblatex::Bibliography::parse(&c.text)
            .unwrap_or_else(|e| panic!("{id}: {e:?}\n{}", c.text));
        assert_eq!(bib.len(), 2, "{id}: {}", c.text);
        let e = bib.get(id).unwrap();
        assert!(e.get("doi").is_none());
        assert!(e.get("url").is_some(), "{id}: {}", c.text);
        assert_eq!(e.get("urldate").unwrap().format_verbatim(), "2025-03-07");
        assert!(bib.get(&format!("{id}-ref")).unwrap().get("note").is_some());
    }
}

#[test]
fn ris_records_are_well_formed() {
    let (_d, h) = registry();
    let c = cite(&h, "rncc-2024", CiteStyle::Ris, Lang::Fr);
    let records: Vec<&str> = c
        .text
        .split("ER  - \n")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(records.len(), 2, "{}", c.text);
    assert!(c.text.ends_with("ER  - \n"));
    for r in c.text.split("\n\n") {
        let lines: Vec<&str> = r.lines().filter(|l| !l.is_empty()).collect();
        assert!(lines[0].starts_with("TY  - "), "{r}");
        assert_eq!(*lines.last().unwrap(), "ER  - ", "{r}");
        for l in &lines {
            let b = l.as_bytes();
            assert!(
                b.len() >= 6
                    && b[0].is_ascii_uppercase()
                    && b[1].is_ascii_alphanumeric()
                    && &l[2..6] == "  - ",
                "{l:?}"
            );
        }
    }
    let first: Vec<&str> = c.text.lines().take_while(|l| *l != "ER  - ").collect();
    assert_eq!(first[0], "TY  - DATA");
    for want in [
        "DO  - 10.5072/rncc.2024",
        "PY  - 2023",
        "TI  - Registre national des cardiopathies congénitales (RNCC)",
        "Y2  - 2025/03/07/",
        "LA  - fr",
    ] {
        assert!(first.contains(&want), "{want} in {first:?}");
    }
    assert!(first.iter().any(|l| l.starts_with("AU  - ")));
    assert_eq!(c.media_type, "application/x-research-info-systems");
    // What a reference manager reads: a RIS parser finds both records with their fields.
    use biblib::CitationParser;
    let parsed = biblib::RisParser::new()
        .parse(&c.text)
        .unwrap_or_else(|e| panic!("{e}\n{}", c.text));
    assert_eq!(parsed.len(), 2, "{parsed:?}");
    assert_eq!(
        parsed[0].title,
        "Registre national des cardiopathies congénitales (RNCC)"
    );
    assert_eq!(parsed[0].doi.as_deref(), Some("10.5072/rncc.2024"));
    assert!(!parsed[0].authors.is_empty(), "{:?}", parsed[0]);
    assert_eq!(parsed[0].date.as_ref().map(|d| d.year), Some(2023));
}

#[test]
fn csl_json_parses_back_with_its_fields() {
    let (_d, h) = registry();
    let c = cite(&h, "rncc-2024", CiteStyle::CslJson, Lang::En);
    let v: Value = serde_json::from_str(&c.text).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2);
    let d = &items[0];
    assert_eq!(d["id"], "rncc-2024");
    assert_eq!(d["type"], "dataset");
    assert_eq!(
        d["title"],
        "National registry of congenital heart defects (RNCC)"
    );
    assert_eq!(d["DOI"], "10.5072/rncc.2024");
    assert_eq!(d["issued"]["date-parts"][0][0], 2023);
    assert_eq!(
        d["accessed"]["date-parts"][0],
        serde_json::json!([2025, 3, 7])
    );
    assert!(d["author"][0]["literal"]
        .as_str()
        .unwrap()
        .contains("Institut de veille cardiopédiatrique"));
    assert_eq!(items[1]["DOI"], "10.5072/rncc.protocole");
    // Each item is also given alone.
    let one: Value = serde_json::from_str(&c.items[0].text).unwrap();
    assert_eq!(&one, d);
}

#[test]
fn the_operation_answers_through_call_and_refuses_bad_arguments() {
    let (_d, h) = bundled();
    let v = h
        .call(
            "cite.get",
            serde_json::json!({"id": "dcir", "style": "vancouver", "lang": "en"}),
        )
        .unwrap();
    assert_eq!(v["style"], "vancouver");
    assert_eq!(v["lang"], "en");
    assert!(v["text"].as_str().unwrap().contains("DCIR"));
    // Defaults: APA in French.
    let v = h
        .call("cite.get", serde_json::json!({"id": "dcir"}))
        .unwrap();
    assert_eq!(v["style"], "apa");
    assert_eq!(v["lang"], "fr");

    let e = h
        .call(
            "cite.get",
            serde_json::json!({"id": "dcir", "style": "mla"}),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("`style`"), "{e}");
    let e = h
        .call("cite.get", serde_json::json!({"id": "nope"}))
        .unwrap_err()
        .to_string();
    assert!(e.contains("base `nope`"), "{e}");
    let e = h
        .call(
            "cite.get",
            serde_json::json!({"id": "dcir", "accessed": "7 mars"}),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("7 mars") && e.contains("`accessed`"), "{e}");
}

#[test]
fn every_bundled_base_is_citable_in_every_style() {
    let (_d, h) = bundled();
    for b in h.bases().unwrap() {
        for style in CiteStyle::ALL {
            for lang in [Lang::Fr, Lang::En] {
                let c = cite(&h, &b.base.id, style, lang);
                assert!(!c.items.is_empty() && !c.text.trim().is_empty());
            }
        }
    }
}

#[test]
#[ignore = "prints the citations, for people"]
fn print_examples() {
    let (_d, h) = registry();
    for style in CiteStyle::ALL {
        for lang in [Lang::Fr, Lang::En] {
            let c = cite(&h, "rncc-2024", style, lang);
            println!("=== {style:?} {lang:?}\n{}\n--- {:?}", c.text, c.warnings);
        }
    }
    let (_d, h) = bundled();
    for lang in [Lang::Fr, Lang::En] {
        for style in [CiteStyle::Apa, CiteStyle::Vancouver] {
            let c = cite(&h, "dcir", style, lang);
            println!(
                "=== dcir {style:?} {lang:?}\n{}\n--- {:?}",
                c.text, c.warnings
            );
        }
    }
}

#[test]
fn the_command_line_prints_the_text_or_the_json() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_hublot"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (ok, out, err) = run(&["cite", "dcir", "--style", "bibtex", "--lang", "en"]);
    assert!(ok, "{err}");
    let bib = biblatex::Bibliography::parse(&out).unwrap_or_else(|e| panic!("{e:?}\n{out}"));
    assert!(bib.get("dcir").is_some(), "{out}");
    assert!(err.contains("Missing DOI"), "warnings on stderr: {err}");

    let (ok, out, err) = run(&["cite", "dcir", "--json", "--accessed", "2025-03-07"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["style"], "apa");
    assert_eq!(v["lang"], "fr");
    assert!(v["text"].as_str().unwrap().contains("7 mars 2025"), "{v}");

    let (ok, _, err) = run(&["cite", "dcir", "--style", "mla"]);
    assert!(!ok);
    assert!(err.contains("mla") && err.contains("vancouver"), "{err}");
}

/// A stand-in for doi.org on 127.0.0.1: content negotiation with a redirect to the "agency",
/// CSL-JSON for two DOIs, 404 otherwise. Records the Accept header of each request.
struct FakeResolver {
    url: String,
    accepts: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
    addr: std::net::SocketAddr,
}

impl FakeResolver {
    fn start() -> FakeResolver {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let accepts = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (a2, s2) = (accepts.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming().take(50) {
                if s2.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                reader.read_line(&mut first).unwrap();
                let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).unwrap() == 0 || l == "\r\n" {
                        break;
                    }
                    if let Some(v) = l.to_ascii_lowercase().strip_prefix("accept:") {
                        a2.lock().unwrap().push(v.trim().to_string());
                    }
                }
                let (status, extra, body) = match path.as_str() {
                    "/10.5072/rncc.2024" => (
                        "302 Found",
                        "Location: /agency/rncc.2024\r\n".to_string(),
                        String::new(),
                    ),
                    "/agency/rncc.2024" => ("200 OK", String::new(), serde_json::json!({
                        "type": "dataset", "id": "https://doi.org/10.5072/rncc.2024",
                        "DOI": "10.5072/rncc.2024",
                        "title": "Registre national des cardiopathies congénitales, version 2024",
                        "author": [{"literal": "Institut de veille cardiopédiatrique"}],
                        "publisher": "DataCite test agency",
                        "issued": {"date-parts": [[2024, 6, 30]]},
                        "version": "2024",
                    }).to_string()),
                    "/10.5072/rncc.protocole" => ("200 OK", String::new(), serde_json::json!([{
                        "type": "article-journal", "DOI": "10.5072/rncc.protocole",
                        "title": "Protocole du registre national des cardiopathies congénitales",
                        "author": [{"family": "Martin", "given": "Claire"}, {"family": "Petit", "given": "Louis"}],
                        "container-title": "Revue d'épidémiologie de test",
                        "volume": 12, "issue": "3", "page": "101-109",
                        "issued": {"date-parts": [[2021, 3]]},
                    }]).to_string()),
                    _ => ("404 Not Found", String::new(), "no such DOI".into()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\n{extra}Content-Type: application/vnd.citationstyles.csl+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FakeResolver {
            url: format!("http://{addr}"),
            accepts,
            stop,
            thread: Some(thread),
            addr,
        }
    }

    fn stop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

#[test]
fn refresh_from_a_resolver_then_cite_offline_from_the_kept_records() {
    let (_d, h) = registry();
    let mut fake = FakeResolver::start();
    h.set_setting("cite.doi_resolver", &fake.url).unwrap();
    let req = CiteRequest {
        id: "rncc-2024".into(),
        style: Some(CiteStyle::Apa),
        lang: Some(Lang::En),
        accessed: Some("2025-03-07".into()),
    };
    let c = h.cite_refresh(&req).unwrap();
    assert_eq!(c.items[0].source, ItemSource::DoiOrg);
    assert_eq!(c.items[1].source, ItemSource::DoiOrg);
    let t = &c.items[0].text;
    assert!(t.contains("version 2024") && t.contains("(2024"), "{t}");
    let p = &c.items[1].text;
    assert!(
        // APA title-cases an English (or unmarked) journal title.
        p.contains("Martin, C., & Petit, L. (2021)")
            && p.to_lowercase()
                .contains("revue d'épidémiologie de test, 12(3), 101–109"),
        "{p}"
    );
    assert!(p.contains("https://doi.org/10.5072/rncc.protocole"), "{p}");
    assert!(
        !c.warnings.iter().any(|w| w.contains("only its DOI")),
        "{:?}",
        c.warnings
    );
    // Content negotiation asked for CSL-JSON, redirect included (3 requests).
    let accepts = fake.accepts.lock().unwrap().clone();
    assert_eq!(accepts.len(), 3, "{accepts:?}");
    assert!(accepts
        .iter()
        .all(|a| a == "application/vnd.citationstyles.csl+json"));
    fake.stop();

    // Offline: `cite.get` uses the kept records, in every format.
    let again = h.cite(&req).unwrap();
    assert_eq!(again.text, c.text);
    let v: Value = serde_json::from_str(
        &h.cite(&CiteRequest {
            style: Some(CiteStyle::CslJson),
            ..req.clone()
        })
        .unwrap()
        .text,
    )
    .unwrap();
    assert_eq!(v[1]["container-title"], "Revue d'épidémiologie de test");
    assert_eq!(v[0]["id"], "rncc-2024");
    let bib = h
        .cite(&CiteRequest {
            style: Some(CiteStyle::Bibtex),
            ..req.clone()
        })
        .unwrap()
        .text;
    let parsed = biblatex::Bibliography::parse(&bib).unwrap();
    assert_eq!(parsed.len(), 2, "{bib}");

    // Refresh with the resolver gone: a warning, and the kept records still.
    let c = h.cite_refresh(&req).unwrap();
    assert!(
        c.warnings.len() == 1
            && c.warnings[0].contains("Could not refresh")
            && c.warnings[0].contains(&fake.url)
            && c.warnings[0].contains("cannot connect")
            && c.warnings[0].contains("10.5072/rncc.2024, 10.5072/rncc.protocole"),
        "{:?}",
        c.warnings
    );
    assert_eq!(c.items[0].source, ItemSource::DoiOrg);
    assert_eq!(c.text, again.text);
}
