//! Markdown (CommonMark with GFM tables). User strings are escaped so that they read back as the
//! same text: a justification holding `*`, `#`, `[`, `|` or `<` stays text, not emphasis, a
//! heading, a link, a cell break or HTML.

use super::view::{Field, View};
use std::fmt::Write as _;

/// Escapes `s` for running text: every character CommonMark or GFM could read as syntax, and the
/// starts of lines that would open a block (heading, list, quote).
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (n, line) in s.lines().enumerate() {
        if n > 0 {
            // A hard line break: the user's line breaks are kept.
            out.push_str("\\\n");
        }
        let line = line.trim_end();
        let body = line.trim_start();
        // A leading ordered-list marker (`1.` or `1)`) is escaped at its punctuation.
        let digits = body.chars().take_while(|c| c.is_ascii_digit()).count();
        for (i, c) in body.char_indices() {
            let at_start = i == 0;
            let special = matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '&' | '!'
            ) || (at_start && matches!(c, '#' | '-' | '+' | '='))
                || (digits > 0 && i == digits && matches!(c, '.' | ')'));
            if special {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Escapes `s` for a table cell: as running text, with line breaks as `<br>` (a cell is one
/// line).
fn cell(s: &str) -> String {
    escape(s).replace("\\\n", "<br>")
}

fn or_missing(s: &str, v: &View) -> String {
    if s.trim().is_empty() {
        format!("*{}*", v.t.missing)
    } else {
        escape(s)
    }
}

/// Between a label and its value: French puts a space before the colon.
fn sep(v: &View) -> &'static str {
    if v.lang == "fr" {
        "\u{a0}: "
    } else {
        ": "
    }
}

fn fields(out: &mut String, rows: &[Field], v: &View) {
    for f in rows {
        let value = if f.value.trim().is_empty() {
            format!("*{}*", v.t.missing)
        } else {
            escape(&f.value)
        };
        let _ = writeln!(
            out,
            "- **{}**{}{}",
            f.label,
            sep(v),
            value.replace("\\\n", "\\\n  ")
        );
    }
    out.push('\n');
}

fn table(out: &mut String, head: &[&str], rows: impl Iterator<Item = Vec<String>>) {
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
    for r in rows {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    out.push('\n');
}

fn code(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        // Catalogue names are identifiers; a backtick inside would end the span, so none is
        // kept (the name is then still readable).
        format!("`{}`", s.replace('`', "'").replace('|', "\\|"))
    }
}

/// Writes `v` as Markdown.
pub(crate) fn write(v: &View) -> String {
    let t = v.t;
    let mut o = String::new();
    let title = if v.title.trim().is_empty() {
        t.missing.to_string()
    } else {
        escape(&v.title)
    };
    let _ = writeln!(o, "# {title}\n");
    let _ = writeln!(o, "*{}*\n", t.doc_kind);
    if !v.acronym.is_empty() {
        let _ = writeln!(o, "- **{}**{}{}", t.acronym, sep(v), escape(&v.acronym));
    }
    let _ = writeln!(o, "- **{}**{}{}", t.route, sep(v), escape(&v.route));
    let _ = writeln!(o, "- **{}**{}{}", t.status, sep(v), escape(&v.status));
    let _ = writeln!(o, "- **{}**{}{}", t.version, sep(v), escape(&v.version));
    let _ = writeln!(
        o,
        "- **{}**{}{}\n",
        t.generated,
        sep(v),
        escape(&v.generated)
    );

    let _ = writeln!(o, "## {}\n", t.summary);
    fields(&mut o, &v.summary, v);

    let _ = writeln!(o, "## {}\n\n{}\n", t.access_route, escape(&v.route));

    let _ = writeln!(o, "## {}\n", t.data);
    if v.bases.is_empty() {
        let _ = writeln!(o, "*{}*\n", t.no_data);
    }
    for b in &v.bases {
        let label = if b.label.is_empty() {
            String::new()
        } else {
            format!(" — {}", escape(&b.label))
        };
        let _ = writeln!(o, "### {} {}{label}\n", t.base, code(&b.id));
        if let Some(why) = &b.whole {
            let _ = writeln!(o, "**{}.** {}\n", t.whole_base, or_missing(why, v));
        }
        if !b.tables.is_empty() {
            let _ = writeln!(o, "**{}**\n", t.whole_tables);
            table(
                &mut o,
                &[t.table, t.label, t.justification],
                b.tables
                    .iter()
                    .map(|r| vec![code(&r.table), cell(&r.label), cell(&r.why)]),
            );
        }
        if !b.variables.is_empty() {
            let _ = writeln!(o, "**{}**\n", t.variables);
            table(
                &mut o,
                &[t.table, t.variable, t.label, t.justification, t.key],
                b.variables.iter().map(|r| {
                    vec![
                        code(&r.table),
                        code(&r.variable),
                        cell(&r.label),
                        cell(&r.why),
                        if r.key {
                            t.key_mark.to_string()
                        } else {
                            String::new()
                        },
                    ]
                }),
            );
        }
    }
    if v.has_keys {
        let _ = writeln!(o, "*{}*\n", escape(t.key_note));
    }

    let _ = writeln!(o, "## {}\n", t.period);
    fields(&mut o, &v.period, v);

    let _ = writeln!(
        o,
        "## {}\n\n{}\n",
        t.population,
        or_missing(&v.population, v)
    );
    if !v.criteria.is_empty() {
        let _ = writeln!(o, "### {}\n", t.criteria);
        table(
            &mut o,
            &[t.criteria, t.kind, t.nomenclature, t.codes, t.description],
            v.criteria.iter().map(|c| {
                vec![
                    c.sense.to_string(),
                    c.kind.to_string(),
                    code(&c.nomenclature),
                    code(&c.codes),
                    cell(&c.text),
                ]
            }),
        );
    }

    let _ = writeln!(o, "## {}\n", t.linkage);
    fields(&mut o, &v.linkage, v);
    let _ = writeln!(o, "## {}\n", t.processing);
    fields(&mut o, &v.processing, v);
    let _ = writeln!(o, "## {}\n\n{}\n", t.retention, or_missing(&v.retention, v));

    let _ = writeln!(o, "## {}\n", t.team);
    if v.team.is_empty() {
        let _ = writeln!(o, "*{}*\n", t.missing);
    } else {
        table(
            &mut o,
            &[t.name, t.role, t.organisation, t.access],
            v.team.iter().map(|m| {
                vec![
                    cell(&m.name),
                    cell(&m.role),
                    cell(&m.organisation),
                    cell(&m.access),
                ]
            }),
        );
    }

    let _ = writeln!(o, "## {}\n\n{}\n", t.checks, escape(&v.check_counts));
    if v.findings.is_empty() {
        let _ = writeln!(o, "*{}*\n", t.no_findings);
    } else {
        table(
            &mut o,
            &[t.severity, t.item, t.message, t.fix],
            v.findings.iter().map(|f| {
                vec![
                    f.severity.to_string(),
                    code(&f.item),
                    cell(&f.message),
                    cell(&f.fix),
                ]
            }),
        );
    }

    if !v.citations.is_empty() {
        let _ = writeln!(o, "## {}\n", t.bibliography);
        for c in &v.citations {
            let _ = writeln!(o, "- {}", escape(c));
        }
        o.push('\n');
    }
    while o.ends_with("\n\n") {
        o.pop();
    }
    o
}
