//! Text helpers shared by the readers: decoding files of unknown encoding, repairing text that
//! went through a Latin-1 decoder, scalars of JSON sources as text, and slugs. (One place, so
//! that the readers never import one another for them.)

use serde_json::Value;
use std::borrow::Cow;

/// Decodes bytes as UTF-8 (dropping a BOM), falling back to Windows-1252, which never fails.
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Repairs text that went through a Latin-1 decoder on its way to us: C1 control characters
/// (U+0080–U+009F) are what Windows-1252 punctuation becomes then (U+0092 was a ’). The real
/// schemas have a few ("Table de l\u{92}ensemble").
pub fn fix_c1(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if ('\u{80}'..='\u{9f}').contains(&c) {
            let byte = [c as u32 as u8];
            out.push_str(
                &encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(&byte)
                    .0,
            );
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A JSON scalar as trimmed text (C1 controls repaired); empty strings and null become `None`.
pub fn json_text(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => fix_c1(s.trim()).into_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A string or an array of strings, as a list of [`json_text`]s (Table Schema allows both for
/// keys).
pub fn json_strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a.iter().filter_map(|x| json_text(Some(x))).collect(),
        Some(s @ Value::String(_)) => json_text(Some(s)).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A URL-safe anchor from heading text (accents folded, lowercase, dashes).
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in crate::search::fold_accents(s).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_falls_back() {
        let bytes = b"COD;LIB\n1;D\xe9c\xe8s\n";
        assert_eq!(decode_text(bytes), "COD;LIB\n1;Décès\n");
    }

    #[test]
    fn c1_controls_become_windows_1252_punctuation() {
        assert_eq!(fix_c1("Table de l\u{92}ensemble"), "Table de l’ensemble");
        assert!(matches!(fix_c1("déjà propre"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_scalars_as_text() {
        use serde_json::json;
        assert_eq!(
            json_text(Some(&json!(" a\u{92}b "))).as_deref(),
            Some("a’b")
        );
        assert_eq!(json_text(Some(&json!(12))).as_deref(), Some("12"));
        assert_eq!(json_text(Some(&json!("  "))), None);
        assert_eq!(json_text(Some(&json!(null))), None);
        assert_eq!(json_strings(Some(&json!(" K "))), vec!["K"]);
        assert_eq!(json_strings(Some(&json!(["A", "", "B"]))), vec!["A", "B"]);
        assert!(json_strings(Some(&json!(""))).is_empty());
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Causes de décès (CépiDc)"), "causes-de-deces-cepidc");
        assert_eq!(slug("--"), "");
    }
}
