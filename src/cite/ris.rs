//! RIS records from CSL-JSON items. RIS is a line format: `TY  - ` first, `ER  - ` last, one
//! `XX  - value` per line in between; a value never spans lines.

use super::csl::{date_of, names_of, Name};
use serde_json::Value;

/// The RIS record of a CSL-JSON item, lines ending with `\n`.
pub fn record(item: &Value) -> String {
    let s = |k: &str| {
        item.get(k)
            .and_then(|v| match v {
                Value::String(s) => Some(one_line(s)),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .filter(|s| !s.is_empty())
    };
    let mut out = String::new();
    let mut line = |tag: &str, value: &str| {
        out.push_str(tag);
        out.push_str("  - ");
        out.push_str(value);
        out.push('\n');
    };
    let ty = match s("type").as_deref() {
        Some("dataset") => "DATA",
        Some("article-journal") => "JOUR",
        Some("article-magazine") => "MGZN",
        Some("article-newspaper") => "NEWS",
        Some("book") => "BOOK",
        Some("chapter") => "CHAP",
        Some("paper-conference") => "CPAPER",
        Some("report") => "RPRT",
        Some("thesis") => "THES",
        Some("webpage") => "ELEC",
        Some("software") => "COMP",
        _ => "GEN",
    };
    line("TY", ty);
    if let Some(id) = s("id") {
        line("ID", &id);
    }
    for n in names_of(item.get("author")) {
        match n {
            Name::Literal(l) => line("AU", &one_line(&l)),
            Name::Person { family, given } => match given {
                Some(g) => line("AU", &one_line(&format!("{family}, {g}"))),
                None => line("AU", &one_line(&family)),
            },
        }
    }
    if let Some(t) = s("title") {
        line("TI", &t);
    }
    if let Some(t) = s("title-short") {
        line("ST", &t);
    }
    if let Some(t) = s("container-title") {
        line("T2", &t);
    }
    if let Some((y, m, d)) = date_of(item.get("issued")) {
        line("PY", &format!("{y:04}"));
        line("DA", &ris_date(y, m, d));
    }
    if let Some(t) = s("volume") {
        line("VL", &t);
    }
    if let Some(t) = s("issue") {
        line("IS", &t);
    }
    if let Some(p) = s("page") {
        match p.split_once(['-', '–']) {
            Some((a, b)) => {
                line("SP", a.trim());
                line("EP", b.trim());
            }
            None => line("SP", &p),
        }
    }
    if let Some(t) = s("publisher") {
        line("PB", &t);
    }
    if let Some(t) = s("DOI") {
        line("DO", &t);
    }
    if let Some(t) = s("URL") {
        line("UR", &t);
    }
    if let Some((y, m, d)) = date_of(item.get("accessed")) {
        line("Y2", &ris_date(y, m, d));
    }
    if let Some(t) = s("language") {
        line("LA", &t);
    }
    if let Some(k) = s("keyword") {
        for kw in k.split(',').map(str::trim).filter(|k| !k.is_empty()) {
            line("KW", kw);
        }
    }
    if let Some(t) = s("abstract") {
        line("AB", &t);
    }
    if let Some(t) = s("note") {
        line("N1", &t);
    }
    line("ER", "");
    out
}

/// `YYYY/MM/DD/` with the parts that are known (RIS dates keep their slashes).
fn ris_date(y: i64, m: Option<i64>, d: Option<i64>) -> String {
    let part = |p: Option<i64>| p.map(|v| format!("{v:02}")).unwrap_or_default();
    format!("{y:04}/{}/{}/", part(m), part(d))
}

/// The text on one line: line breaks and tabs become spaces, runs of spaces one.
fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() && c != '\u{a0}' && c != '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_record_is_well_formed_whatever_the_text() {
        let r = record(&json!({
            "id": "x", "type": "article-journal",
            "title": "Deux\nlignes\r\net\tune tabulation",
            "author": [{"family": "Dupont", "given": "A."}],
            "issued": {"date-parts": [[2021, 5]]}, "page": "12–19",
            "keyword": "a, b,,c",
        }));
        let lines: Vec<&str> = r.lines().collect();
        assert_eq!(lines.first(), Some(&"TY  - JOUR"));
        assert_eq!(lines.last(), Some(&"ER  - "));
        for l in &lines {
            assert!(
                l.len() >= 6
                    && l.as_bytes()[..2].iter().all(u8::is_ascii_alphanumeric)
                    && &l[2..6] == "  - ",
                "{l:?}"
            );
        }
        assert!(lines.contains(&"TI  - Deux lignes et une tabulation"));
        assert!(lines.contains(&"DA  - 2021/05//"));
        assert!(lines.contains(&"SP  - 12") && lines.contains(&"EP  - 19"));
        assert_eq!(lines.iter().filter(|l| l.starts_with("KW")).count(), 3);
    }
}
