//! The core, opened once per process and reached by the one `call` command.

use hublot::api::{Answer, Caller, Input};
use hublot::{ErrorBody, Hublot};
use serde_json::value::RawValue;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// `--data-dir DIR` or `--data-dir=DIR` among the app's arguments.
fn data_dir_arg(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = a.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

/// The opened data directory, shared by every call. Opening it (and installing the bundled
/// catalogue on a first start) runs on its own thread while the window and the UI load, so the
/// window appears without waiting for SQLite and tantivy; the first call waits if it must.
#[derive(Clone)]
pub struct Core {
    root: Option<PathBuf>,
    hublot: Arc<OnceLock<Result<Hublot, String>>>,
}

impl Core {
    /// Starts opening the data directory: `--data-dir DIR` on the command line, else
    /// `HUBLOT_DATA_DIR`, else the platform default — as the CLI does.
    pub fn start() -> Core {
        let core = Core {
            root: data_dir_arg(std::env::args().skip(1))
                .or_else(|| std::env::var_os("HUBLOT_DATA_DIR").map(PathBuf::from)),
            hublot: Arc::new(OnceLock::new()),
        };
        let opening = core.clone();
        std::thread::spawn(move || {
            // A failure is kept in the cell and answered to every call, as an error body.
            let _ = opening.get();
        });
        core
    }

    /// The core, opened; whoever comes first opens it, the others wait for that opening.
    fn get(&self) -> Result<&Hublot, ErrorBody> {
        self.hublot
            .get_or_init(|| Hublot::open(self.root.clone()).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| ErrorBody::new(500, e.clone()))
    }
}

/// The one command of the app: runs the operation `op` of the core's table with `args`, as the
/// HTTP API does, and answers the same JSON; errors are the core's one body
/// (`{"ok": false, "error", "status"}`), so the UI handles both alike. The app is a local
/// caller: local-only operations are open to it (`hublot::api::Access`), and the window shows
/// only the app's own pages (see `links`).
#[tauri::command]
pub async fn call(
    core: tauri::State<'_, Core>,
    op: String,
    args: Option<Value>,
) -> Result<Box<RawValue>, ErrorBody> {
    let core = core.inner().clone();
    tauri::async_runtime::spawn_blocking(move || {
        core.get()?
            .call_as(Caller::Local, &op, Input::Json(args.unwrap_or(Value::Null)))
            .map(Answer::into_raw)
            .map_err(|e| e.body())
    })
    .await
    .map_err(|e| ErrorBody::new(500, e.to_string()))?
}

/// Where `save` put a file.
#[derive(serde::Serialize)]
pub struct Saved {
    /// The file written.
    pub path: String,
    /// Its size.
    pub bytes: usize,
}

/// Runs an operation that answers a file (`need.export`) and writes the file into the user's
/// Downloads folder, as a browser would for `hublot serve`: a webview cannot save what it
/// fetches. The name is the operation's; an existing file is never replaced (`name (2).pdf`).
#[tauri::command]
pub async fn save(
    app: tauri::AppHandle,
    core: tauri::State<'_, Core>,
    op: String,
    args: Option<Value>,
) -> Result<Saved, ErrorBody> {
    use tauri::Manager;
    let core = core.inner().clone();
    let dir = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| ErrorBody::new(500, format!("no Downloads folder: {e}")))?;
    tauri::async_runtime::spawn_blocking(move || {
        let answer = core
            .get()?
            .call_as(Caller::Local, &op, Input::Json(args.unwrap_or(Value::Null)))
            .map_err(|e| e.body())?;
        let Answer::File(d) = answer else {
            return Err(ErrorBody::new(
                400,
                format!("`{op}` does not answer a file"),
            ));
        };
        let path = free_name(&dir, &d.filename);
        write_new(&path, &d.bytes)
            .map_err(|e| ErrorBody::new(500, format!("{}: {e}", path.display())))?;
        Ok(Saved {
            path: path.display().to_string(),
            bytes: d.bytes.len(),
        })
    })
    .await
    .map_err(|e| ErrorBody::new(500, e.to_string()))?
}

/// `dir/name`, or `dir/stem (2).ext`… for the first name not taken. The name comes from the
/// core (made of letters, digits and dashes); only its last component is used all the same.
fn free_name(dir: &std::path::Path, name: &str) -> PathBuf {
    let name = std::path::Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hublot-export".into());
    let p = dir.join(&name);
    if !p.exists() {
        return p;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.clone(), String::new()),
    };
    (2..)
        .map(|i| dir.join(format!("{stem} ({i}){ext}")))
        .find(|p| !p.exists())
        .expect("a free name")
}

/// Writes beside, then renames: an interrupted save never leaves half a file under the name.
fn write_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d)?;
    }
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_dir_comes_from_the_command_line() {
        let a = |v: &[&str]| data_dir_arg(v.iter().map(|s| s.to_string()));
        assert_eq!(a(&["--data-dir", "/d"]), Some(PathBuf::from("/d")));
        assert_eq!(a(&["-x", "--data-dir=/e"]), Some(PathBuf::from("/e")));
        assert_eq!(a(&["--data-dir"]), None);
        assert_eq!(a(&[]), None);
    }

    #[test]
    fn a_saved_file_never_replaces_another() {
        let d = tempfile::tempdir().unwrap();
        let first = free_name(d.path(), "besoin.pdf");
        assert_eq!(first, d.path().join("besoin.pdf"));
        write_new(&first, b"1").unwrap();
        let second = free_name(d.path(), "besoin.pdf");
        assert_eq!(second, d.path().join("besoin (2).pdf"));
        write_new(&second, b"2").unwrap();
        assert_eq!(std::fs::read(&first).unwrap(), b"1");
        // A name with directories keeps only its last component.
        assert_eq!(free_name(d.path(), "../../etc/x.md"), d.path().join("x.md"));
    }
}
