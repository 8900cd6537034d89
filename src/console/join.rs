//! The join helper: the SQL that joins two tables, from the catalogue's foreign keys — directly
//! when one table references the other, else through the fewest intermediate tables.

use crate::store::samples_db::quote_ident;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use ts_rs::TS;

/// A foreign key of the catalogue: `table(fields)` references `ref_table(ref_fields)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing table.
    pub table: String,
    /// Its columns.
    pub fields: Vec<String>,
    /// The referenced table.
    pub ref_table: String,
    /// Its columns.
    pub ref_fields: Vec<String>,
}

/// One step of a join path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JoinStep {
    /// The table joined at this step.
    pub table: String,
    /// Its alias in the SQL.
    pub alias: String,
    /// The pairs `(column of the previous table, column of this one)`.
    pub on: Vec<(String, String)>,
}

/// The SQL joining two tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct JoinPlan {
    /// The first table.
    pub from: String,
    /// The tables joined after it, in order; the last is the second table.
    pub steps: Vec<JoinStep>,
    /// The query.
    pub sql: String,
    /// What to know (intermediate tables, key count).
    pub notes: Vec<String>,
}

fn alias(t: &str, used: &mut Vec<String>) -> String {
    // Initials of the name's parts: ER_PRS_F → prs, T_MCOaaB → b, IR_BEN_R → ben.
    let parts: Vec<&str> = t.split('_').filter(|p| !p.is_empty()).collect();
    let base = if t.starts_with("T_MCO") || t.starts_with("T_SSR") || t.starts_with("T_HAD") {
        t.chars()
            .last()
            .unwrap_or('t')
            .to_ascii_lowercase()
            .to_string()
    } else if parts.len() >= 2 {
        parts[1].to_lowercase()
    } else {
        t.to_lowercase()
    };
    let mut a = base.clone();
    let mut i = 2;
    while used.contains(&a) {
        a = format!("{base}{i}");
        i += 1;
    }
    used.push(a.clone());
    a
}

/// One way over a foreign key: the other table, this side's columns, the other side's.
type Edge<'a> = (&'a str, &'a [String], &'a [String]);

/// The shortest path from `a` to `b` over `fks` (each usable both ways), at most `max_hops`
/// joins, among tables that `exists`.
pub fn plan(
    fks: &[ForeignKey],
    a: &str,
    b: &str,
    exists: &dyn Fn(&str) -> bool,
) -> Option<JoinPlan> {
    const MAX_HOPS: usize = 4;
    // Adjacency: table → (other, its columns, other's columns).
    let mut adj: BTreeMap<&str, Vec<Edge>> = BTreeMap::new();
    for fk in fks {
        if fk.table == fk.ref_table || !exists(&fk.table) || !exists(&fk.ref_table) {
            continue;
        }
        adj.entry(&fk.table)
            .or_default()
            .push((&fk.ref_table, &fk.fields, &fk.ref_fields));
        adj.entry(&fk.ref_table)
            .or_default()
            .push((&fk.table, &fk.ref_fields, &fk.fields));
    }
    // Breadth first; among equal lengths, the edge with the most key columns first (the nine
    // DCIR keys rather than a single one), then catalogue order.
    for v in adj.values_mut() {
        v.sort_by_key(|(_, f, _)| std::cmp::Reverse(f.len()));
    }
    let mut prev: BTreeMap<&str, Edge> = BTreeMap::new();
    let mut depth: BTreeMap<&str, usize> = BTreeMap::new();
    let mut q = VecDeque::new();
    depth.insert(a, 0);
    q.push_back(a);
    while let Some(t) = q.pop_front() {
        if t == b {
            break;
        }
        let d = depth[t];
        if d >= MAX_HOPS {
            continue;
        }
        for &(o, f, of) in adj.get(t).map(|v| v.as_slice()).unwrap_or(&[]) {
            if !depth.contains_key(o) {
                depth.insert(o, d + 1);
                prev.insert(o, (t, f, of));
                q.push_back(o);
            }
        }
    }
    if a == b || !depth.contains_key(b) {
        return None;
    }
    let mut chain = vec![];
    let mut cur = b;
    while cur != a {
        let (p, f, of) = prev[cur];
        chain.push((cur, p, f, of));
        cur = p;
    }
    chain.reverse();
    let mut used = Vec::new();
    let mut aliases: BTreeMap<&str, String> = BTreeMap::new();
    aliases.insert(a, alias(a, &mut used));
    let mut sql = format!("SELECT *\nFROM {} AS {}", quote_ident(a), aliases[a]);
    let mut steps = Vec::new();
    for (t, p, f, of) in &chain {
        let al = alias(t, &mut used);
        let pa = aliases[p].clone();
        sql.push_str(&format!("\nJOIN {} AS {al}", quote_ident(t)));
        for (i, (x, y)) in f.iter().zip(of.iter()).enumerate() {
            sql.push_str(&format!(
                "\n  {} {al}.{} = {pa}.{}",
                if i == 0 { "ON " } else { "AND" },
                quote_ident(y),
                quote_ident(x)
            ));
        }
        steps.push(JoinStep {
            table: t.to_string(),
            alias: al.clone(),
            on: f.iter().cloned().zip(of.iter().cloned()).collect(),
        });
        aliases.insert(t, al);
    }
    sql.push_str("\nLIMIT 100");
    let mut notes = Vec::new();
    if steps.len() > 1 {
        let via: Vec<&str> = steps[..steps.len() - 1]
            .iter()
            .map(|s| s.table.as_str())
            .collect();
        notes.push(format!(
            "no direct key between {a} and {b}: the join goes through {}",
            via.join(", ")
        ));
    }
    for s in &steps {
        if s.on.len() > 1 {
            notes.push(format!(
                "{} joins on {} columns together: leaving one out multiplies the rows",
                s.table,
                s.on.len()
            ));
        }
    }
    Some(JoinPlan {
        from: a.to_string(),
        steps,
        sql,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fk(t: &str, f: &[&str], r: &str, rf: &[&str]) -> ForeignKey {
        ForeignKey {
            table: t.into(),
            fields: f.iter().map(|s| s.to_string()).collect(),
            ref_table: r.into(),
            ref_fields: rf.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn a_stay_reaches_the_beneficiary_through_its_patient_link() {
        let fks = vec![
            fk(
                "T_MCOaaC",
                &["ETA_NUM", "RSA_NUM"],
                "T_MCOaaB",
                &["ETA_NUM", "RSA_NUM"],
            ),
            fk("T_MCOaaC", &["NIR_ANO_17"], "IR_BEN_R", &["BEN_NIR_PSA"]),
        ];
        let p = plan(&fks, "T_MCOaaB", "IR_BEN_R", &|_| true).unwrap();
        assert_eq!(p.steps.len(), 2);
        assert!(
            p.sql
                .contains("JOIN \"IR_BEN_R\" AS ben\n  ON  ben.\"BEN_NIR_PSA\" = c.\"NIR_ANO_17\""),
            "{}",
            p.sql
        );
        assert!(plan(&fks, "T_MCOaaB", "ER_PRS_F", &|_| true).is_none());
    }
}
