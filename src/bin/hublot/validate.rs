//! `hublot validate PATH… [--shapes FILE…] [--vocabularies DIR] [--lang fr|en] [--json]`: the
//! HDH's verdict on a producer's files, with the same request struct as the app. The exit status
//! is 0 only when the files conform (no violation).

use super::print_json;
use hublot::api::validate::ValidateRequest;
use hublot::cite::Lang;
use hublot::validate::{vocabularies_dir, Severity};
use hublot::Hublot;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `hublot validate`.
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// HealthDCAT-AP records (.ttl, .jsonld, .rdf), Table Schema folders, code lists, Markdown
    /// docs.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// A SHACL shapes file (the HDH's hdh-shacl-shapes.ttl…) instead of Hublot's bundled profile;
    /// repeat for several.
    #[arg(long, value_name = "FILE")]
    shapes: Vec<PathBuf>,
    /// The HDH controlled vocabularies folder (*.yml); default: hdh-vocabularies/ beside the
    /// first shapes file.
    #[arg(long, value_name = "DIR")]
    vocabularies: Option<PathBuf>,
    /// Language of messages and fixes: fr or en.
    #[arg(long, default_value = "fr")]
    lang: Lang,
}

impl From<&ValidateArgs> for ValidateRequest {
    fn from(a: &ValidateArgs) -> Self {
        ValidateRequest {
            paths: a.paths.clone(),
            shapes: a.shapes.clone(),
            vocabularies: a.vocabularies.clone(),
            lang: a.lang,
        }
    }
}

/// Runs the validation; `Ok(false)` when the files do not conform.
pub fn run(h: &Hublot, a: &ValidateArgs, json: bool) -> anyhow::Result<bool> {
    let req = ValidateRequest::from(a);
    let r = h.validate(&req)?;
    if json {
        print_json(&r)?;
        return Ok(r.conforms);
    }
    let fr = a.lang == Lang::Fr;
    for f in &r.findings {
        let sev = match (f.severity, fr) {
            (Severity::Violation, true) => "ERREUR ",
            (Severity::Violation, false) => "ERROR  ",
            (Severity::Warning, true) => "ATTENTION",
            (Severity::Warning, false) => "WARNING",
            (Severity::Info, _) => "INFO   ",
        };
        let at = match (&f.file, f.line) {
            (Some(p), Some(l)) => format!("{}:{l}", p.display()),
            (Some(p), None) => p.display().to_string(),
            _ => String::new(),
        };
        out!(
            "{sev} {at}  [{}{}]",
            f.constraint,
            f.path
                .as_deref()
                .map(|p| format!(" {p}"))
                .unwrap_or_default()
        );
        out!("        {}", f.message);
        out!("        → {}", f.fix);
    }
    let s = &r.score;
    let (v, w) = (
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Violation)
            .count(),
        r.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count(),
    );
    if fr {
        out!(
            "{} : {v} erreur(s), {w} avertissement(s). Complétude : obligatoires {}/{}, recommandées {}/{}, facultatives {}/{}.",
            if r.conforms { "Conforme" } else { "Non conforme" },
            s.mandatory.filled, s.mandatory.total, s.recommended.filled, s.recommended.total, s.optional.filled, s.optional.total
        );
    } else {
        out!(
            "{}: {v} error(s), {w} warning(s). Completeness: mandatory {}/{}, recommended {}/{}, optional {}/{}.",
            if r.conforms { "Conforms" } else { "Does not conform" },
            s.mandatory.filled, s.mandatory.total, s.recommended.filled, s.recommended.total, s.optional.filled, s.optional.total
        );
    }
    if vocabularies_dir(&req.options()).is_none() {
        eprintln!(
            "{}",
            if fr {
                "note : vocabulaires contrôlés du HDH non vérifiés (donnez --vocabularies DOSSIER)"
            } else {
                "note: HDH controlled vocabularies not checked (give --vocabularies DIR)"
            }
        );
    }
    Ok(r.conforms)
}
