//! Charts of column profiles, drawn with plotters as SVG (decisions/0008).
//!
//! plotters is built without any font backend (no `ttf`, so no font-kit and no system fonts):
//! its text is SVG `<text>` anchored where it belongs (`text-anchor`, `dy`) and laid out by the
//! viewer, in the family named here, which the app bundles (Inter, JetBrains Mono). The same
//! request gives the same bytes on every machine; no font file is referenced.
//!
//! A histogram (numbers, dates) is drawn as vertical bins; bars (codes) as horizontal bars, most
//! frequent first, each labelled with its code and the code's label.

use super::profile::{ChartKind, ColumnProfile};
use crate::{Error, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontFamily;

/// The text of the charts: the app's own font, then what any system has.
const SANS: &str = "Inter Variable, Inter, system-ui, sans-serif";
/// The bars' colour (the app's accent).
const BAR: RGBColor = RGBColor(0x1f, 0x5c, 0x9e);
const AXIS: RGBColor = RGBColor(0x55, 0x5f, 0x6d);
const GRID: RGBColor = RGBColor(0xe3, 0xe7, 0xec);

/// Size of a chart.
#[derive(Debug, Clone, Copy)]
pub struct ChartOptions {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels (bars: grows with the number of bars).
    pub height: u32,
}

impl Default for ChartOptions {
    fn default() -> Self {
        ChartOptions {
            width: 520,
            height: 260,
        }
    }
}

fn draw_err<E: std::fmt::Debug>(column: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Invalid(format!("chart of `{column}`: {e:?}"))
}

/// Cuts a label to `n` characters (with an ellipsis).
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// The SVG chart of a profiled column; `None` when the column has no chart (identifiers, empty
/// columns).
pub fn chart_svg(p: &ColumnProfile, o: ChartOptions) -> Result<Option<String>> {
    let Some(spec) = &p.chart else {
        return Ok(None);
    };
    if spec.bars.is_empty() {
        return Ok(None);
    }
    let name = p.column.name.as_str();
    let err = draw_err(name);
    let max = spec.bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let mut svg = String::new();
    let text = |size: f64| (FontFamily::Name(SANS), size).into_font().color(&AXIS);
    match spec.kind {
        ChartKind::Histogram => {
            let n = spec.bars.len();
            let root = SVGBackend::with_string(&mut svg, (o.width, o.height)).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let mut chart = ChartBuilder::on(&root)
                .margin(8)
                .margin_right(16)
                .x_label_area_size(44)
                .y_label_area_size(48)
                .build_cartesian_2d(0f64..n as f64, 0f64..(max as f64 * 1.08))
                .map_err(&err)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(GRID)
                .bold_line_style(GRID)
                .axis_style(AXIS)
                .x_labels(0)
                .y_labels(5)
                .y_label_formatter(&|y: &f64| format!("{}", *y as u64))
                .label_style(text(15.0))
                .draw()
                .map_err(&err)?;
            chart
                .draw_series(spec.bars.iter().enumerate().map(|(i, b)| {
                    Rectangle::new(
                        [(i as f64 + 0.06, 0.0), (i as f64 + 0.94, b.count as f64)],
                        BAR.filled(),
                    )
                }))
                .map_err(&err)?;
            // About six labels along the axis, at the start of their bins, whatever their
            // number; the text is anchored by the viewer (no measuring here).
            let step = n.div_ceil(6).max(1);
            let style = text(15.0).pos(Pos::new(HPos::Center, VPos::Top));
            for (i, b) in spec.bars.iter().enumerate().step_by(step) {
                let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0.0));
                let label = short(b.label.split('–').next().unwrap_or(""), 10);
                root.draw(&Text::new(label, (x, y + 6), style.clone()))
                    .map_err(&err)?;
            }
            root.present().map_err(&err)?;
        }
        ChartKind::Bars => {
            let n = spec.bars.len();
            let height = (n as u32 * 24 + 48).max(96);
            let root = SVGBackend::with_string(&mut svg, (o.width, height)).into_drawing_area();
            root.fill(&WHITE).map_err(&err)?;
            let labels: Vec<String> = spec
                .bars
                .iter()
                .map(|b| match &b.code_label {
                    Some(l) => short(&format!("{} · {l}", b.label), 30),
                    None => short(&b.label, 30),
                })
                .collect();
            let mut chart = ChartBuilder::on(&root)
                .margin(8)
                .margin_right(24)
                .x_label_area_size(28)
                .y_label_area_size((o.width as f64 * 0.42) as u32)
                .build_cartesian_2d(0f64..(max as f64 * 1.12), 0f64..n as f64)
                .map_err(&err)?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .light_line_style(GRID)
                .bold_line_style(GRID)
                .axis_style(AXIS)
                .x_labels(5)
                .x_label_formatter(&|x: &f64| format!("{}", *x as u64))
                .y_labels(0)
                .label_style(text(15.0))
                .draw()
                .map_err(&err)?;
            chart
                .draw_series(spec.bars.iter().enumerate().map(|(i, b)| {
                    let top = (n - i) as f64;
                    Rectangle::new(
                        [(0.0, top - 0.16), (b.count as f64, top - 0.84)],
                        BAR.filled(),
                    )
                }))
                .map_err(&err)?;
            // Bar i (from the top) spans [n-1-i, n-i]: its label sits left of its middle.
            let style = text(16.0).pos(Pos::new(HPos::Right, VPos::Center));
            for (i, label) in labels.into_iter().enumerate() {
                let (x, y) = chart.backend_coord(&(0.0, (n - i) as f64 - 0.5));
                root.draw(&Text::new(label, (x - 8, y), style.clone()))
                    .map_err(&err)?;
            }
            root.present().map_err(&err)?;
        }
    }
    Ok(Some(svg))
}
