//! The `/api/` routes, all derived from the core's table of operations
//! ([`crate::api::operations`]): `/api/<name>` for every operation, and the page-shaped twin
//! (`/api/tables/{name}` …) of those that declare one. Every route ends in
//! [`Hublot::call_as`](crate::Hublot::call_as) as a [`Caller::Network`], so an endpoint answers
//! exactly what the operation returns, and errors share the core's one body
//! ([`crate::ErrorBody`]).
//!
//! What a page of another site can make a browser send is refused here: a state-changing
//! request must be a POST declared `application/json` (which no form and no `<img>` can send),
//! from this origin; a cross-site subresource request (`Sec-Fetch-Site: cross-site`, an
//! `<img src=…/api/search?q=…>`) is refused before anything runs.

use super::AppState;
use crate::api::{Access, Answer, Caller, Input, Operation};
use crate::ErrorBody;
use axum::body::{to_bytes, Body};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;

/// Largest POST body accepted: arguments are small (a search, a setting, a list of URLs).
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Largest query string accepted, path parameters included.
pub const MAX_QUERY_BYTES: usize = 16 << 10;

/// An error of the HTTP API, answered as the core's one error body
/// (`{"ok": false, "error": message, "status": N}`).
#[derive(Debug, Clone)]
pub struct ApiError(ErrorBody);

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError(ErrorBody::new(status.as_u16(), message.into()))
    }

    /// Its status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        ApiError(e.body())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.0).expect("error bodies serialise");
        json_response(self.status(), body, "no-store")
    }
}

/// A JSON document as a response: errors are `no-store`, answers `no-cache`.
fn json_response(status: StatusCode, body: String, cache: &'static str) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = status;
    let h = res.headers_mut();
    // Room for these two, the security headers and hyper's own, allocated once.
    h.reserve(12);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

type ApiResult = Result<Response, ApiError>;

/// Operations run on the server's own threads rather than handed to the blocking pool: a search
/// is bounded (its length, words, fuzzy words and the searches at once, see
/// [`crate::search`]) and takes well under a millisecond, about what the hop to a pool thread
/// and back cost (two thread wake-ups) before.
const INLINE: &[&str] = &["search.query", "system.version"];

/// Runs one operation on a blocking thread (or inline, see [`INLINE`]), as a network caller, and answers it: JSON as the
/// core serialised it, a file as itself.
async fn call(s: &AppState, op: &'static str, input: Input) -> ApiResult {
    let h = s.hublot.clone();
    let answer = if INLINE.contains(&op) {
        h.call_as(Caller::Network, op, input)?
    } else {
        tokio::task::spawn_blocking(move || h.call_as(Caller::Network, op, input))
            .await
            .map_err(|e| {
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("{op} failed: {e}"),
                )
            })??
    };
    Ok(match answer {
        Answer::Json(raw) => json_response(
            StatusCode::OK,
            String::from(Box::<str>::from(raw)),
            "no-cache",
        ),
        Answer::File(d) => {
            let mut res = d.bytes.into_response();
            let h = res.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&d.media_type) {
                h.insert(header::CONTENT_TYPE, v);
            }
            // The name comes from the core; quotes and controls are dropped all the same.
            let name: String = d
                .filename
                .chars()
                .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
                .collect();
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
    })
}

/// A query string as arguments, bounded; path parameters are arguments of the same name and win
/// over the query string.
fn query_input(raw: Option<String>, path: Vec<(String, String)>) -> Result<Input, ApiError> {
    let raw = raw.unwrap_or_default();
    if raw.len() > MAX_QUERY_BYTES {
        return Err(crate::Error::TooLarge(format!(
            "the query string is {} bytes; at most {MAX_QUERY_BYTES} are accepted",
            raw.len()
        ))
        .into());
    }
    let query = Input::query_pairs(&raw)?;
    let mut all = path;
    let named: Vec<String> = all.iter().map(|(k, _)| k.clone()).collect();
    all.extend(query.into_iter().filter(|(k, _)| !named.contains(k)));
    Ok(Input::Query(all))
}

/// The route of a page-shaped twin: GET only, path parameters merged into the arguments.
fn page_route(o: &'static Operation, has_params: bool) -> MethodRouter<AppState> {
    if has_params {
        get(
            move |State(s): State<AppState>,
                  Path(p): Path<Vec<(String, String)>>,
                  RawQuery(q): RawQuery| async move {
                call(&s, o.name, query_input(q, p)?).await
            },
        )
    } else {
        get(
            move |State(s): State<AppState>, RawQuery(q): RawQuery| async move {
                call(&s, o.name, query_input(q, Vec::new())?).await
            },
        )
    }
}

fn find(op: &str) -> Result<&'static Operation, ApiError> {
    crate::api::operation(op).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no endpoint `/api/{}` (see /api/-/operations)",
                op.escape_debug()
            ),
        )
    })
}

fn local_only(o: &Operation) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        format!(
            "`{}` reads or writes files of this machine and is not served over HTTP; use the \
             hublot command line or the desktop app",
            o.name
        ),
    )
}

async fn op_get(
    State(s): State<AppState>,
    Path(op): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let o = find(&op)?;
    match o.access {
        Access::LocalOnly => Err(local_only(o)),
        Access::Write => {
            let mut res = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("`{op}` changes something: use POST with a JSON body"),
            )
            .into_response();
            res.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            Ok(res)
        }
        Access::Read => call(&s, o.name, query_input(q, Vec::new())?).await,
    }
}

async fn op_post(State(s): State<AppState>, Path(op): Path<String>, req: Request) -> ApiResult {
    let o = find(&op)?;
    if o.access == Access::LocalOnly {
        return Err(local_only(o));
    }
    let (parts, body) = req.into_parts();
    let input = json_body(&parts.headers, body).await?;
    call(&s, o.name, input).await
}

/// A POST body. It must be declared `application/json`, even when empty: a form or a
/// `fetch(…, {mode: 'no-cors'})` of another site can only send `text/plain`, form or multipart
/// bodies, so this alone keeps them from changing anything. Empty means no argument.
async fn json_body(headers: &HeaderMap, body: Body) -> Result<Input, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "a POST must be sent with `Content-Type: application/json` (its body a JSON object \
             of arguments, or empty)",
        ));
    }
    let too_large = || {
        ApiError::from(crate::Error::TooLarge(format!(
            "the body is larger than {MAX_BODY_BYTES} bytes"
        )))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| too_large())?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Input::none());
    }
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    if !v.is_object() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "the body must be a JSON object of arguments",
        ));
    }
    Ok(Input::Json(v))
}

/// Whether `path` is under `/api`: the paths [`refuse_cross_site`] and [`json_errors`] apply to.
pub(super) fn is_api_path(path: &str) -> bool {
    path.strip_prefix("/api")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Refuses what a page of another site makes a browser send: any cross-site request to the API
/// except following a link (a top-level GET navigation), and any request that is not a GET
/// whose `Origin` is not this server (or, on loopback, another loopback origin such as the UI's
/// development server).
pub(super) fn refuse_cross_site(s: &AppState, req: &Request) -> Option<ApiError> {
    let h = req.headers();
    let value = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    let is_get = req.method() == Method::GET || req.method() == Method::HEAD;
    if value("sec-fetch-site") == Some("cross-site")
        && !(is_get && value("sec-fetch-mode") == Some("navigate"))
    {
        return Some(ApiError::new(
            StatusCode::FORBIDDEN,
            "cross-site requests to the Hublot API are refused",
        ));
    }
    if !is_get {
        if let Some(origin) = value("origin") {
            let host = value("host").unwrap_or_default();
            if !origin_allowed(origin, host, s.loopback_only) {
                return Some(ApiError::new(
                    StatusCode::FORBIDDEN,
                    format!(
                        "requests from `{}` are refused: only pages of this server may change \
                         anything",
                        origin.escape_debug()
                    ),
                ));
            }
        }
    }
    None
}

/// Whether a request from `origin` may change state on the server reached as `host`.
fn origin_allowed(origin: &str, host: &str, loopback_only: bool) -> bool {
    let Some(rest) = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
    else {
        // `null` (sandboxed frames, files) and other schemes.
        return false;
    };
    if rest.eq_ignore_ascii_case(host) {
        return true;
    }
    loopback_only && super::is_loopback_host_header(rest)
}

/// The answer to a path under `/api` that no route matches.
pub(super) fn not_found(req: &Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no endpoint `{}` (see /api/-/operations and docs/http-api.md)",
            req.uri().path()
        ),
    )
}

/// Turns axum's own plain-text errors (405, bad path…) into the one JSON body.
pub(super) async fn json_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return res;
    }
    let allow = res.headers().get(header::ALLOW).cloned();
    let text = to_bytes(res.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = if text.is_empty() {
        status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_string()
    } else {
        text
    };
    let mut out = ApiError::new(status, message).into_response();
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}

/// The `/api` routes: one per page-shaped twin, then `/api/{op}` for every operation, with
/// full paths rather than a router nested under `/api` (which rebuilds every request's URI).
/// The checks of [`super::guard`] apply to all of them; other paths under `/api` are answered
/// by [`not_found`] from the application's fallback.
pub fn api_router() -> Router<AppState> {
    let mut api = Router::new();
    for o in crate::api::operations() {
        if let Some(page) = o.page {
            assert!(is_api_path(page), "pages live under /api/: {page}");
            api = api.route(page, page_route(o, page.contains('{')));
        }
    }
    api.route(
        "/api/-/producer/events",
        get(super::events::producer_events),
    )
    .route("/api/{op}", get(op_get).post(op_post))
    .route(
        "/api",
        get(|| async {
            Err::<Response, _>(ApiError::new(
                StatusCode::NOT_FOUND,
                "see /api/-/operations",
            ))
        }),
    )
}
