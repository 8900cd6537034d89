//! The guarded connection: what makes the console read-only for real, and bounded in time and
//! memory. Each layer holds on its own; together they leave no write path:
//!
//! 1. the file is opened with `SQLITE_OPEN_READ_ONLY` (the OS-level handle cannot write);
//! 2. `PRAGMA query_only=1` (SQLite refuses any statement that would change the file);
//! 3. defensive mode (`SQLITE_DBCONFIG_DEFENSIVE`: no `writable_schema`, no shadow-table
//!    writes), untrusted schema, no extension loading, `ATTACH` limited to zero databases;
//! 4. an authorizer that allows reads, `SELECT`, recursive CTEs, functions (but
//!    `load_extension`) and a short list of schema-reading pragmas, and denies everything else
//!    with a message that says what was refused;
//! 5. one statement only, and [`rusqlite::Statement::readonly`] must be true;
//! 6. a progress handler that stops the statement at its deadline or when it is cancelled.

use crate::{Error, Result};
use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Pragmas that only read the schema: allowed, with or without their argument.
const READ_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "collation_list",
    "function_list",
    "pragma_list",
];

/// Largest string or blob a query may build (bytes): `randomblob(1e9)` is refused, not
/// allocated.
pub const MAX_VALUE_BYTES: i32 = 16 * 1024 * 1024;

/// Longest SQL text accepted (bytes).
pub const MAX_SQL_BYTES: usize = 100_000;

/// Why the last statement stopped or was refused, as the guards saw it.
#[derive(Debug, Default)]
struct Verdict {
    denied: Option<String>,
    stop: Option<Stop>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Timeout,
    Cancelled,
}

/// A read-only, time-limited connection to a samples database.
pub struct Guarded {
    conn: Connection,
    verdict: Arc<Mutex<Verdict>>,
    deadline: Arc<Mutex<Option<Instant>>>,
    cancel: Arc<AtomicBool>,
}

fn authorize(ctx: AuthContext<'_>) -> std::result::Result<(), String> {
    match ctx.action {
        AuthAction::Select | AuthAction::Read { .. } | AuthAction::Recursive => Ok(()),
        AuthAction::Function { function_name } => {
            let f = function_name.to_ascii_lowercase();
            if f == "load_extension" || f == "readfile" || f == "writefile" || f == "edit" {
                Err(format!("the function {function_name}() is not available in the console (no extensions, no files)"))
            } else {
                Ok(())
            }
        }
        AuthAction::Pragma { pragma_name, .. } => {
            let p = pragma_name.to_ascii_lowercase();
            if READ_PRAGMAS.contains(&p.as_str()) {
                Ok(())
            } else {
                Err(format!(
                    "PRAGMA {pragma_name} is refused: only the schema-reading pragmas ({}) are allowed",
                    READ_PRAGMAS.join(", ")
                ))
            }
        }
        AuthAction::Insert { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::Delete { table_name }
            if table_name.starts_with("sqlite_") =>
        {
            Err("CREATE, DROP and ALTER are refused: they change the schema, and the console only reads".into())
        }
        AuthAction::Insert { table_name } => Err(format!(
            "INSERT into {table_name} is refused: the console only reads"
        )),
        AuthAction::Update { table_name, .. } => Err(format!(
            "UPDATE of {table_name} is refused: the console only reads"
        )),
        AuthAction::Delete { table_name } => Err(format!(
            "DELETE from {table_name} is refused: the console only reads"
        )),
        AuthAction::Attach { .. } => {
            Err("ATTACH is refused: the console reads the samples database only".into())
        }
        AuthAction::Detach { .. } => {
            Err("DETACH is refused: the console reads the samples database only".into())
        }
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => {
            Err("transactions are refused: each query runs on its own".into())
        }
        AuthAction::CreateIndex { .. }
        | AuthAction::CreateTable { .. }
        | AuthAction::CreateTempIndex { .. }
        | AuthAction::CreateTempTable { .. }
        | AuthAction::CreateTempTrigger { .. }
        | AuthAction::CreateTempView { .. }
        | AuthAction::CreateTrigger { .. }
        | AuthAction::CreateView { .. }
        | AuthAction::CreateVtable { .. } => Err(
            "CREATE is refused: the console only reads (use a WITH clause for a temporary result)"
                .into(),
        ),
        AuthAction::DropIndex { .. }
        | AuthAction::DropTable { .. }
        | AuthAction::DropTempIndex { .. }
        | AuthAction::DropTempTable { .. }
        | AuthAction::DropTempTrigger { .. }
        | AuthAction::DropTempView { .. }
        | AuthAction::DropTrigger { .. }
        | AuthAction::DropView { .. }
        | AuthAction::DropVtable { .. } => Err("DROP is refused: the console only reads".into()),
        AuthAction::AlterTable { .. } => {
            Err("ALTER TABLE is refused: the console only reads".into())
        }
        AuthAction::Reindex { .. } | AuthAction::Analyze { .. } => {
            Err("REINDEX and ANALYZE are refused: the console only reads".into())
        }
        _ => Err("this statement is refused: the console only reads".into()),
    }
}

impl Guarded {
    /// Opens `path` behind every guard.
    pub fn open(path: &Path) -> Result<Guarded> {
        let e = |err| Error::sqlite(path, err);
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(e)?;
        use rusqlite::config::DbConfig;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)
            .map_err(e)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false)
            .map_err(e)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)
            .map_err(e)?;
        conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0).map_err(e)?;
        conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
            .map_err(e)?;
        conn.set_limit(Limit::SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES as i32)
            .map_err(e)?;
        // Before the authorizer, which would refuse it.
        conn.execute_batch("PRAGMA query_only=1;").map_err(e)?;
        let verdict: Arc<Mutex<Verdict>> = Default::default();
        let v = verdict.clone();
        conn.authorizer(Some(move |ctx: AuthContext<'_>| match authorize(ctx) {
            Ok(()) => Authorization::Allow,
            Err(why) => {
                v.lock().expect("lock").denied.get_or_insert(why);
                Authorization::Deny
            }
        }))
        .map_err(e)?;
        let deadline: Arc<Mutex<Option<Instant>>> = Default::default();
        let cancel = Arc::new(AtomicBool::new(false));
        let (d, c, v) = (deadline.clone(), cancel.clone(), verdict.clone());
        conn.progress_handler(
            1000,
            Some(move || {
                let stop = if c.load(Ordering::Relaxed) {
                    Some(Stop::Cancelled)
                } else if d.lock().expect("lock").is_some_and(|t| Instant::now() >= t) {
                    Some(Stop::Timeout)
                } else {
                    None
                };
                if let Some(s) = stop {
                    v.lock().expect("lock").stop = Some(s);
                    true
                } else {
                    false
                }
            }),
        )
        .map_err(e)?;
        Ok(Guarded {
            conn,
            verdict,
            deadline,
            cancel,
        })
    }

    /// The connection, for preparing statements (the guards stay on).
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The flag that cancels the running statement when set.
    pub fn cancel_flag(&self) -> Arc<AtomicBool> {
        self.cancel.clone()
    }

    /// Starts the clock of a statement: it stops at `now + limit`.
    pub fn arm(&self, limit: Duration) {
        *self.verdict.lock().expect("lock") = Verdict::default();
        *self.deadline.lock().expect("lock") = Some(Instant::now() + limit);
    }

    /// Stops the clock.
    pub fn disarm(&self) {
        *self.deadline.lock().expect("lock") = None;
    }

    /// Why the guards stopped or refused the last statement, in words, if they did.
    pub fn explain(&self, limit: Duration) -> Option<GuardStop> {
        let v = self.verdict.lock().expect("lock");
        if let Some(d) = &v.denied {
            return Some(GuardStop::Refused(d.clone()));
        }
        match v.stop {
            Some(Stop::Timeout) => Some(GuardStop::Timeout(format!(
                "the query was stopped after {} ms, the time limit (raise it with the timeout \
                 setting, or add a condition or a LIMIT)",
                limit.as_millis()
            ))),
            Some(Stop::Cancelled) => Some(GuardStop::Cancelled("the query was cancelled".into())),
            None => None,
        }
    }
}

/// Why the guards stopped a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuardStop {
    /// The authorizer refused something: what.
    Refused(String),
    /// The time limit was reached.
    Timeout(String),
    /// Someone cancelled it.
    Cancelled(String),
}

impl GuardStop {
    /// The message.
    pub fn message(&self) -> &str {
        match self {
            GuardStop::Refused(m) | GuardStop::Timeout(m) | GuardStop::Cancelled(m) => m,
        }
    }

    /// `refused`, `timeout` or `cancelled`.
    pub fn kind(&self) -> &'static str {
        match self {
            GuardStop::Refused(_) => "refused",
            GuardStop::Timeout(_) => "timeout",
            GuardStop::Cancelled(_) => "cancelled",
        }
    }
}
