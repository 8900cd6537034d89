//! The `/api/` routes: the generic `/api/<op>` and the page-shaped twins of the UI's routes.
//! Every route ends in [`Hublot::call`](crate::Hublot::call), so an endpoint answers exactly
//! what the operation returns; errors share one body, `{"ok": false, "error", "status"}`.

use super::AppState;
use axum::body::{to_bytes, Bytes};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

/// The one error body of the HTTP API: `{"ok": false, "error": message, "status": N}`.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// What went wrong, for people.
    pub message: String,
}

impl ApiError {
    /// An error with this status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    fn bad(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<crate::Error> for ApiError {
    fn from(e: crate::Error) -> Self {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError::new(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"ok": false, "error": self.message, "status": self.status.as_u16()});
        let mut res = (self.status, Json(body)).into_response();
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }
}

type ApiResult = Result<Response, ApiError>;

// Which operations are answered to GET (reads), to POST only (writes, so that a link or an
// `<img>` cannot change anything) or not at all (local-only) is the core's word:
// `crate::api::access`.
use crate::api::Access;

/// Query parameters that are numbers, and that are booleans, in every operation's request.
const NUMBER_PARAMS: &[&str] = &["limit", "offset"];
const BOOL_PARAMS: &[&str] = &["no_group", "force"];
/// Query parameters as JSON arguments: `limit` and `offset` are numbers, `no_group` and
/// `force` booleans, everything else a string. An empty value is no value.
pub fn params_to_args(params: &[(String, String)]) -> Result<Map<String, Value>, ApiError> {
    let mut m = Map::new();
    for (k, v) in params {
        if v.is_empty() && !BOOL_PARAMS.contains(&k.as_str()) {
            continue;
        }
        let val =
            if NUMBER_PARAMS.contains(&k.as_str()) {
                Value::from(v.trim().parse::<u64>().map_err(|_| {
                    ApiError::bad(format!("`{k}` must be a whole number, not `{v}`"))
                })?)
            } else if BOOL_PARAMS.contains(&k.as_str()) {
                match v.as_str() {
                    "" | "1" | "true" | "yes" => Value::Bool(true),
                    "0" | "false" | "no" => Value::Bool(false),
                    _ => {
                        return Err(ApiError::bad(format!(
                            "`{k}` must be true or false, not `{v}`"
                        )))
                    }
                }
            } else {
                Value::String(v.clone())
            };
        m.insert(k.clone(), val);
    }
    Ok(m)
}

/// Runs one operation on a blocking thread and answers its JSON.
async fn call(s: &AppState, op: &str, args: Value) -> ApiResult {
    crate::api::check_args(&args)?;
    let h = s.hublot.clone();
    let op_owned = op.to_string();
    let body = tokio::task::spawn_blocking(move || -> crate::Result<Vec<u8>> {
        if op_owned == "search.query" {
            // Serialised from the struct, as `hublot search --json` does: going through
            // `serde_json::Value` would widen the f32 scores and print other digits.
            let req: crate::SearchRequest = serde_json::from_value(args)
                .map_err(|e| crate::Error::Invalid(format!("search.query: {e}")))?;
            return Ok(serde_json::to_vec(&h.search(&req)?).expect("serialises"));
        }
        Ok(serde_json::to_vec(&h.call(&op_owned, args)?).expect("serialises"))
    })
    .await
    .map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{op} failed: {e}"),
        )
    })??;
    Ok(json_bytes(body))
}

fn json_bytes(body: Vec<u8>) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    res
}

fn ok_json(v: Value) -> Response {
    json_bytes(serde_json::to_vec(&v).expect("serialises"))
}

type Params = Query<Vec<(String, String)>>;

fn with(params: &[(String, String)], extra: &[(&str, &str)]) -> Result<Value, ApiError> {
    let mut m = params_to_args(params)?;
    for (k, v) in extra {
        m.insert((*k).to_string(), Value::String((*v).to_string()));
    }
    Ok(Value::Object(m))
}

// --- page-shaped routes ---------------------------------------------------------------------

async fn search(State(s): State<AppState>, Query(p): Params) -> ApiResult {
    call(&s, "search.query", with(&p, &[])?).await
}
async fn overview(State(s): State<AppState>) -> ApiResult {
    call(&s, "catalogue.overview", json!({})).await
}
async fn stats(State(s): State<AppState>) -> ApiResult {
    call(&s, "catalogue.stats", json!({})).await
}
async fn bases(State(s): State<AppState>) -> ApiResult {
    let h = s.hublot.clone();
    let o = tokio::task::spawn_blocking(move || h.overview())
        .await
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))??;
    Ok(ok_json(serde_json::to_value(o.bases).expect("serialises")))
}
async fn base(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    call(&s, "base.get", json!({ "id": id })).await
}
async fn tables(State(s): State<AppState>, Query(p): Params) -> ApiResult {
    call(&s, "table.list", with(&p, &[])?).await
}
async fn table(State(s): State<AppState>, Path(name): Path<String>) -> ApiResult {
    call(&s, "table.get", json!({ "name": name })).await
}
async fn variable(
    State(s): State<AppState>,
    Path((table, name)): Path<(String, String)>,
) -> ApiResult {
    call(&s, "variable.get", json!({ "table": table, "name": name })).await
}
async fn nomenclature(
    State(s): State<AppState>,
    Path(name): Path<String>,
    Query(p): Params,
) -> ApiResult {
    call(&s, "nomenclature.get", with(&p, &[("name", &name)])?).await
}
async fn code(State(s): State<AppState>, Path((list, code)): Path<(String, String)>) -> ApiResult {
    call(
        &s,
        "code.get",
        json!({ "nomenclature": list, "code": code }),
    )
    .await
}
async fn docs(State(s): State<AppState>) -> ApiResult {
    call(&s, "doc.list", json!({})).await
}
async fn doc(State(s): State<AppState>, Path(path): Path<String>) -> ApiResult {
    call(&s, "doc.get", json!({ "path": path })).await
}
async fn record(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult {
    call(&s, "record.show", json!({ "id": id })).await
}
async fn settings_get(State(s): State<AppState>) -> ApiResult {
    call(&s, "settings.get", json!({})).await
}
async fn settings_set(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult {
    let args = json_body(&headers, &body)?;
    call(&s, "settings.set", args).await?;
    call(&s, "settings.get", json!({})).await
}
async fn version() -> ApiResult {
    Ok(ok_json(json!({
        "name": "hublot",
        "version": env!("CARGO_PKG_VERSION"),
        "snapshot_format": crate::SNAPSHOT_FORMAT_VERSION,
        "catalogue_schema": crate::store::CATALOGUE_SCHEMA_VERSION,
        "index_format": crate::search::INDEX_FORMAT_VERSION,
    })))
}
async fn snapshot(State(s): State<AppState>) -> ApiResult {
    let h = s.hublot.clone();
    let (info, dir) = tokio::task::spawn_blocking(move || {
        h.snapshot()
            .map(|i| (i, h.data_dir().display().to_string()))
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))??;
    let mut v = serde_json::to_value(info).expect("serialises");
    v["data_dir"] = Value::String(dir);
    Ok(ok_json(v))
}
async fn operations() -> ApiResult {
    let ops: Vec<Value> = crate::api::OPERATIONS
        .iter()
        .map(|(op, access)| {
            let methods: Vec<&str> = match access {
                Access::LocalOnly => vec![],
                Access::Read => vec!["GET", "POST"],
                Access::Write => vec!["POST"],
            };
            json!({"name": op, "path": format!("/api/{op}"), "methods": methods})
        })
        .collect();
    Ok(ok_json(Value::Array(ops)))
}

// --- the generic route ----------------------------------------------------------------------

fn check_op(op: &str) -> Result<(), ApiError> {
    if crate::api::access(op) == Some(Access::LocalOnly) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            format!(
                "`{op}` reads local files and is not served over HTTP; use the hublot command line"
            ),
        ));
    }
    if crate::api::access(op).is_none() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no endpoint `/api/{op}` (see /api/-/operations)"),
        ));
    }
    Ok(())
}

async fn op_get(State(s): State<AppState>, Path(op): Path<String>, Query(p): Params) -> ApiResult {
    check_op(&op)?;
    if crate::api::access(&op) != Some(Access::Read) {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("`{op}` changes something: use POST with a JSON body"),
        ));
    }
    call(&s, &op, with(&p, &[])?).await
}

async fn op_post(
    State(s): State<AppState>,
    Path(op): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    check_op(&op)?;
    let args = json_body(&headers, &body)?;
    call(&s, &op, args).await
}

/// A POST body: empty means `{}`; otherwise it must be declared `application/json` (which a
/// cross-site form cannot send) and be a JSON object.
fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct.split(';').next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/json") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "the body must be JSON, sent with `Content-Type: application/json`",
        ));
    }
    let v: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad(format!("the body is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::bad("the body must be a JSON object of arguments"));
    }
    Ok(v)
}

async fn not_found(req: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no endpoint `{}` (see /api/-/operations and docs/http-api.md)",
            req.uri().path()
        ),
    )
}

/// Turns axum's own plain-text errors (405, 415, bad query string…) into the one JSON body.
async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
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

/// The `/api` router.
pub fn api_router() -> Router<AppState> {
    let api = Router::new()
        .route("/search", get(search))
        .route("/overview", get(overview))
        .route("/stats", get(stats))
        .route("/bases", get(bases))
        .route("/bases/{id}", get(base))
        .route("/tables", get(tables))
        .route("/tables/{name}", get(table))
        .route("/variables/{table}/{name}", get(variable))
        .route("/nomenclatures/{name}", get(nomenclature))
        .route("/codes/{list}/{*code}", get(code))
        .route("/docs", get(docs))
        .route("/docs/{*path}", get(doc))
        .route("/records/{*id}", get(record))
        .route("/settings", get(settings_get).post(settings_set))
        .route("/-/version", get(version))
        .route("/-/snapshot", get(snapshot))
        .route("/-/operations", get(operations))
        .route("/{op}", get(op_get).post(op_post))
        .fallback(not_found)
        .layer(middleware::from_fn(json_errors));
    Router::new().nest("/api", api).route(
        "/api",
        get(|| async {
            Err::<Response, _>(ApiError::new(
                StatusCode::NOT_FOUND,
                "see /api/-/operations",
            ))
        }),
    )
}
