//! Word (Office Open XML), written by docx-rs: real heading styles (so Word's navigation pane
//! and table of contents see the sections), real tables for the variables. User strings go into
//! text runs, which docx-rs escapes as XML.

use super::view::{Field, View};
use crate::{Error, Result};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, PageMargin, PageNum, Paragraph, Run, RunFonts,
    Shading, Style, StyleType, Table, TableCell, TableLayoutType, TableRow, WidthType,
};

/// A4 in twentieths of a point, with 2 cm margins: 17 cm of text width.
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
const MARGIN: i32 = 1_134;
const TEXT_W: usize = 9_638;
const ACCENT: &str = "1F3A5F";
const HEADER_FILL: &str = "E8EEF5";

/// A run of user text: its line breaks kept as breaks.
fn text_run(s: &str) -> Run {
    let mut run = Run::new();
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(docx_rs::BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn para(s: &str) -> Paragraph {
    Paragraph::new().add_run(text_run(s))
}

fn missing(v: &View) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(v.t.missing).italic().color("777777"))
}

fn value(s: &str, v: &View) -> Paragraph {
    if s.trim().is_empty() {
        missing(v)
    } else {
        para(s)
    }
}

fn heading(level: usize, s: &str) -> Paragraph {
    Paragraph::new()
        .style(&format!("Heading{level}"))
        .add_run(Run::new().add_text(s))
}

fn mono(s: &str) -> Run {
    Run::new()
        .add_text(s)
        .fonts(RunFonts::new().ascii("Consolas").hi_ansi("Consolas"))
        .size(17)
}

fn cell(p: Paragraph, width: usize) -> TableCell {
    TableCell::new()
        .add_paragraph(p)
        .width(width, WidthType::Dxa)
}

fn header_row(names: &[&str], widths: &[usize]) -> TableRow {
    TableRow::new(
        names
            .iter()
            .zip(widths)
            .map(|(n, w)| {
                cell(Paragraph::new().add_run(Run::new().add_text(*n).bold()), *w)
                    .shading(Shading::new().fill(HEADER_FILL))
            })
            .collect(),
    )
    .cant_split()
}

fn table(widths: &[usize], head: &[&str], rows: Vec<Vec<Paragraph>>) -> Table {
    let mut all = vec![header_row(head, widths)];
    for r in rows {
        all.push(
            TableRow::new(
                r.into_iter()
                    .zip(widths)
                    .map(|(p, w)| cell(p, *w))
                    .collect(),
            )
            .cant_split(),
        );
    }
    Table::new(all)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
}

/// Columns in proportions of the text width.
fn widths(parts: &[usize]) -> Vec<usize> {
    let total: usize = parts.iter().sum();
    parts.iter().map(|p| TEXT_W * p / total).collect()
}

fn fields(rows: &[Field], v: &View) -> Table {
    let w = widths(&[1, 2]);
    let rows: Vec<TableRow> = rows
        .iter()
        .map(|f| {
            TableRow::new(vec![
                cell(
                    Paragraph::new().add_run(Run::new().add_text(f.label).bold()),
                    w[0],
                ),
                cell(value(&f.value, v), w[1]),
            ])
            .cant_split()
        })
        .collect();
    Table::new(rows)
        .set_grid(w)
        .layout(TableLayoutType::Fixed)
        .width(TEXT_W, WidthType::Dxa)
}

fn styles(docx: Docx) -> Docx {
    let body = RunFonts::new()
        .ascii("Calibri")
        .hi_ansi("Calibri")
        .cs("Calibri")
        .east_asia("Calibri");
    docx.default_fonts(body)
        .default_size(21)
        .default_line_spacing(LineSpacing::new().after(100).line(264))
        .add_style(
            Style::new("Title", StyleType::Paragraph)
                .name("Title")
                .size(40)
                .bold()
                .color(ACCENT),
        )
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("Heading 1")
                .size(30)
                .bold()
                .color(ACCENT)
                .outline_lvl(0)
                .line_spacing(LineSpacing::new().before(360).after(120)),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("Heading 2")
                .size(25)
                .bold()
                .color(ACCENT)
                .outline_lvl(1)
                .line_spacing(LineSpacing::new().before(240).after(100)),
        )
}

/// Writes `v` as a DOCX file.
pub(crate) fn write(v: &View, origin: &str) -> Result<Vec<u8>> {
    let t = v.t;
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Right)
            .add_run(
                Run::new()
                    .add_text(format!(
                        "{} {} · {} {} · {} ",
                        t.generated, v.generated, t.version, v.version, t.page
                    ))
                    .size(16)
                    .color("666666"),
            )
            .add_page_num(PageNum::new()),
    );
    let mut d = styles(Docx::new())
        .page_size(PAGE_W, PAGE_H)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 567,
            footer: 567,
            gutter: 0,
        })
        .footer(footer);

    // Title block.
    d = d
        .add_paragraph(
            Paragraph::new().add_run(
                Run::new()
                    .add_text(t.doc_kind.to_uppercase())
                    .bold()
                    .size(18)
                    .color(ACCENT),
            ),
        )
        .add_paragraph(Paragraph::new().style("Title").add_run(Run::new().add_text(
            if v.title.trim().is_empty() {
                t.missing
            } else {
                v.title.as_str()
            },
        )));
    if !v.acronym.is_empty() {
        d = d.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(&v.acronym).size(26).color("555555")),
        );
    }
    let head = [
        Field {
            label: t.route,
            value: v.route.clone(),
        },
        Field {
            label: t.status,
            value: v.status.clone(),
        },
        Field {
            label: t.version,
            value: v.version.clone(),
        },
        Field {
            label: t.generated,
            value: v.generated.clone(),
        },
    ];
    d = d.add_table(fields(&head, v));

    d = d
        .add_paragraph(heading(1, t.summary))
        .add_table(fields(&v.summary, v));
    d = d
        .add_paragraph(heading(1, t.access_route))
        .add_paragraph(para(&v.route));

    d = d.add_paragraph(heading(1, t.data));
    if v.bases.is_empty() {
        d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(t.no_data).italic()));
    }
    for b in &v.bases {
        let mut h = Paragraph::new()
            .style("Heading2")
            .add_run(Run::new().add_text(format!("{} ", t.base)))
            .add_run(Run::new().add_text(&b.id));
        if !b.label.is_empty() {
            h = h.add_run(Run::new().add_text(format!(" — {}", b.label)));
        }
        d = d.add_paragraph(h);
        if let Some(why) = &b.whole {
            d = d.add_paragraph(
                Paragraph::new()
                    .add_run(Run::new().add_text(format!("{}. ", t.whole_base)).bold())
                    .add_run(if why.trim().is_empty() {
                        Run::new().add_text(t.missing).italic()
                    } else {
                        text_run(why)
                    }),
            );
        }
        if !b.tables.is_empty() {
            d = d.add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().add_text(t.whole_tables).bold()),
            );
            let rows = b
                .tables
                .iter()
                .map(|r| {
                    vec![
                        Paragraph::new().add_run(mono(&r.table)),
                        value(&r.label, v),
                        value(&r.why, v),
                    ]
                })
                .collect();
            d = d.add_table(table(
                &widths(&[3, 4, 6]),
                &[t.table, t.label, t.justification],
                rows,
            ));
        }
        if !b.variables.is_empty() {
            d = d.add_paragraph(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().add_text(t.variables).bold()),
            );
            let rows = b
                .variables
                .iter()
                .map(|r| {
                    vec![
                        Paragraph::new().add_run(mono(&r.table)),
                        Paragraph::new().add_run(mono(&r.variable)),
                        para(&r.label),
                        value(&r.why, v),
                        Paragraph::new().add_run(if r.key {
                            Run::new().add_text(t.key_mark).bold().color(ACCENT)
                        } else {
                            Run::new()
                        }),
                    ]
                })
                .collect();
            d = d.add_table(table(
                &widths(&[5, 6, 8, 10, 2]),
                &[t.table, t.variable, t.label, t.justification, t.key],
                rows,
            ));
        }
    }
    if v.has_keys {
        d = d.add_paragraph(
            Paragraph::new().add_run(Run::new().add_text(t.key_note).size(17).color("555555")),
        );
    }

    d = d
        .add_paragraph(heading(1, t.period))
        .add_table(fields(&v.period, v));

    d = d
        .add_paragraph(heading(1, t.population))
        .add_paragraph(value(&v.population, v));
    if !v.criteria.is_empty() {
        let rows = v
            .criteria
            .iter()
            .map(|c| {
                vec![
                    para(c.sense),
                    para(c.kind),
                    Paragraph::new().add_run(mono(&c.nomenclature)),
                    Paragraph::new().add_run(mono(&c.codes)),
                    para(&c.text),
                ]
            })
            .collect();
        d = d.add_paragraph(heading(2, t.criteria)).add_table(table(
            &widths(&[3, 4, 3, 5, 7]),
            &[t.criteria, t.kind, t.nomenclature, t.codes, t.description],
            rows,
        ));
    }

    d = d
        .add_paragraph(heading(1, t.linkage))
        .add_table(fields(&v.linkage, v));
    d = d
        .add_paragraph(heading(1, t.processing))
        .add_table(fields(&v.processing, v));
    d = d
        .add_paragraph(heading(1, t.retention))
        .add_paragraph(value(&v.retention, v));

    d = d.add_paragraph(heading(1, t.team));
    if v.team.is_empty() {
        d = d.add_paragraph(missing(v));
    } else {
        let rows = v
            .team
            .iter()
            .map(|m| {
                vec![
                    para(&m.name),
                    para(&m.role),
                    para(&m.organisation),
                    para(&m.access),
                ]
            })
            .collect();
        d = d.add_table(table(
            &widths(&[4, 4, 4, 3]),
            &[t.name, t.role, t.organisation, t.access],
            rows,
        ));
    }

    d = d
        .add_paragraph(heading(1, t.checks))
        .add_paragraph(para(&v.check_counts));
    if v.findings.is_empty() {
        d = d.add_paragraph(Paragraph::new().add_run(Run::new().add_text(t.no_findings).italic()));
    } else {
        let rows = v
            .findings
            .iter()
            .map(|f| {
                let colour = match f.level {
                    "error" => "A4262C",
                    "warning" => "8A5300",
                    _ => "555555",
                };
                vec![
                    Paragraph::new().add_run(Run::new().add_text(f.severity).bold().color(colour)),
                    Paragraph::new().add_run(mono(&f.item)),
                    para(&f.message),
                    para(&f.fix),
                ]
            })
            .collect();
        d = d.add_table(table(
            &widths(&[3, 5, 7, 6]),
            &[t.severity, t.item, t.message, t.fix],
            rows,
        ));
    }

    if !v.citations.is_empty() {
        d = d.add_paragraph(heading(1, t.bibliography));
        for c in &v.citations {
            d = d.add_paragraph(para(c));
        }
    }

    let mut out = std::io::Cursor::new(Vec::new());
    d.build()
        .pack(&mut out)
        .map_err(|e| Error::Invalid(format!("{origin}: the DOCX could not be written: {e}")))?;
    Ok(out.into_inner())
}
