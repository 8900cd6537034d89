//! `hublot preview FOLDER` and `hublot producer export FOLDER`: a producer's draft on the
//! command line, with the same request structs as the app's Producer page.

use super::print_json;
use hublot::api::producer::{
    DraftExportFormat, ProducerExport, ProducerExportSnapshot, ProducerOpen,
};
use hublot::api::Caller;
use hublot::Hublot;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `hublot preview`.
#[derive(clap::Args)]
pub struct PreviewArgs {
    /// The producer's folder (HealthDCAT-AP records, Table Schemas, code lists, Markdown) or one
    /// record file.
    path: PathBuf,
    /// Address to listen on (loopback only; the preview is for the producer).
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port (0 picks a free one; the address is printed).
    #[arg(long, default_value_t = 8081)]
    port: u16,
    /// Directory of the built web UI (default: $HUBLOT_UI_DIR, ./ui/dist, or beside the binary).
    #[arg(long, env = "HUBLOT_UI_DIR")]
    ui_dir: Option<PathBuf>,
}

/// `hublot producer …`.
#[derive(clap::Subcommand)]
pub enum ProducerCmd {
    /// Export a draft: HealthDCAT-AP Turtle for the HDH (`ttl`), a static HTML page of the base
    /// (`html`), or a Hublot snapshot folder (`snapshot`, which `hublot import` reads).
    Export {
        /// The producer's folder or record file.
        path: PathBuf,
        /// `ttl`, `html` or `snapshot`.
        #[arg(long, default_value = "ttl")]
        format: String,
        /// The file (ttl, html; default: standard output) or folder (snapshot) to write.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The snapshot's manifest id (default: `<base id>-draft`).
        #[arg(long)]
        id: Option<String>,
    },
}

/// `hublot preview FOLDER`: opens the draft (watched), then serves the preview catalogue.
pub fn preview(h: Hublot, a: &PreviewArgs) -> anyhow::Result<()> {
    let v = h.producer_open(&ProducerOpen {
        folder: a.path.clone(),
        watch: Some(true),
    })?;
    let session = h
        .producer_session()
        .expect("producer.open keeps the draft it opened");
    eprintln!(
        "hublot preview: {} over snapshot {} — {} base(s), {} table(s), {} finding(s); watching for changes",
        v.root,
        v.snapshot,
        v.bases.len(),
        v.tables.len(),
        v.findings.len()
    );
    if let Some(e) = &v.error {
        eprintln!("hublot preview: the draft cannot be read yet: {e}");
    }
    hublot::serve::run(
        session.preview(),
        hublot::serve::ServeOptions {
            host: a.host.clone(),
            port: a.port,
            ui_dir: a.ui_dir.clone(),
            allow_remote: false,
        },
    )?;
    drop(session);
    h.producer_close()?;
    Ok(())
}

/// `hublot producer …`.
pub fn run(h: &Hublot, cmd: &ProducerCmd, json: bool) -> anyhow::Result<()> {
    match cmd {
        ProducerCmd::Export {
            path,
            format,
            out,
            id,
        } => {
            let format = match format.as_str() {
                "ttl" | "turtle" => DraftExportFormat::Ttl,
                "html" => DraftExportFormat::Html,
                "snapshot" => {
                    let Some(out) = out else {
                        anyhow::bail!("--format snapshot needs --out DIR");
                    };
                    let r = h.producer_export_snapshot(&ProducerExportSnapshot {
                        out: out.clone(),
                        folder: Some(path.clone()),
                        id: id.clone(),
                    })?;
                    if json {
                        return print_json(&r);
                    }
                    out!(
                        "snapshot {} written to {}: {} files, {} tables, {} code lists, {} docs (`hublot import {}` reads it)",
                        r.id,
                        r.out.display(),
                        r.files,
                        r.tables,
                        r.nomenclatures,
                        r.docs,
                        r.out.display()
                    );
                    return Ok(());
                }
                other => anyhow::bail!("unknown format `{other}`: ttl, html or snapshot"),
            };
            let d = h.producer_export(
                &ProducerExport {
                    format,
                    folder: Some(path.clone()),
                },
                Caller::Local,
            )?;
            match out {
                Some(p) => {
                    std::fs::write(p, &d.bytes)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
                    eprintln!("hublot: {} written ({} bytes)", p.display(), d.bytes.len());
                }
                None => {
                    let _ = std::io::stdout().write_all(&d.bytes);
                }
            }
        }
    }
    Ok(())
}
