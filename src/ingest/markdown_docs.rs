//! Reader of Markdown documentation trees: title, plain text for search, sanitised HTML for
//! display, headings for a table of contents, and the DOIs cited in the page.

use crate::ingest::text::{decode_text, fix_c1, slug};
use crate::model::DocPage;
use crate::{Error, Result};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::path::Path;
use std::sync::OnceLock;

/// Reads one Markdown file; `rel` is its path relative to the documentation root.
pub fn read_doc_page(path: &Path, rel: &str) -> Result<DocPage> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = decode_text(&bytes);
    Ok(parse_doc_page(&fix_c1(&text), rel))
}

/// Parses Markdown source into a page.
pub fn parse_doc_page(src: &str, rel: &str) -> DocPage {
    let (front_title, body) = split_front_matter(src);
    let mut events: Vec<Event> =
        Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).collect();

    // First pass: plain text and headings (anchors are made unique within the page).
    let mut plain = String::with_capacity(body.len());
    let mut headings: Vec<(u8, String, String)> = Vec::new();
    let mut heading_at: Vec<usize> = Vec::new();
    let mut current: Option<(u8, String, usize)> = None;
    let mut used = std::collections::HashMap::<String, usize>::new();
    for (i, ev) in events.iter().enumerate() {
        match ev {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level_num(*level), String::new(), i))
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((lvl, t, start)) = current.take() {
                    let t = t.trim().to_string();
                    let mut anchor = slug(&t);
                    let n = used.entry(anchor.clone()).or_insert(0);
                    if *n > 0 {
                        anchor = format!("{anchor}-{n}");
                    }
                    *n += 1;
                    headings.push((lvl, t, anchor));
                    heading_at.push(start);
                }
                plain.push('\n');
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, h, _)) = current.as_mut() {
                    h.push_str(t);
                }
                plain.push_str(t);
            }
            Event::SoftBreak | Event::HardBreak => plain.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock,
            ) => plain.push('\n'),
            _ => {}
        }
    }
    for (k, &i) in heading_at.iter().enumerate() {
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(CowStr::from(headings[k].2.clone()));
        }
    }
    let mut raw_html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw_html, events.into_iter());
    let html = sanitizer().clean(&raw_html).to_string();

    let title = front_title
        .or_else(|| {
            headings
                .iter()
                .find(|h| h.0 == 1)
                .or(headings.first())
                .map(|h| h.1.clone())
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| {
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or(rel)
                .trim_end_matches(".md");
            if stem.eq_ignore_ascii_case("readme") {
                rel.rsplit('/')
                    .nth(1)
                    .unwrap_or(stem)
                    .replace(['_', '-'], " ")
            } else {
                stem.replace(['_', '-'], " ")
            }
        });
    DocPage {
        path: rel.to_string(),
        title,
        dois: find_dois(src),
        text: plain,
        html,
        headings,
    }
}

/// A link or image of a Markdown page, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLink {
    /// The destination as written (`../a.md#titre`, `https://…`).
    pub dest: String,
    /// 1-based line of the link in the file (front matter counted).
    pub line: u64,
    /// True for an image (`![…](…)`).
    pub image: bool,
}

/// The links and images of Markdown source, with their lines: the same parser and options as
/// [`parse_doc_page`], so a link the page shows is a link listed here.
pub fn links(src: &str) -> Vec<DocLink> {
    let s = src.trim_start_matches('\u{feff}');
    let (_, body) = split_front_matter(s);
    // The body is a suffix of the source: its offsets shift by what precedes it.
    let shift = s.len() - body.len();
    let line_at = |offset: usize| {
        s.as_bytes()[..(shift + offset).min(s.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1
    };
    let mut out = Vec::new();
    let parser = Parser::new_ext(body, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    for (ev, range) in parser.into_offset_iter() {
        match ev {
            Event::Start(Tag::Link { dest_url, .. }) => out.push(DocLink {
                dest: dest_url.to_string(),
                line: line_at(range.start),
                image: false,
            }),
            Event::Start(Tag::Image { dest_url, .. }) => out.push(DocLink {
                dest: dest_url.to_string(),
                line: line_at(range.start),
                image: true,
            }),
            _ => {}
        }
    }
    out
}

/// Finds DOIs (`10.xxxx/…`) in text, deduplicated, trailing punctuation removed.
pub fn find_dois(text: &str) -> Vec<String> {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| regex::Regex::new(r#"\b10\.\d{4,9}/[^\s"'<>()\[\]]+"#).unwrap());
    let mut out: Vec<String> = Vec::new();
    for m in re.find_iter(text) {
        let d = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':'])
            .to_string();
        if !out.contains(&d) {
            out.push(d);
        }
    }
    out
}

/// The sanitiser for every HTML we show: no scripts, no event handlers, no `javascript:`.
pub fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, &["id"]);
        }
        b.add_tag_attributes("code", &["class"]);
        // The same schemes as every other URL kept from a source (relative links stay).
        b.url_schemes(crate::ingest::url::KEPT_SCHEMES.iter().copied().collect());
        b
    })
}

/// Splits `---\n…\n---` front matter off and returns its `title:` if any.
fn split_front_matter(src: &str) -> (Option<String>, &str) {
    let s = src.trim_start_matches('\u{feff}');
    if let Some(rest) = s
        .strip_prefix("---\n")
        .or_else(|| s.strip_prefix("---\r\n"))
    {
        if let Some(end) = rest.find("\n---") {
            let fm = &rest[..end];
            let after = &rest[end + 4..];
            let body = after.split_once('\n').map(|x| x.1).unwrap_or("");
            let title = fm.lines().find_map(|l| {
                l.strip_prefix("title:")
                    .map(|t| t.trim().trim_matches(['"', '\'']).to_string())
            });
            return (title, body);
        }
    }
    (None, s)
}

fn level_num(l: HeadingLevel) -> u8 {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_only_http_https_mailto_and_relative_targets() {
        let p = parse_doc_page(
            "# T\n\n[a](javascript:alert(1)) [b](https://x.example/) [c](mailto:m@x.example) \
             [d](other.md#s) [e](data:text/html,x) [f](tel:0102)\n",
            "t.md",
        );
        for kept in [
            "href=\"https://x.example/\"",
            "href=\"mailto:m@x.example\"",
            "href=\"other.md#s\"",
        ] {
            assert!(p.html.contains(kept), "{kept} in {}", p.html);
        }
        for gone in ["javascript", "data:", "tel:"] {
            assert!(!p.html.contains(gone), "{gone} in {}", p.html);
        }
    }

    #[test]
    fn title_text_and_anchors() {
        let p = parse_doc_page(
            "# Le SNDS\n\nVoir [doi](https://doi.org/10.1234/ab.c).\n\n## Accès\n## Accès\n",
            "a/b.md",
        );
        assert_eq!(p.title, "Le SNDS");
        assert_eq!(p.dois, vec!["10.1234/ab.c"]);
        assert_eq!(p.headings[1].2, "acces");
        assert_eq!(p.headings[2].2, "acces-1");
        assert!(p.html.contains(r#"<h2 id="acces">"#), "{}", p.html);
        assert!(p.text.contains("Voir doi"));
    }

    #[test]
    fn front_matter_title_wins() {
        let p = parse_doc_page("---\ntitle: \"Titre\"\n---\n# Autre\n", "x.md");
        assert_eq!(p.title, "Titre");
    }

    #[test]
    fn scripts_and_handlers_are_removed() {
        let p = parse_doc_page(
            "# T\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n",
            "x.md",
        );
        assert!(!p.html.contains("<script"), "{}", p.html);
        assert!(!p.html.contains("onerror"), "{}", p.html);
        assert!(!p.html.contains("javascript:"), "{}", p.html);
    }

    #[test]
    fn links_are_listed_with_their_lines() {
        let src = "---\ntitle: T\n---\n# T\n\nVoir [a](a.md) et\n![img](i.png).\n\n[web](https://x.example/)\n";
        let l = links(src);
        let got: Vec<(&str, u64, bool)> = l
            .iter()
            .map(|l| (l.dest.as_str(), l.line, l.image))
            .collect();
        assert_eq!(
            got,
            [
                ("a.md", 6, false),
                ("i.png", 7, true),
                ("https://x.example/", 9, false)
            ]
        );
    }
}
