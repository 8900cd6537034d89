//! The SNDS export rule on console results: a count under 10 is not shown (primary masking), and
//! enough other cells are masked with it that it cannot be recomputed from a margin (secondary
//! masking).
//!
//! Which columns are counts is read from the SQL text and the column names, not from the values
//! (see `docs/decisions/0007-sql-console.md`):
//!
//! - a column whose expression is `count(…)` (its name when it has no alias, or the alias that
//!   follows `count(…)` in the query);
//! - a column named like a head count (`n`, `nb`, `nb_…`, `n_…`, `effectif…`, `nombre…`,
//!   `count…`) holding integers: `sum(CASE WHEN … THEN 1 END) AS nb_femmes` is a count too.
//!
//! Other aggregates of the same row (`sum`, `avg`, `min`, `max`, `total`, `group_concat`) are
//! masked with a masked count: they describe the same small group. What this cannot see: a count
//! hidden under a neutral alias (`sum(x=1) AS femmes`), and aggregates of a query with no count
//! column at all (a group's size is then unknown). It masks counts of rows, which may be more
//! than persons: count persons with `count(DISTINCT BEN_NIR_PSA)`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// Counts from 1 to `THRESHOLD - 1` are masked.
pub const THRESHOLD: i64 = 10;

/// What masking did to a result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Masking {
    /// Columns read as counts.
    pub count_columns: Vec<String>,
    /// Columns read as other aggregates (masked with their row's count).
    pub aggregate_columns: Vec<String>,
    /// Every masked cell, with why.
    pub cells: Vec<MaskedCell>,
    /// One sentence per reason, for people.
    pub notes: Vec<String>,
}

/// One masked cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MaskedCell {
    /// Row index in the shown rows.
    pub row: usize,
    /// Column index.
    pub column: usize,
    /// `primary` (a count under 10), `secondary` (masked so that a primary cell cannot be
    /// recomputed from the margin) or `group` (an aggregate of a masked group).
    pub kind: String,
    /// Why, in words.
    pub reason: String,
}

/// What a masked cell shows.
pub const MASKED_PRIMARY: &str = "<10";
/// What a cell masked to protect another shows.
pub const MASKED_SECONDARY: &str = "(masqué)";

/// The aliases given to the `fname(…)` expressions of `sql`: lowercase names.
fn aliases_of(sql: &str, fnames: &[&str]) -> (Vec<String>, usize) {
    let s: Vec<char> = sql.chars().collect();
    let low: Vec<char> = sql.to_lowercase().chars().collect();
    let mut out = Vec::new();
    let mut found = 0;
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < low.len() {
        let hit = fnames.iter().find(|f| {
            let f: Vec<char> = f.chars().collect();
            low.len() >= i + f.len()
                && low[i..i + f.len()] == f[..]
                && (i == 0 || !ident(low[i - 1]))
                && {
                    let mut j = i + f.len();
                    while j < low.len() && low[j].is_whitespace() {
                        j += 1;
                    }
                    j < low.len() && low[j] == '('
                }
        });
        let Some(f) = hit else {
            i += 1;
            continue;
        };
        found += 1;
        let mut j = i + f.chars().count();
        while low[j] != '(' {
            j += 1;
        }
        let mut depth = 0;
        while j < low.len() {
            match low[j] {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        j += 1;
        // Optional window clause and `AS`.
        let skip_ws = |mut j: usize| {
            while j < low.len() && low[j].is_whitespace() {
                j += 1;
            }
            j
        };
        j = skip_ws(j);
        let word_at = |j: usize, w: &str| {
            let w: Vec<char> = w.chars().collect();
            low.len() >= j + w.len()
                && low[j..j + w.len()] == w[..]
                && (j + w.len() == low.len() || !ident(low[j + w.len()]))
        };
        if word_at(j, "as") {
            j = skip_ws(j + 2);
        }
        if j < s.len() {
            let (open, close) = match s[j] {
                '"' => (Some('"'), '"'),
                '`' => (Some('`'), '`'),
                '[' => (Some('['), ']'),
                _ => (None, ' '),
            };
            let name: String = if open.is_some() {
                s[j + 1..].iter().take_while(|c| **c != close).collect()
            } else {
                s[j..].iter().take_while(|c| ident(**c)).collect()
            };
            let l = name.to_lowercase();
            let keyword = [
                "from", "over", "filter", "where", "group", "order", "having", "limit", "and",
                "or", "end", "then", "else", "when", "union", "as",
            ];
            if !l.is_empty() && !keyword.contains(&l.as_str()) {
                out.push(l);
            }
        }
        i = j.max(i + 1);
    }
    (out, found)
}

fn compact(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn named_like_a_count(name: &str) -> bool {
    let n = name.to_lowercase();
    n == "n"
        || n == "nb"
        || ["nb_", "n_", "effectif", "nombre", "count", "nb"]
            .iter()
            .any(|p| n.starts_with(p))
}

/// Which columns of a result are counts, which are other aggregates.
pub fn classify(sql: &str, columns: &[String], rows: &[Vec<Value>]) -> (Vec<usize>, Vec<usize>) {
    let (count_alias, _) = aliases_of(sql, &["count"]);
    let aggs = ["sum", "avg", "min", "max", "total", "group_concat"];
    let (agg_alias, _) = aliases_of(sql, &aggs);
    let mut counts = Vec::new();
    let mut others = Vec::new();
    for (i, c) in columns.iter().enumerate() {
        let k = compact(c);
        let integers = rows
            .iter()
            .all(|r| matches!(&r[i], Value::Null) || r[i].as_i64().is_some());
        if k.starts_with("count(")
            || count_alias.contains(&c.to_lowercase())
            || (named_like_a_count(c) && integers && !rows.is_empty())
        {
            counts.push(i);
        } else if aggs.iter().any(|a| k.starts_with(&format!("{a}(")))
            || agg_alias.contains(&c.to_lowercase())
        {
            others.push(i);
        }
    }
    (counts, others)
}

/// Applies the rule to `rows` in place: masked cells are replaced by [`MASKED_PRIMARY`] or
/// [`MASKED_SECONDARY`]. Answers what was done.
pub fn apply(sql: &str, columns: &[String], rows: &mut [Vec<Value>]) -> Masking {
    let (counts, others) = classify(sql, columns, rows);
    let mut m = Masking {
        count_columns: counts.iter().map(|&i| columns[i].clone()).collect(),
        aggregate_columns: others.iter().map(|&i| columns[i].clone()).collect(),
        ..Default::default()
    };
    if counts.is_empty() {
        return m;
    }
    let val = |rows: &[Vec<Value>], r: usize, c: usize| rows[r][c].as_i64();
    // 0 = shown, 1 = primary, 2 = secondary.
    let mut state = vec![vec![0u8; columns.len()]; rows.len()];
    for (r, row) in rows.iter().enumerate() {
        for &c in &counts {
            if row[c].as_i64().is_some_and(|v| v > 0 && v < THRESHOLD) {
                state[r][c] = 1;
            }
        }
    }
    // Secondary: in every margin (a count column; the count cells of a row) where exactly one
    // cell is masked, mask the smallest shown positive cell too, until no margin has a lone
    // masked cell.
    loop {
        let mut changed = false;
        let mut margins: Vec<Vec<(usize, usize)>> = counts
            .iter()
            .map(|&c| (0..rows.len()).map(|r| (r, c)).collect())
            .collect();
        if counts.len() > 1 {
            margins.extend((0..rows.len()).map(|r| counts.iter().map(|&c| (r, c)).collect()));
        }
        for cells in margins {
            let masked = cells.iter().filter(|&&(r, c)| state[r][c] > 0).count();
            if masked != 1 {
                continue;
            }
            let pick = cells
                .iter()
                .filter(|&&(r, c)| state[r][c] == 0 && val(rows, r, c).is_some_and(|v| v > 0))
                .min_by_key(|&&(r, c)| val(rows, r, c));
            if let Some(&(r, c)) = pick {
                state[r][c] = 2;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let (mut n1, mut n2, mut n3) = (0, 0, 0);
    for r in 0..rows.len() {
        let row_masked = counts.iter().any(|&c| state[r][c] > 0);
        for &c in &counts {
            match state[r][c] {
                1 => {
                    n1 += 1;
                    rows[r][c] = MASKED_PRIMARY.into();
                    m.cells.push(MaskedCell {
                        row: r,
                        column: c,
                        kind: "primary".into(),
                        reason: format!(
                            "effectif inférieur à {THRESHOLD} (règle d'export du SNDS) / count under {THRESHOLD} (SNDS export rule)"
                        ),
                    });
                }
                2 => {
                    n2 += 1;
                    rows[r][c] = MASKED_SECONDARY.into();
                    m.cells.push(MaskedCell {
                        row: r,
                        column: c,
                        kind: "secondary".into(),
                        reason: "masquage secondaire : sinon un effectif masqué se recalcule par différence avec le total / secondary masking: otherwise a masked count could be recomputed from the total".into(),
                    });
                }
                _ => {}
            }
        }
        if row_masked {
            for &c in &others {
                if !rows[r][c].is_null() {
                    n3 += 1;
                    rows[r][c] = MASKED_SECONDARY.into();
                    m.cells.push(MaskedCell {
                        row: r,
                        column: c,
                        kind: "group".into(),
                        reason: "agrégat d'un groupe masqué / aggregate of a masked group".into(),
                    });
                }
            }
        }
    }
    if n1 > 0 {
        m.notes.push(format!(
            "{n1} effectif(s) entre 1 et {} masqué(s) : la règle d'export du SNDS interdit de sortir un effectif inférieur à {THRESHOLD}.",
            THRESHOLD - 1
        ));
    }
    if n2 > 0 {
        m.notes.push(format!(
            "{n2} autre(s) effectif(s) masqué(s) (masquage secondaire) pour qu'aucun effectif masqué ne se déduise d'un total ou d'une différence."
        ));
    }
    if n3 > 0 {
        m.notes.push(format!(
            "{n3} agrégat(s) (somme, moyenne, min, max) d'un groupe masqué masqué(s) aussi."
        ));
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn count_aliases_are_found() {
        let (a, n) = aliases_of(
            "SELECT sexe, COUNT(DISTINCT x) AS n_pers, count(*) nb, count((a)) \"Effectif\" FROM t",
            &["count"],
        );
        assert_eq!(n, 3);
        assert_eq!(a, vec!["n_pers", "nb", "effectif"]);
    }

    #[test]
    fn a_small_count_and_its_complement_are_masked() {
        let sql = "SELECT sex, count(*) AS n, avg(age) AS age FROM t GROUP BY sex";
        let c = cols(&["sex", "n", "age"]);
        let mut rows = vec![
            vec![json!(1), json!(40), json!(50.5)],
            vec![json!(2), json!(5), json!(61.0)],
            vec![json!(9), json!(12), json!(30.0)],
        ];
        let m = apply(sql, &c, &mut rows);
        assert_eq!(m.count_columns, vec!["n"]);
        assert_eq!(rows[1][1], json!(MASKED_PRIMARY));
        assert_eq!(rows[1][2], json!(MASKED_SECONDARY), "its average too");
        // The smallest other count is masked: 40 + 12 + 5 = total can't give back the 5.
        assert_eq!(rows[2][1], json!(MASKED_SECONDARY));
        assert_eq!(rows[0][1], json!(40));
        assert_eq!(m.notes.len(), 3);
    }

    #[test]
    fn nothing_is_masked_without_a_count() {
        let mut rows = vec![vec![json!("a"), json!(3)]];
        let m = apply("SELECT x, y FROM t", &cols(&["x", "y"]), &mut rows);
        assert!(m.cells.is_empty());
        assert_eq!(rows[0][1], json!(3));
    }
}
