//! Browsing, profiling and charting the synthetic samples (issue #10): pages, sort, filters and
//! labels checked against SQL written here, independently of the core; the CSV export read back
//! with the csv crate; profiles against SQL aggregates; the cache across a reopen and a new
//! import; charts parsed as XML; hostile column names and values refused or bound.

mod common;

use hublot::api::{ChartRequest, ProfileRequest, RowsRequest};
use hublot::{Hublot, ImportRequest};
use rusqlite::types::Value as SqlValue;
use rusqlite::Connection;
use serde_json::Value;
use std::path::PathBuf;

fn samples_path(h: &Hublot) -> PathBuf {
    let id = h.snapshot().unwrap().id;
    h.data_dir()
        .join("snapshots")
        .join(id)
        .join("samples.sqlite")
}

fn catalogue_path(h: &Hublot) -> PathBuf {
    samples_path(h).with_file_name("catalogue.sqlite")
}

/// An independent read-only connection to the active snapshot's samples.
fn samples(h: &Hublot) -> Connection {
    Connection::open_with_flags(samples_path(h), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap()
}

fn json(v: SqlValue) -> Value {
    match v {
        SqlValue::Null => Value::Null,
        SqlValue::Integer(i) => i.into(),
        SqlValue::Real(x) => serde_json::Number::from_f64(x).map(Value::Number).unwrap(),
        SqlValue::Text(s) => s.into(),
        SqlValue::Blob(_) => "(blob)".into(),
    }
}

/// Rows of an SQL query, as JSON values.
fn sql_rows(c: &Connection, q: &str, params: &[&dyn rusqlite::ToSql]) -> Vec<Vec<Value>> {
    let mut st = c.prepare(q).unwrap();
    let n = st.column_count();
    st.query_map(params, |r| {
        (0..n)
            .map(|i| r.get::<_, SqlValue>(i).map(json))
            .collect::<rusqlite::Result<Vec<_>>>()
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn rows(name: &str) -> RowsRequest {
    RowsRequest {
        name: name.into(),
        ..Default::default()
    }
}

#[test]
fn pages_sort_and_filters_match_sql_on_the_bundled_samples() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let c = samples(&h);
    // Paging: page 2 of 7 rows is rows 8 to 14 in storage order.
    let p = h
        .sample_rows(&RowsRequest {
            page: Some(2),
            limit: Some(7),
            ..rows("ER_PRS_F")
        })
        .unwrap();
    assert_eq!(p.offset, 7);
    assert_eq!(
        p.rows,
        sql_rows(
            &c,
            "SELECT * FROM ER_PRS_F ORDER BY rowid LIMIT 7 OFFSET 7",
            &[]
        )
    );
    let all: i64 = c
        .query_row("SELECT count(*) FROM ER_PRS_F", [], |r| r.get(0))
        .unwrap();
    assert_eq!((p.total, p.table_rows), (all as u64, all as u64));

    // Sort by any column, both ways, nulls last; ties in storage order.
    for (col, desc) in [
        ("PRS_PAI_MNT", true),
        ("EXE_SOI_DTD", false),
        ("PRE_PRE_DTD", true),
    ] {
        let p = h
            .sample_rows(&RowsRequest {
                sort: Some(col.into()),
                desc: Some(desc),
                limit: Some(500),
                ..rows("ER_PRS_F")
            })
            .unwrap();
        let dir = if desc { "DESC" } else { "ASC" };
        let want = sql_rows(
            &c,
            &format!(
                "SELECT * FROM ER_PRS_F ORDER BY \"{col}\" IS NULL, \"{col}\" {dir}, rowid LIMIT 500"
            ),
            &[],
        );
        assert_eq!(p.rows, want, "sort by {col} {dir}");
    }

    // Filters: equals, contains, range, between, null, not null — counted as SQL counts them.
    let cases: [(&[&str], &str); 7] = [
        (&["BEN_SEX_COD=2"], "BEN_SEX_COD = 2"),
        (&["BEN_RES_DPT~01"], "BEN_RES_DPT LIKE '%01%'"),
        (
            &["PRS_PAI_MNT>=20", "PRS_PAI_MNT<50"],
            "PRS_PAI_MNT >= 20 AND PRS_PAI_MNT < 50",
        ),
        (
            &["EXE_SOI_DTD=2019-03-01..2019-06-30"],
            "EXE_SOI_DTD BETWEEN '2019-03-01' AND '2019-06-30'",
        ),
        (&["PRE_PRE_DTD:null"], "PRE_PRE_DTD IS NULL"),
        (&["PRE_PRE_DTD:notnull"], "PRE_PRE_DTD IS NOT NULL"),
        (
            &["BEN_SEX_COD!=1", "PRS_NAT_REF=1111"],
            "BEN_SEX_COD <> 1 AND PRS_NAT_REF = 1111",
        ),
    ];
    for (filters, cond) in cases {
        let p = h
            .sample_rows(&RowsRequest {
                filter: Some(filters.iter().map(|s| s.to_string()).collect()),
                limit: Some(500),
                ..rows("ER_PRS_F")
            })
            .unwrap();
        let want = sql_rows(
            &c,
            &format!("SELECT * FROM ER_PRS_F WHERE {cond} ORDER BY rowid"),
            &[],
        );
        assert_eq!(p.total, want.len() as u64, "{filters:?}");
        assert_eq!(p.rows, want, "{filters:?}");
        assert!(
            p.total > 0 || cond.contains("NULL"),
            "{filters:?} should match rows"
        );
    }
}

#[test]
fn codes_come_with_their_labels_from_the_code_lists() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let p = h
        .sample_rows(&RowsRequest {
            limit: Some(500),
            ..rows("IR_BEN_R")
        })
        .unwrap();
    let cat = Connection::open(catalogue_path(&h)).unwrap();
    let sex = p.labels.get("BEN_SEX_COD").expect("labels of BEN_SEX_COD");
    let col = p
        .columns
        .iter()
        .position(|c| c.name == "BEN_SEX_COD")
        .unwrap();
    assert_eq!(p.columns[col].nomenclature.as_deref(), Some("IR_SEX_V"));
    for r in &p.rows {
        let code = r[col].to_string();
        let want: String = cat
            .query_row(
                "SELECT label FROM codes WHERE nomenclature='IR_SEX_V' AND code=?1",
                [&code],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(sex.get(&code), Some(&want), "label of sex {code}");
    }
    // Only the codes of the page are looked up.
    let one = h
        .sample_rows(&RowsRequest {
            filter: Some(vec!["BEN_SEX_COD=1".into()]),
            limit: Some(500),
            ..rows("IR_BEN_R")
        })
        .unwrap();
    assert_eq!(
        one.labels["BEN_SEX_COD"].keys().collect::<Vec<_>>(),
        ["1"],
        "labels of the codes shown only"
    );
}

#[test]
fn the_csv_export_holds_exactly_the_filtered_rows() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let c = samples(&h);
    let req = RowsRequest {
        filter: Some(vec!["BEN_SEX_COD=2".into(), "PRS_PAI_MNT>=25".into()]),
        sort: Some("PRS_PAI_MNT".into()),
        desc: Some(true),
        limit: Some(3), // ignored by the export
        ..rows("ER_PRS_F")
    };
    let dl = h.sample_export(&req).unwrap();
    assert_eq!(dl.filename, "ER_PRS_F.csv");
    assert!(dl.media_type.starts_with("text/csv"));
    let mut r = csv::Reader::from_reader(&dl.bytes[..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let got: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    let want = sql_rows(
        &c,
        "SELECT * FROM ER_PRS_F WHERE BEN_SEX_COD = 2 AND PRS_PAI_MNT >= 25 \
         ORDER BY PRS_PAI_MNT IS NULL, PRS_PAI_MNT DESC, rowid",
        &[],
    );
    assert!(want.len() > 3, "the filter keeps several rows");
    assert_eq!(got.len(), want.len());
    let cols: Vec<String> = c
        .prepare("SELECT * FROM ER_PRS_F")
        .unwrap()
        .column_names()
        .map(String::from)
        .collect();
    assert_eq!(header, cols);
    for (g, w) in got.iter().zip(&want) {
        let w: Vec<String> = w
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Number(n) if n.is_f64() => n.as_f64().unwrap().to_string(),
                v => v.to_string(),
            })
            .collect();
        assert_eq!(g, &w);
    }
    // Over HTTP and in the app, the same export through the operation table.
    let v = h
        .call(
            "samples.export",
            serde_json::json!({"name": "ER_PRS_F", "filter": ["BEN_SEX_COD=2", "PRS_PAI_MNT>=25"], "sort": "PRS_PAI_MNT", "desc": true}),
        )
        .unwrap();
    assert_eq!(v["filename"], "ER_PRS_F.csv");
}

/// Checks every column profile of `table` against SQL aggregates computed here.
fn check_profile(h: &Hublot, c: &Connection, table: &str) -> hublot::samples::TableProfile {
    let p = h.table_profile(table).unwrap();
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let t = q(table);
    let n: i64 = c
        .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
        .unwrap();
    assert_eq!(p.rows, n as u64, "{table}: rows");
    for col in &p.columns {
        let k = q(&col.column.name);
        let (nulls, distinct, min, max): (i64, i64, SqlValue, SqlValue) = c
            .query_row(
                &format!("SELECT count(*) - count({k}), count(DISTINCT {k}), min({k}), max({k}) FROM {t}"),
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let what = format!("{table}.{}", col.column.name);
        assert_eq!(col.nulls, nulls as u64, "{what}: nulls");
        assert_eq!(col.distinct, distinct as u64, "{what}: distinct");
        assert_eq!(col.min, json(min), "{what}: min");
        assert_eq!(col.max, json(max), "{what}: max");
        if let Some(top) = col.top.first() {
            let most: i64 = c
                .query_row(
                    &format!("SELECT count(*) AS n FROM {t} WHERE {k} IS NOT NULL GROUP BY {k} ORDER BY n DESC LIMIT 1"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(top.count, most as u64, "{what}: top count");
            let of_top: i64 = c
                .query_row(
                    &format!("SELECT count(*) FROM {t} WHERE {k} = ?1"),
                    [match &top.value {
                        Value::Number(x) if x.is_i64() => SqlValue::Integer(x.as_i64().unwrap()),
                        Value::Number(x) => SqlValue::Real(x.as_f64().unwrap()),
                        Value::String(s) => SqlValue::Text(s.clone()),
                        _ => SqlValue::Null,
                    }],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(top.count, of_top as u64, "{what}: count of the top value");
        }
        if let Some(ch) = &col.chart {
            let in_bars: u64 = ch.bars.iter().map(|b| b.count).sum::<u64>() + ch.other;
            assert!(
                in_bars <= (n - nulls) as u64,
                "{what}: the chart counts more rows than there are values"
            );
            if ch.kind == hublot::samples::ChartKind::Bars {
                assert_eq!(in_bars, (n - nulls) as u64, "{what}: bars + other = values");
            }
        }
    }
    p
}

#[test]
fn profiles_match_sql_and_are_cached_per_snapshot() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let c = samples(&h);
    let tables: Vec<String> = c
        .prepare("SELECT name FROM _hublot_samples ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(tables.len() >= 10);
    for t in &tables {
        let p = check_profile(&h, &c, t);
        assert!(!p.cached, "{t}: first profile is computed");
    }
    // Labels of the top codes come from the code list.
    let ben = h.table_profile("IR_BEN_R").unwrap();
    assert!(ben.cached, "second call from the cache");
    let sex = ben
        .columns
        .iter()
        .find(|c| c.column.name == "BEN_SEX_COD")
        .unwrap();
    assert!(sex.top.iter().all(|t| t.label.is_some()), "{:?}", sex.top);
    assert_eq!(
        sex.chart.as_ref().unwrap().kind,
        hublot::samples::ChartKind::Bars
    );
    let dates = ben
        .columns
        .iter()
        .find(|c| c.column.name == "BEN_DTE_INS")
        .unwrap();
    assert_eq!(
        dates.chart.as_ref().unwrap().kind,
        hublot::samples::ChartKind::Histogram
    );
    drop(c);
    drop(h);

    // A reopened data directory reads the cache; a new import is a new snapshot: recomputed.
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let again = h.table_profile("IR_BEN_R").unwrap();
    assert!(again.cached, "cache hit after a reopen");
    assert_eq!(again.columns, ben.columns);
    let synth = common::corpus().join("synthetic-snds");
    h.import(&ImportRequest {
        paths: vec![synth],
        force: false,
    })
    .unwrap();
    let c = samples(&h);
    let after = h.table_profile("IR_BEN_R").unwrap();
    assert!(!after.cached, "a new snapshot invalidates the cache");
    assert_ne!(after.snapshot, ben.snapshot);
    // The cache keeps the live snapshots' profiles only.
    let dirs: Vec<String> = std::fs::read_dir(d.path().join("cache/profiles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(dirs.contains(&after.snapshot), "{dirs:?}");

    // Every sample table of the corpus's synthetic-snds, profiled and checked.
    let tables: Vec<String> = c
        .prepare("SELECT name FROM _hublot_samples ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(
        tables.len() > 100,
        "synthetic-snds has {} tables",
        tables.len()
    );
    for t in &tables {
        check_profile(&h, &c, t);
    }
}

#[test]
fn pages_and_exports_on_the_corpus_synthetic_snds() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    h.import(&ImportRequest {
        paths: vec![common::corpus().join("synthetic-snds")],
        force: false,
    })
    .unwrap();
    let c = samples(&h);
    let p = h
        .sample_rows(&RowsRequest {
            sort: Some("EXE_SOI_DTD".into()),
            filter: Some(vec!["BEN_SEX_COD:notnull".into()]),
            limit: Some(4),
            page: Some(2),
            ..rows("ER_PRS_F")
        })
        .unwrap();
    let want = sql_rows(
        &c,
        "SELECT * FROM ER_PRS_F WHERE BEN_SEX_COD IS NOT NULL \
         ORDER BY EXE_SOI_DTD IS NULL, EXE_SOI_DTD, rowid LIMIT 4 OFFSET 4",
        &[],
    );
    assert_eq!(p.rows, want);
    let csv = h
        .sample_export(&RowsRequest {
            filter: Some(vec!["BEN_SEX_COD:notnull".into()]),
            ..rows("ER_PRS_F")
        })
        .unwrap();
    let n = csv::Reader::from_reader(&csv.bytes[..]).records().count();
    assert_eq!(n as u64, p.total);
}

#[test]
fn charts_are_svg_with_one_bar_per_bin_and_no_font_file() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let p = h.table_profile("ER_PRS_F").unwrap();
    let mut drawn = 0;
    for col in &p.columns {
        let req = ChartRequest {
            name: "ER_PRS_F".into(),
            column: col.column.name.clone(),
            ..Default::default()
        };
        let Some(spec) = &col.chart else {
            let e = h.sample_chart(&req).unwrap_err().to_string();
            assert!(e.contains("no chart"), "{e}");
            continue;
        };
        let dl = h.sample_chart(&req).unwrap();
        assert_eq!(dl.media_type, "image/svg+xml");
        let text = String::from_utf8(dl.bytes).unwrap();
        let doc = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("{}: not XML: {e}", col.column.name));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        // The bars are the rectangles filled with the bars' colour.
        let bars = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#1F5C9E"))
            .count();
        assert_eq!(bars, spec.bars.len(), "{}: bars", col.column.name);
        let lower = text.to_ascii_lowercase();
        for bad in [
            "@font-face",
            "url(",
            ".ttf",
            ".otf",
            ".woff",
            "<script",
            "href",
        ] {
            assert!(
                !lower.contains(bad),
                "{}: SVG holds `{bad}`",
                col.column.name
            );
        }
        // Same request, same bytes.
        assert_eq!(h.sample_chart(&req).unwrap().bytes, text.as_bytes());
        drawn += 1;
    }
    assert!(drawn >= 10, "{drawn} charts");
    // A coded column's bars carry the codes' labels.
    let sex = h
        .sample_chart(&ChartRequest {
            name: "ER_PRS_F".into(),
            column: "BEN_SEX_COD".into(),
            ..Default::default()
        })
        .unwrap();
    let svg = String::from_utf8(sex.bytes).unwrap();
    let label: String = Connection::open(catalogue_path(&h))
        .unwrap()
        .query_row(
            "SELECT label FROM codes WHERE nomenclature='IR_SEX_V' AND code='2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("text"))
            .any(|n| n.text().is_some_and(|t| t.contains(label.as_str()))),
        "the label `{label}` is drawn"
    );
    // The profile page answers the charts too.
    let page = h
        .sample_profile(&ProfileRequest {
            name: "ER_PRS_F".into(),
            charts: Some(true),
        })
        .unwrap();
    assert_eq!(page.charts.len(), drawn);
}

#[test]
fn hostile_columns_and_values_are_refused_or_bound() {
    let d = common::data_dir();
    let h = Hublot::open(Some(d.path().into())).unwrap();
    let before = std::fs::read(samples_path(&h)).unwrap();
    let evil = "BEN_SEX_COD\" FROM ER_PRS_F; DROP TABLE ER_PRS_F; --";
    let e = h
        .sample_rows(&RowsRequest {
            sort: Some(evil.into()),
            ..rows("ER_PRS_F")
        })
        .unwrap_err();
    assert!(matches!(e, hublot::Error::Invalid(_)), "{e}");
    assert!(e.to_string().contains("has no column"), "{e}");
    assert!(
        e.to_string().contains("BEN_SEX_COD"),
        "names the real columns: {e}"
    );
    for f in [
        format!("{evil}=1"),
        "rowid=1".into(),
        "1=1 OR 1".into(),
        "\"BEN_SEX_COD\"=1".into(),
    ] {
        let e = h
            .sample_rows(&RowsRequest {
                filter: Some(vec![f.clone()]),
                ..rows("ER_PRS_F")
            })
            .unwrap_err();
        assert!(e.to_string().contains("has no column"), "{f}: {e}");
    }
    // A value is a value: quotes and SQL in it match nothing and break nothing.
    for v in ["2' OR '1'='1", "%", "_", "2; DROP TABLE ER_PRS_F"] {
        let p = h
            .sample_rows(&RowsRequest {
                filter: Some(vec![format!("BEN_RES_DPT={v}"), format!("BEN_RES_DPT~{v}")]),
                ..rows("ER_PRS_F")
            })
            .unwrap();
        assert_eq!(p.total, 0, "{v}");
    }
    // Too many or too long filters; unknown tables; charts of unknown columns.
    let many = (0..20).map(|i| format!("BEN_SEX_COD!={i}")).collect();
    let e = h
        .sample_rows(&RowsRequest {
            filter: Some(many),
            ..rows("ER_PRS_F")
        })
        .unwrap_err();
    assert!(matches!(e, hublot::Error::TooLarge(_)), "{e}");
    let e = h
        .sample_rows(&RowsRequest {
            filter: Some(vec![format!("BEN_SEX_COD={}", "9".repeat(1000))]),
            ..rows("ER_PRS_F")
        })
        .unwrap_err();
    assert!(matches!(e, hublot::Error::TooLarge(_)), "{e}");
    let e = h.sample_rows(&rows("sqlite_master")).unwrap_err();
    assert!(matches!(e, hublot::Error::NotFound(_)), "{e}");
    let e = h
        .sample_chart(&ChartRequest {
            name: "ER_PRS_F".into(),
            column: evil.into(),
            ..Default::default()
        })
        .unwrap_err();
    assert!(e.to_string().contains("has no column"), "{e}");
    // Through the operation table, as a network client calls it.
    let e = h
        .call_as(
            hublot::api::Caller::Network,
            "samples.rows",
            hublot::api::Input::query(&format!(
                "name=ER_PRS_F&sort={}",
                evil.replace(' ', "+")
                    .replace(';', "%3B")
                    .replace('"', "%22")
            ))
            .unwrap(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("has no column"), "{e}");
    assert_eq!(
        std::fs::read(samples_path(&h)).unwrap(),
        before,
        "samples.sqlite unchanged"
    );
}
