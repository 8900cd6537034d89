//! `hublot sql …` and `hublot exercise …`: the console and exercise operations on the command
//! line, with the same request structs as the app.

use super::print_json;
use clap::{Args, Subcommand};
use hublot::api::console::{ExerciseCheck, ExerciseGet, SqlExport, SqlRun};
use hublot::console::{cell, QueryOutput};
use hublot::Hublot;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `hublot sql`.
#[derive(Args)]
pub struct SqlArgs {
    /// One read-only SQL query on the active snapshot's samples.
    pub query: String,
    /// Time limit in milliseconds (default 5000, at most 60000).
    #[arg(long)]
    pub timeout_ms: Option<u64>,
    /// Rows shown (default 1000, at most 10000).
    #[arg(long)]
    pub max_rows: Option<u64>,
    /// Show counts under 10 (the SNDS export rule masks them by default).
    #[arg(long)]
    pub no_mask: bool,
    /// Write every row as CSV to this file instead ("export all").
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ExerciseCmd {
    /// Every exercise, with your progress.
    List,
    /// One exercise: statement and hints.
    Show { id: u32 },
    /// Check an answer; exits with 1 when it is not right.
    Check { id: u32, query: String },
}

fn table(o: &QueryOutput) {
    let mut w: Vec<usize> = o.columns.iter().map(|c| c.chars().count()).collect();
    let cells: Vec<Vec<String>> = o
        .rows
        .iter()
        .map(|r| r.iter().map(cell).collect())
        .collect();
    for r in &cells {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(c.chars().count()).min(40);
        }
    }
    let line = |vals: &[String]| {
        vals.iter()
            .enumerate()
            .map(|(i, v)| {
                let v: String = v.chars().take(40).collect();
                format!("{v:<width$}", width = w[i])
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    out!("{}", line(&o.columns));
    out!(
        "{}",
        w.iter()
            .map(|n| "-".repeat(*n))
            .collect::<Vec<_>>()
            .join("-+-")
    );
    for r in &cells {
        out!("{}", line(r));
    }
    out!(
        "({} row{}{}, {} ms)",
        o.rows.len(),
        if o.rows.len() == 1 { "" } else { "s" },
        if o.truncated {
            ", truncated: more rows exist (--out FILE.csv exports all)"
        } else {
            ""
        },
        o.elapsed_ms
    );
    if let Some(m) = &o.masking {
        for n in &m.notes {
            eprintln!("hublot: {n}");
        }
    }
}

/// `hublot sql`.
pub fn sql(h: &Hublot, a: &SqlArgs, json: bool) -> anyhow::Result<()> {
    if let Some(path) = &a.out {
        let d = h.sql_export(&SqlExport {
            sql: a.query.clone(),
            timeout_ms: a.timeout_ms,
            mask: Some(!a.no_mask),
        })?;
        std::fs::write(path, &d.bytes)?;
        out!("wrote {} ({} bytes)", path.display(), d.bytes.len());
        return Ok(());
    }
    let r = h.sql_run(&SqlRun {
        sql: a.query.clone(),
        timeout_ms: a.timeout_ms,
        max_rows: a.max_rows,
        mask: Some(!a.no_mask),
        run_id: None,
    })?;
    if json {
        print_json(&r)?;
    } else if let Some(o) = &r.output {
        table(o);
    }
    if let Some(e) = &r.error {
        if !json {
            if let Some(c) = e.column {
                let line = a
                    .query
                    .lines()
                    .nth(e.line.unwrap_or(1) as usize - 1)
                    .unwrap_or("");
                eprintln!("  {line}\n  {}^", " ".repeat(c as usize - 1));
            }
        }
        anyhow::bail!("{} error: {e}", e.kind);
    }
    Ok(())
}

/// `hublot exercise`.
pub fn exercise(h: &Hublot, cmd: &ExerciseCmd, json: bool) -> anyhow::Result<()> {
    match cmd {
        ExerciseCmd::List => {
            let l = h.exercise_list()?;
            if json {
                return print_json(&l);
            }
            for e in &l.exercises {
                out!(
                    "{:>3}  {}  {:<45} {}",
                    e.id,
                    if e.solved.is_some() { "✓" } else { " " },
                    e.title_fr,
                    e.tables.join(", ")
                );
            }
            out!("{} / {} solved", l.solved, l.exercises.len());
        }
        ExerciseCmd::Show { id } => {
            let p = h.exercise_get(&ExerciseGet { id: *id })?;
            if json {
                return print_json(&p);
            }
            out!(
                "Exercice {} — {}\n\n{}\n",
                p.summary.id,
                p.summary.title_fr,
                p.statement_fr
            );
            for (i, hint) in p.hints_fr.iter().enumerate() {
                out!("Indice {}: {hint}", i + 1);
            }
            if let Some(r) = &p.reference {
                out!("\nRéférence : {r}");
            }
        }
        ExerciseCmd::Check { id, query } => {
            let r = h.exercise_check(&ExerciseCheck {
                id: *id,
                sql: query.clone(),
            })?;
            if json {
                print_json(&r)?;
            } else {
                out!("{} {}", if r.pass { "✓" } else { "✗" }, r.message);
            }
            if !r.pass {
                std::process::exit(1);
            }
        }
    }
    Ok(())
}
