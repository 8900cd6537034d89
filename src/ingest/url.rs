//! The one policy for the URLs Hublot keeps from its sources (a base's links, its producer's
//! site, a contact page, links in documentation pages): they end up in `<a href>`, so only
//! absolute `http`, `https` and `mailto` URLs are kept. A `javascript:` or `data:` URL in a
//! catalogue record would otherwise run in the app's origin when clicked; anything else
//! (`file:`, `ftp:`, relative paths) is no use to someone reading the catalogue.

/// The schemes a kept URL may have.
pub const KEPT_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// True when `url` is an absolute URL with one of [`KEPT_SCHEMES`]. The scheme is the one a
/// browser would see: the URL is parsed with the WHATWG rules (leading spaces and control
/// characters stripped, tabs and newlines removed), so `" java\tscript:…"` is `javascript`.
pub fn is_kept(url: &str) -> bool {
    reqwest::Url::parse(url).is_ok_and(|u| KEPT_SCHEMES.contains(&u.scheme()))
}

/// `url`, trimmed, when [`is_kept`]; else `None`, and a warning naming where it was found
/// (`at`: the file, and the record or field) and the property (`dcat:landingPage`,
/// `links[2].url`).
pub fn keep(url: &str, property: &str, at: &str, warnings: &mut Vec<String>) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    if is_kept(url) {
        return Some(url.to_string());
    }
    // The URL is told (shortened) so that the source can be fixed; it is only ever shown as text.
    let shown: String = url.chars().take(80).collect();
    let more = if shown.len() < url.len() { "…" } else { "" };
    warnings.push(format!(
        "{at}: {property} `{shown}{more}` dropped: only absolute http, https and mailto URLs are kept"
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_https_and_mailto_are_kept() {
        for ok in [
            "https://example.org/a?b#c",
            "http://example.org",
            "HTTPS://EXAMPLE.ORG/",
            "mailto:someone@example.org",
            "  https://example.org/  ",
        ] {
            let mut w = Vec::new();
            assert_eq!(
                keep(ok, "p", "f", &mut w).as_deref(),
                Some(ok.trim()),
                "{ok}"
            );
            assert!(w.is_empty());
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "ftp://example.org/x",
            "/relative/path",
            "example.org",
            "//example.org/x",
        ] {
            let mut w = Vec::new();
            assert_eq!(keep(bad, "foaf:page", "r.ttl", &mut w), None, "{bad:?}");
            assert_eq!(w.len(), 1, "{bad:?}");
            assert!(w[0].starts_with("r.ttl: foaf:page `"), "{}", w[0]);
        }
        let mut w = Vec::new();
        assert_eq!(keep("  ", "p", "f", &mut w), None);
        assert!(w.is_empty(), "an empty value is nothing to warn about");
        let long = format!("javascript:{}", "x".repeat(500));
        keep(&long, "p", "f", &mut w);
        assert!(w[0].len() < 200 && w[0].contains('…'), "{}", w[0]);
    }
}
