//! `hublot serve`: the core API over HTTP (axum), and the web UI beside it.
//!
//! Every operation of the core's table ([`crate::api::operations`]) that is not local-only is
//! reachable as `/api/<op>` (GET with query parameters for reads, POST with a JSON body for
//! everything), and every page of the UI has a
//! friendlier JSON twin (`/api/search`, `/api/tables/{name}`, `/api/docs/{path…}` …), listed
//! with their operations in `docs/http-api.md`. The built UI (`ui/dist`) is served from a
//! directory on disk (see `docs/decisions/0002-serve-ui-from-disk.md`).
//!
//! ```no_run
//! use std::sync::Arc;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let h = Arc::new(hublot::Hublot::open(None)?);
//! hublot::serve::run(h, hublot::serve::ServeOptions::default())?; // until Ctrl-C
//! # Ok(())
//! # }
//! ```
//!
//! Safety by default: it binds `127.0.0.1`; another address needs `allow_remote` and prints a
//! warning. On loopback, requests whose `Host` is not a loopback name are refused (DNS
//! rebinding). Every response carries a strict Content-Security-Policy (`default-src 'self'`, no
//! inline script) and `X-Content-Type-Options: nosniff`. Ids in paths are looked up in SQLite,
//! never on disk; `..`, NUL and absolute paths are refused before that.

mod events;
mod routes;
mod ui_files;

use crate::Hublot;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

pub use crate::api::check_id;
pub use routes::{ApiError, MAX_BODY_BYTES, MAX_QUERY_BYTES};
pub use ui_files::find_ui_dir;

/// The Content-Security-Policy sent with every response: only this origin, no inline script or
/// style, no plugins, no framing, no `<base>`.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'none'";

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address or host name to bind (default `127.0.0.1`).
    pub host: String,
    /// Port (default 8080; 0 picks a free one, printed at start).
    pub port: u16,
    /// Directory of the built UI (`ui/dist`); when `None`, [`find_ui_dir`] looks for one.
    pub ui_dir: Option<PathBuf>,
    /// Allow binding an address other than loopback (prints a warning).
    pub allow_remote: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            host: "127.0.0.1".into(),
            port: 8080,
            ui_dir: None,
            allow_remote: false,
        }
    }
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The host name does not resolve.
    #[error("cannot resolve `{host}`: {source}")]
    Resolve {
        /// The host given.
        host: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A non-loopback address without `--allow-remote`.
    #[error(
        "`{host}` ({addr}) is not a loopback address: Hublot would be reachable from other \
         machines. Pass --allow-remote if that is what you want, or use 127.0.0.1"
    )]
    RemoteNotAllowed {
        /// The host given.
        host: String,
        /// What it resolved to.
        addr: IpAddr,
    },
    /// The address cannot be bound (in use, no permission…).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The underlying error.
        source: std::io::Error,
    },
    /// `--ui-dir` is not a built UI.
    #[error("{0}: not a built web UI (no index.html); run `npm --prefix ui ci && npm --prefix ui run build`")]
    UiDir(PathBuf),
    /// The runtime or the server failed.
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    pub(crate) hublot: Arc<Hublot>,
    pub(crate) ui_dir: Option<PathBuf>,
    /// When set, only requests whose `Host` is a loopback name are answered.
    pub(crate) loopback_only: bool,
}

/// The whole application: API, UI files and security headers. `loopback_only` refuses requests
/// whose `Host` header is not `localhost`, `127.x.x.x` or `[::1]`.
pub fn router(hublot: Arc<Hublot>, ui_dir: Option<PathBuf>, loopback_only: bool) -> Router {
    let state = AppState {
        hublot,
        ui_dir,
        loopback_only,
    };
    routes::api_router()
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// What no route matches: a 404 under `/api`, a file of the UI elsewhere.
async fn fallback(state: State<AppState>, req: Request) -> Response {
    if routes::is_api_path(req.uri().path()) {
        routes::not_found(&req).into_response()
    } else {
        ui_files::serve_ui(state, req).await
    }
}

/// Every check a request goes through before it runs, and what every response gets after, in one
/// layer: each `from_fn` layer costs a boxed future and a clone of the inner service per
/// request, and a search is answered in a few hundred microseconds.
///
/// Before: refuses requests without a `Host` (HTTP/1.1 requires one, and without it the
/// same-origin checks have nothing to compare) and, when serving on loopback, requests addressed
/// to another host name (DNS rebinding); under `/api`, what another site's page can make a
/// browser send ([`routes::refuse_cross_site`]). After: the security headers on every response,
/// and under `/api` axum's own plain-text errors (405, bad path…) turned into the one JSON body.
async fn guard(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let api = routes::is_api_path(req.uri().path());
    let refused = refuse_host(&s, &req)
        .or_else(|| api.then(|| routes::refuse_cross_site(&s, &req)).flatten());
    let mut res = match refused {
        Some(e) => e.into_response(),
        None => {
            let res = next.run(req).await;
            if api {
                routes::json_errors(res).await
            } else {
                res
            }
        }
    };
    security_headers(res.headers_mut());
    res
}

/// A request without `Host`, or addressed to another host name while serving on loopback.
fn refuse_host(s: &AppState, req: &Request) -> Option<ApiError> {
    let Some(h) = req.headers().get(header::HOST) else {
        return Some(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the request has no `Host` header",
        ));
    };
    if s.loopback_only && !h.to_str().map(is_loopback_host_header).unwrap_or(false) {
        return Some(ApiError::new(
            StatusCode::FORBIDDEN,
            "this server answers only to localhost, 127.0.0.1 or [::1]",
        ));
    }
    None
}

/// `localhost`, `127.0.0.1:8080`, `[::1]:80` … are loopback `Host` headers.
fn is_loopback_host_header(h: &str) -> bool {
    let name = if let Some(rest) = h.strip_prefix('[') {
        match rest.split_once(']') {
            Some((inside, after)) if after.is_empty() || after.starts_with(':') => inside,
            _ => return false,
        }
    } else {
        h.rsplit_once(':').map(|(n, _)| n).unwrap_or(h)
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// The security headers of every response, room made for them at once.
fn security_headers(h: &mut axum::http::HeaderMap) {
    h.reserve(6);
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// Resolves `host:port` and checks it: loopback unless `allow_remote`.
async fn resolve(opts: &ServeOptions) -> Result<SocketAddr, ServeError> {
    let host = opts.host.trim_start_matches('[').trim_end_matches(']');
    let addr = match host.parse::<IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, opts.port),
        Err(_) => tokio::net::lookup_host((host, opts.port))
            .await
            .map_err(|source| ServeError::Resolve {
                host: opts.host.clone(),
                source,
            })?
            .next()
            .ok_or_else(|| ServeError::Resolve {
                host: opts.host.clone(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no address"),
            })?,
    };
    if !addr.ip().is_loopback() && !opts.allow_remote {
        return Err(ServeError::RemoteNotAllowed {
            host: opts.host.clone(),
            addr: addr.ip(),
        });
    }
    Ok(addr)
}

/// Binds, prints `Hublot is serving on http://ADDR/` on stdout, and serves until `shutdown`
/// completes.
pub async fn serve_until(
    hublot: Arc<Hublot>,
    opts: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let addr = resolve(&opts).await?;
    let loopback = addr.ip().is_loopback();
    if !loopback {
        eprintln!(
            "hublot serve: WARNING: listening on {} — anyone who can reach this machine on port {} \
             can read the catalogue and change your Hublot settings. There is no authentication.",
            addr.ip(),
            addr.port()
        );
    }
    let ui_dir = match &opts.ui_dir {
        Some(d) => Some(
            d.join("index.html")
                .is_file()
                .then(|| d.canonicalize().ok())
                .flatten()
                .ok_or_else(|| ServeError::UiDir(d.clone()))?,
        ),
        None => find_ui_dir(),
    };
    match &ui_dir {
        Some(d) => eprintln!("hublot serve: web UI from {}", d.display()),
        None => eprintln!(
            "hublot serve: no built web UI found (run `npm --prefix ui ci && npm --prefix ui run \
             build`, or pass --ui-dir); serving the API only"
        ),
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = writeln!(out, "Hublot is serving on http://{local}/ (Ctrl-C to stop)");
        let _ = out.flush();
    }
    let app = router(hublot, ui_dir, loopback);
    // An answer is written in one `writev`, but a streamed one (events, files) is not: without
    // NODELAY its later writes would wait for the client's delayed acknowledgement.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Serves until Ctrl-C (or SIGTERM), on a runtime of its own: the blocking entry point that
/// `hublot serve` calls.
pub fn run(hublot: Arc<Hublot>, opts: ServeOptions) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(serve_until(hublot, opts, shutdown_signal()))
}

async fn shutdown_signal() {
    stop_requested().await;
    eprintln!("hublot serve: stopping");
}

/// Resolves on Ctrl-C or SIGTERM: the server's shutdown, and the event streams that must end
/// for it to complete.
pub(crate) async fn stop_requested() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests;
