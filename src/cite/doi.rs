//! DOIs as people paste them: `doi:10.…`, `https://doi.org/10.…`, `http://dx.doi.org/…`,
//! `info:doi/…` or a bare `10.xxxx/…`, with any case in the prefix, percent-encoding from a URL,
//! and the punctuation of the sentence they were copied from. [`Doi::parse`] turns each into the
//! one form (`10.5072/abc`) or says which value is not a DOI and why.

use crate::{Error, Result};
use std::fmt;

/// Longest text accepted as a DOI candidate: real DOIs are far shorter (the longest registered
/// ones are a few hundred characters); anything longer is a paste gone wrong.
pub const MAX_INPUT: usize = 2048;

/// Prefixes that stand before the DOI itself, lowercase, longest first where one is the start
/// of another (`https://doi.org/` before `doi.org/`).
const PREFIXES: &[(&str, bool)] = &[
    // (prefix, is a URL: query and fragment are not part of the DOI)
    ("https://dx.doi.org/", true),
    ("http://dx.doi.org/", true),
    ("https://www.doi.org/", true),
    ("http://www.doi.org/", true),
    ("https://doi.org/", true),
    ("http://doi.org/", true),
    ("dx.doi.org/", true),
    ("www.doi.org/", true),
    ("doi.org/", true),
    ("info:doi/", false),
    ("urn:doi:", false),
    ("doi:", false),
];

/// A valid DOI: `10.` + a registrant code of at least four digits (possibly with dotted
/// sub-codes), `/`, and a non-empty suffix.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Doi(String);

impl Doi {
    /// Parses and normalises `s`; the error names the value and what is wrong with it.
    pub fn parse(s: &str) -> Result<Doi> {
        let bad = |why: &str| {
            let shown: String = s.chars().take(200).collect();
            let more = if shown.len() < s.len() { "…" } else { "" };
            Err(Error::Invalid(format!(
                "not a DOI: `{}{more}`: {why}",
                shown.escape_debug()
            )))
        };
        if s.len() > MAX_INPUT {
            return bad(&format!("longer than {MAX_INPUT} bytes"));
        }
        let mut t = s.trim();
        // Wrapped in quotes or angle brackets, as in e-mails and French prose.
        for (open, close) in [('<', '>'), ('"', '"'), ('«', '»'), ('“', '”'), ('\'', '\'')] {
            if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
                t = inner.trim();
            }
        }
        if t.is_empty() {
            return bad("empty");
        }
        let lower = t.to_ascii_lowercase();
        let mut rest = t;
        let mut url = false;
        for (p, is_url) in PREFIXES {
            if lower.starts_with(p) {
                rest = t[p.len()..].trim_start();
                url = *is_url;
                break;
            }
        }
        if !url && (lower.starts_with("http://") || lower.starts_with("https://")) {
            return bad("a web address that is not on doi.org");
        }
        if url {
            // `?…` and `#…` of a resolver URL are not part of the DOI (a `#` or `?` inside a DOI
            // is written %23, %3F in a URL).
            if let Some(i) = rest.find(['?', '#']) {
                rest = &rest[..i];
            }
        }
        let rest = trim_trailing_punctuation(rest);
        let decoded = percent_decode(rest)
            .map_err(|why| Error::Invalid(format!("not a DOI: `{}`: {why}", s.escape_debug())))?;
        let Some((prefix, suffix)) = decoded.split_once('/') else {
            return bad("no `/` between the prefix (10.xxxx) and the suffix");
        };
        if prefix.starts_with("10,") {
            return bad("the prefix is written with a comma (`10,`), not a dot");
        }
        let Some(registrant) = prefix.strip_prefix("10.") else {
            return bad("a DOI starts with `10.`");
        };
        let segments_ok = registrant
            .split('.')
            .all(|seg| !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()));
        if !segments_ok {
            return bad("the registrant code after `10.` must be digits (`10.5072`)");
        }
        if registrant.split('.').next().map_or(0, str::len) < 4 {
            return bad("the registrant code after `10.` has at least four digits");
        }
        if suffix.is_empty() {
            return bad("nothing after the `/`");
        }
        if let Some(c) = suffix.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return bad(&format!(
                "the suffix contains a space or control character ({})",
                c.escape_unicode()
            ));
        }
        Ok(Doi(decoded))
    }

    /// The DOI (`10.5072/abc`), its case as given: the case of a DOI does not matter to the
    /// resolver, but people recognise theirs as it was registered.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The DOI in lowercase, to compare or to key a cache: DOIs are case-insensitive.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// Its resolver URL, `https://doi.org/10.5072/abc`, with the characters a URL path cannot
    /// hold percent-encoded.
    pub fn url(&self) -> String {
        format!("https://doi.org/{}", self.path())
    }

    /// The DOI as a URL path, the characters a path cannot hold percent-encoded (what follows a
    /// resolver's base URL).
    pub fn path(&self) -> String {
        let mut out = String::new();
        for c in self.0.chars() {
            match c {
                'A'..='Z' | 'a'..='z' | '0'..='9' => out.push(c),
                '-' | '.' | '_' | '~' | '/' | ':' | '(' | ')' | ';' | '@' | '+' | '=' | '$'
                | ',' | '!' | '*' | '\'' | '&' => out.push(c),
                _ => {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
        }
        out
    }
}

impl fmt::Display for Doi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The DOI in `s`, normalised, or `None`: for readers that look for a DOI among identifiers.
pub fn find(s: &str) -> Option<String> {
    Doi::parse(s).ok().map(|d| d.0)
}

/// Drops the punctuation a sentence put after a DOI: `.`, `,`, `;`, `:`, quotes, and closing
/// brackets that have no opening one inside the DOI (`10.1016/S0140-6736(20)30183-5` keeps its
/// parentheses; `(doi:10.5072/x)` loses the last one).
fn trim_trailing_punctuation(s: &str) -> &str {
    let mut t = s;
    loop {
        let Some(last) = t.chars().last() else {
            return t;
        };
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '"' | '\'' | '»' | '”' | '’' | '>' => true,
            ')' => t.matches('(').count() < t.matches(')').count(),
            ']' => t.matches('[').count() < t.matches(']').count(),
            '}' => t.matches('{').count() < t.matches('}').count(),
            _ => false,
        };
        if !drop {
            return t;
        }
        t = t[..t.len() - last.len_utf8()].trim_end();
    }
}

/// Decodes `%XX` sequences; the result must be UTF-8. A `%` not followed by two hex digits is an
/// error rather than a guess.
fn percent_decode(s: &str) -> std::result::Result<String, String> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match hex {
                Some(v) => {
                    out.push(v);
                    i += 3;
                }
                None => {
                    return Err(format!(
                        "`%` at byte {i} is not followed by two hexadecimal digits"
                    ))
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-encoded bytes that are not UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        Doi::parse(s)
            .unwrap_or_else(|e| panic!("{s:?}: {e}"))
            .as_str()
            .to_string()
    }

    fn err(s: &str) -> String {
        match Doi::parse(s) {
            Ok(d) => panic!("{s:?} was accepted as {d}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_written_form_gives_the_same_doi() {
        for s in [
            "10.5072/rncc.2024",
            "doi:10.5072/rncc.2024",
            "DOI:10.5072/rncc.2024",
            "doi: 10.5072/rncc.2024",
            "https://doi.org/10.5072/rncc.2024",
            "HTTPS://DOI.ORG/10.5072/rncc.2024",
            "http://dx.doi.org/10.5072/rncc.2024",
            "https://dx.doi.org/10.5072/rncc.2024",
            "doi.org/10.5072/rncc.2024",
            "info:doi/10.5072/rncc.2024",
            "  10.5072/rncc.2024\n",
            "<https://doi.org/10.5072/rncc.2024>",
            "« doi:10.5072/rncc.2024 »",
            "https://doi.org/10.5072/rncc.2024?locatt=mode:legacy",
            "https://doi.org/10.5072/rncc.2024#section",
        ] {
            assert_eq!(ok(s), "10.5072/rncc.2024", "{s:?}");
        }
    }

    #[test]
    fn trailing_punctuation_goes_but_balanced_brackets_stay() {
        assert_eq!(ok("10.5072/abc."), "10.5072/abc");
        assert_eq!(ok("doi:10.5072/abc)."), "10.5072/abc");
        assert_eq!(ok("10.5072/abc;,"), "10.5072/abc");
        assert_eq!(
            ok("10.1016/S0140-6736(20)30183-5"),
            "10.1016/S0140-6736(20)30183-5"
        );
        assert_eq!(ok("10.5072/a(b)"), "10.5072/a(b)");
        assert_eq!(ok("10.5072/[x]]"), "10.5072/[x]");
    }

    #[test]
    fn percent_encoding_is_decoded_and_reencoded_for_the_url() {
        assert_eq!(ok("https://doi.org/10.5072/a%2Fb%23c"), "10.5072/a/b#c");
        assert_eq!(ok("10.5072/caf%C3%A9"), "10.5072/café");
        let d = Doi::parse("10.5072/a/b#c é").unwrap_err().to_string();
        assert!(d.contains("space"), "{d}");
        let d = Doi::parse("10.5072/a/b#cé").unwrap();
        assert_eq!(d.url(), "https://doi.org/10.5072/a/b%23c%C3%A9");
        assert_eq!(Doi::parse(&d.url()).unwrap(), d);
    }

    #[test]
    fn case_is_kept_and_the_key_folds_it() {
        let d = Doi::parse("DOI:10.5072/ABC-def").unwrap();
        assert_eq!(d.as_str(), "10.5072/ABC-def");
        assert_eq!(d.key(), "10.5072/abc-def");
        assert_eq!(d.url(), "https://doi.org/10.5072/ABC-def");
        assert_eq!(d.to_string(), "10.5072/ABC-def");
    }

    #[test]
    fn junk_is_refused_with_the_value_and_the_reason() {
        for (s, why) in [
            ("", "empty"),
            ("   ", "empty"),
            ("doi:", "no `/`"),
            ("rein-2023", "no `/`"),
            ("11.5072/abc", "starts with `10.`"),
            ("10,5072/abc", "comma"),
            ("10.50/short", "four digits"),
            ("10.abcd/x", "digits"),
            ("10.5072/", "nothing after"),
            ("10.5072/a b", "space"),
            ("10.5072/a\u{0}b", "control"),
            ("https://example.org/10.5072/x", "not on doi.org"),
            ("10.5072/a%2", "hexadecimal"),
            ("10.5072/a%FF", "UTF-8"),
            ("10.5072..1/x", "digits"),
        ] {
            let e = err(s);
            assert!(e.contains(why), "{s:?}: {e}");
            assert!(e.contains("not a DOI"), "{s:?}: {e}");
            if !s.trim().is_empty() && !s.contains('\0') {
                assert!(e.contains(s.trim()), "the error names the value: {e}");
            }
        }
        let long = format!("10.5072/{}", "x".repeat(MAX_INPUT));
        let e = err(&long);
        assert!(e.contains("longer than") && e.len() < 400, "{e}");
    }

    #[test]
    fn subdivided_registrants_are_dois() {
        assert_eq!(ok("10.1000.10/123456"), "10.1000.10/123456");
    }

    #[test]
    fn find_returns_none_for_what_is_not_a_doi() {
        assert_eq!(find("SOMMEIL-ADOS"), None);
        assert_eq!(
            find("https://doi.org/10.5072/X.Y").as_deref(),
            Some("10.5072/X.Y")
        );
    }
}
