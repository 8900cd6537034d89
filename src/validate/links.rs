//! Markdown docs: every relative link or image reaches a file (or folder), and a `#anchor` a
//! heading of its page. Links are listed by the import's Markdown reader
//! (`ingest::markdown_docs::links`), with the same parser and options that render the page.

use super::report::{Finding, Severity};
use crate::cite::Lang;
use crate::ingest::markdown_docs::{links, parse_doc_page};
use crate::ingest::text::decode_text;
use std::path::{Path, PathBuf};

/// Largest Markdown file checked.
pub const MAX_MARKDOWN_BYTES: u64 = 8 << 20;

/// The broken links of one Markdown file; `root` is the folder a `/absolute` link starts from.
pub fn check(file: &Path, root: &Path, lang: Lang) -> Vec<Finding> {
    let mut out = Vec::new();
    let bytes = match read(file) {
        Ok(b) => b,
        Err(e) => return vec![super::tables::unreadable(file, &e, lang)],
    };
    let src = decode_text(&bytes);
    let here = file.parent().unwrap_or(Path::new("."));
    for l in links(&src) {
        let dest = l.dest.trim();
        if dest.is_empty() || has_scheme(dest) {
            continue;
        }
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (dest, None),
        };
        let target = target.split('?').next().unwrap_or("");
        let path: Option<PathBuf> = if target.is_empty() {
            Some(file.to_path_buf())
        } else {
            let decoded = percent_decode(target);
            let p = match decoded.strip_prefix('/') {
                Some(rest) => root.join(rest),
                None => here.join(&decoded),
            };
            Some(p)
        };
        let Some(path) = path else { continue };
        let broken_file = !path.exists();
        let broken_anchor = !broken_file
            && fragment.is_some_and(|f| !f.is_empty())
            && path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("md"))
            && !anchor_exists(&path, fragment.unwrap_or(""));
        if !broken_file && !broken_anchor {
            continue;
        }
        let what_fr = if l.image { "L'image" } else { "Le lien" };
        let what_en = if l.image { "Image" } else { "Link" };
        let (message, fix) = match (lang, broken_file) {
            (Lang::Fr, true) => (
                format!("{what_fr} « {dest} » ligne {} mène à {}, qui n'existe pas.", l.line, path.display()),
                "Corrigez le chemin (relatif au fichier), ou ajoutez le fichier visé.".to_string(),
            ),
            (Lang::En, true) => (
                format!("{what_en} \"{dest}\" on line {} leads to {}, which does not exist.", l.line, path.display()),
                "Fix the path (relative to the file), or add the file it names.".to_string(),
            ),
            (Lang::Fr, false) => (
                format!("{what_fr} « {dest} » ligne {} vise l'ancre #{}, qu'aucun titre de {} ne porte.", l.line, fragment.unwrap_or(""), path.display()),
                "Corrigez l'ancre : celle d'un titre de la page visée (en minuscules, mots reliés par des tirets).".to_string(),
            ),
            (Lang::En, false) => (
                format!("{what_en} \"{dest}\" on line {} names anchor #{}, which no heading of {} has.", l.line, fragment.unwrap_or(""), path.display()),
                "Fix the anchor: one of a heading of the page (lower case, words joined by hyphens).".to_string(),
            ),
        };
        out.push(Finding {
            severity: Severity::Violation,
            focus: format!("doc:{}", file.display()),
            path: Some(if l.image {
                "image".into()
            } else {
                "link".into()
            }),
            constraint: "hublot:LinkConstraint".into(),
            value: Some(dest.to_string()),
            message,
            fix,
            file: Some(file.to_path_buf()),
            line: Some(l.line),
            shape: None,
        });
    }
    out
}

fn read(file: &Path) -> crate::Result<Vec<u8>> {
    let len = std::fs::metadata(file)
        .map_err(|e| crate::Error::io(file, e))?
        .len();
    if len > MAX_MARKDOWN_BYTES {
        return Err(crate::Error::TooLarge(format!(
            "{}: {len} bytes; a Markdown page may have at most {MAX_MARKDOWN_BYTES} bytes",
            file.display()
        )));
    }
    std::fs::read(file).map_err(|e| crate::Error::io(file, e))
}

/// `https:`, `mailto:`, `tel:` … (a Windows drive letter is not a scheme, but has no place in a
/// link either).
fn has_scheme(dest: &str) -> bool {
    match dest.find(':') {
        Some(i) => {
            let s = &dest[..i];
            !s.is_empty()
                && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !dest[..i].contains('/')
        }
        None => false,
    }
}

fn anchor_exists(page: &Path, anchor: &str) -> bool {
    let Ok(bytes) = read(page) else { return false };
    let p = parse_doc_page(&decode_text(&bytes), "");
    let anchor = percent_decode(anchor);
    p.headings.iter().any(|h| h.2 == anchor)
}

fn percent_decode(s: &str) -> String {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_and_escapes() {
        assert!(has_scheme("https://x.example"));
        assert!(has_scheme("mailto:a@b.example"));
        assert!(!has_scheme("a/b:c.md"));
        assert!(!has_scheme("../a.md"));
        assert_eq!(percent_decode("d%C3%A9c%C3%A8s.md"), "décès.md");
        assert_eq!(percent_decode("50%"), "50%");
    }
}
