//! The table of operations: every user action is declared ONCE, as a row that gives its dotted
//! name, its [`Access`], its request and answer types, its handler and, when it has one, the
//! path of its page-shaped JSON twin. Everything else derives from the rows:
//!
//! - [`Hublot::call`] and [`Hublot::call_as`] dispatch by name (the desktop app's one `call`
//!   command, tests, scripts);
//! - `hublot serve` routes `/api/<name>` and every `page` path, and chooses GET or POST from the
//!   access;
//! - `/api/-/operations` ([`OperationInfo`]) lists them;
//! - the UI's `ui/src/lib/api-types.ts` is generated from the request and answer types
//!   ([`typescript`]), operations map included, by `tests/api_types.rs`.
//!
//! A domain module adds its operations with [`op!`](crate::api::ops) rows in its own `OPS` slice
//! and one line in [`operations`].

use super::Hublot;
use crate::{Error, ErrorBody, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::any::TypeId;
use std::collections::BTreeMap;
use ts_rs::TS;

/// How an operation may be reached by a front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(rename = "OpAccess")]
pub enum Access {
    /// Only reads: any front end may call it (HTTP GET too).
    Read,
    /// Changes user data or the active snapshot: an explicit action (HTTP POST only, JSON from
    /// the same origin).
    Write,
    /// Reads or writes arbitrary paths of the machine: local front ends only (CLI, desktop
    /// app), never a network client.
    LocalOnly,
}

/// Who asks: the front end an operation is called from. Local front ends (the CLI, the desktop
/// app) may name files of this machine; a network client (`hublot serve`) may not, and its
/// limits are clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Caller {
    /// The command line or the desktop app, run by the user on this machine.
    Local,
    /// A client of `hublot serve`, which may be any page of any site the browser opened.
    Network,
}

/// What an operation answers: JSON (almost all) or a file (exports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    /// A JSON document of the answer type.
    Json,
    /// A file: served as itself over HTTP, as a [`Download`] (base64) through `call`.
    File,
}

/// The arguments of a call, as a front end has them.
#[derive(Debug, Clone)]
pub enum Input {
    /// A JSON object (POST bodies, the desktop app, `call`); `null` is no argument.
    Json(Value),
    /// The `(name, value)` pairs of an `application/x-www-form-urlencoded` query string (HTTP
    /// GET), path parameters merged in: a list is a repeated key. Build it with
    /// [`Input::query`], which leaves empty values out (no value).
    Query(Vec<(String, String)>),
}

impl Input {
    /// No arguments.
    pub fn none() -> Input {
        Input::Json(Value::Null)
    }

    /// The arguments of a query string, parsed once; empty values are left out.
    pub fn query(qs: &str) -> Result<Input> {
        Ok(Input::Query(Input::query_pairs(qs)?))
    }

    /// The `(name, value)` pairs of a query string, empty values left out.
    pub fn query_pairs(qs: &str) -> Result<Vec<(String, String)>> {
        let pairs: Vec<(String, String)> = serde_html_form::from_str(qs)
            .map_err(|e| Error::Invalid(format!("malformed query string: {e}")))?;
        Ok(pairs.into_iter().filter(|(_, v)| !v.is_empty()).collect())
    }

    /// Refuses ids that look like path escapes and NUL characters, whatever the front end.
    fn check(&self) -> Result<()> {
        match self {
            Input::Json(v) => check_args(v),
            Input::Query(pairs) => pairs.iter().try_for_each(|(k, v)| check_arg(k, v)),
        }
    }

    /// The request of operation `op`, decoded; a decoding error names the argument.
    pub fn decode<T: DeserializeOwned>(self, op: &str) -> Result<T> {
        let bad = |path: String, e: String| {
            let at = if path.is_empty() || path == "." {
                String::new()
            } else {
                format!(" (argument `{path}`)")
            };
            Error::Invalid(format!("{op}: {e}{at}"))
        };
        match self {
            Input::Json(Value::Null) => {
                serde_path_to_error::deserialize(Value::Object(Default::default()))
                    .map_err(|e| bad(e.path().to_string(), e.into_inner().to_string()))
            }
            Input::Json(v) => {
                if !v.is_object() {
                    return Err(Error::Invalid(format!(
                        "{op}: the arguments must be a JSON object"
                    )));
                }
                serde_path_to_error::deserialize(v)
                    .map_err(|e| bad(e.path().to_string(), e.into_inner().to_string()))
            }
            Input::Query(pairs) => {
                // serde_html_form reads text only: the pairs are encoded once more for it.
                let clean = serde_html_form::to_string(&pairs)
                    .map_err(|e| Error::Invalid(format!("{op}: {e}")))?;
                let de = serde_html_form::Deserializer::from_bytes(clean.as_bytes());
                serde_path_to_error::deserialize(de)
                    .map_err(|e| bad(e.path().to_string(), e.into_inner().to_string()))
            }
        }
    }
}

/// A file answered by an export operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Download {
    /// The suggested file name (`need-statement.pdf`).
    pub filename: String,
    /// Its media type (`application/pdf`).
    pub media_type: String,
    /// Its bytes, base64 in JSON.
    #[serde(with = "base64_bytes")]
    #[ts(type = "string")]
    pub bytes: Vec<u8>,
}

mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(b))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(serde::de::Error::custom)
    }
}

/// The answer of a call, ready for a front end.
#[derive(Debug)]
pub enum Answer {
    /// The answer serialised once, straight from its struct (so that `f32` scores keep their
    /// shortest digits), to be sent as it is.
    Json(Box<RawValue>),
    /// A file.
    File(Download),
}

impl Answer {
    /// Serialises an answer.
    pub fn json<T: Serialize + ?Sized>(t: &T) -> Result<Answer> {
        Ok(Answer::Json(
            serde_json::value::to_raw_value(t).expect("answers serialise"),
        ))
    }

    /// The answer as JSON text (a file as its [`Download`] object).
    pub fn into_raw(self) -> Box<RawValue> {
        match self {
            Answer::Json(r) => r,
            Answer::File(d) => serde_json::value::to_raw_value(&d).expect("downloads serialise"),
        }
    }

    /// The answer as a JSON value.
    pub fn into_value(self) -> Value {
        serde_json::from_str(self.into_raw().get()).expect("answers are JSON")
    }
}

/// One operation of the core API.
pub struct Operation {
    /// Its dotted name: `table.get`. The HTTP path is `/api/<name>`, the Tauri call `call(name)`.
    pub name: &'static str,
    /// Who may call it, and how.
    pub access: Access,
    /// Its page-shaped JSON twin under `hublot serve` (`/api/tables/{name}`: path parameters are
    /// arguments of the same name), for reads that are pages of the UI.
    pub page: Option<&'static str>,
    /// One sentence for people (docs, `/api/-/operations`).
    pub summary: &'static str,
    /// JSON or a file.
    pub answer: AnswerKind,
    /// Decodes the request, runs the method, encodes the answer.
    pub(crate) run: fn(&Hublot, Caller, Input) -> Result<Answer>,
    /// Registers the request and answer types; returns their TypeScript names.
    pub(crate) types: fn(&mut TypeScript) -> (String, String),
}

/// Declares one [`Operation`]:
///
/// ```text
/// op!("table.get", Read, page "/api/tables/{name}", "A table with its joins and samples.",
///     |h, _caller, r: TableGet| -> TablePage { h.table(&r.name) }),
/// ```
///
/// The body evaluates to `Result<Answer type>`; `-> file` declares an operation answering a
/// [`Download`].
macro_rules! op {
    (@page) => { None };
    (@page $page:literal) => { Some($page) };
    ($name:literal, $access:ident, $(page $page:literal,)? $summary:literal,
     |$h:ident, $caller:pat_param, $req:ident : $Req:ty| -> file $body:block) => {
        $crate::api::ops::Operation {
            name: $name,
            access: $crate::api::ops::Access::$access,
            page: op!(@page $($page)?),
            summary: $summary,
            answer: $crate::api::ops::AnswerKind::File,
            run: |$h, $caller, input| {
                let $req: $Req = input.decode($name)?;
                let out: $crate::api::ops::Download = $body?;
                Ok($crate::api::ops::Answer::File(out))
            },
            types: |t| (t.add::<$Req>(), t.add::<$crate::api::ops::Download>()),
        }
    };
    ($name:literal, $access:ident, $(page $page:literal,)? $summary:literal,
     |$h:ident, $caller:pat_param, $req:ident : $Req:ty| -> $Resp:ty $body:block) => {
        $crate::api::ops::Operation {
            name: $name,
            access: $crate::api::ops::Access::$access,
            page: op!(@page $($page)?),
            summary: $summary,
            answer: $crate::api::ops::AnswerKind::Json,
            run: |$h, $caller, input| {
                let $req: $Req = input.decode($name)?;
                let out: $Resp = $body?;
                $crate::api::ops::Answer::json(&out)
            },
            types: |t| (t.add::<$Req>(), t.add::<$Resp>()),
        }
    };
}
pub(crate) use op;

/// The request of an operation that takes no argument.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NoArgs {}

/// Every operation, in the order of the docs: one line per domain module.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    [
        super::catalogue::OPS,
        super::snapshots::OPS,
        super::settings::OPS,
        super::cite::OPS,
        super::need::OPS,
        super::samples::OPS,
        super::console::OPS,
        super::synth::OPS,
        super::validate::OPS,
        super::producer::OPS,
    ]
    .into_iter()
    .flatten()
}

/// The operation called `name`.
pub fn operation(name: &str) -> Option<&'static Operation> {
    operations().find(|o| o.name == name)
}

/// How `op` may be reached, or `None` when there is no such operation.
pub fn access(op: &str) -> Option<Access> {
    operation(op).map(|o| o.access)
}

/// An operation as `/api/-/operations` lists it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct OperationInfo {
    /// Dotted name.
    pub name: String,
    /// Read, write or local-only.
    pub access: Access,
    /// What it does.
    pub summary: String,
    /// `/api/<name>`.
    pub path: String,
    /// Its page-shaped twin, if any.
    pub page: Option<String>,
    /// HTTP methods `hublot serve` accepts for it (none: command line and desktop app only).
    pub methods: Vec<String>,
    /// JSON or a file.
    pub answer: AnswerKind,
    /// TypeScript name of the request type (`ui/src/lib/api-types.ts`).
    pub request: String,
    /// TypeScript name of the answer type.
    pub response: String,
}

/// Every operation, described.
pub fn operation_infos() -> Vec<OperationInfo> {
    let mut ts = TypeScript::new();
    operations()
        .map(|o| {
            let (request, response) = (o.types)(&mut ts);
            OperationInfo {
                name: o.name.into(),
                access: o.access,
                summary: o.summary.into(),
                path: format!("/api/{}", o.name),
                page: o.page.map(str::to_string),
                methods: match o.access {
                    Access::Read => vec!["GET".into(), "POST".into()],
                    Access::Write => vec!["POST".into()],
                    Access::LocalOnly => vec![],
                },
                answer: o.answer,
                request,
                response,
            }
        })
        .collect()
}

impl Hublot {
    /// Calls an operation by name with JSON arguments, as a local front end (the desktop app,
    /// scripts, tests). The answer is the operation's answer as a JSON value.
    pub fn call(&self, op: &str, args: Value) -> Result<Value> {
        Ok(self
            .call_as(Caller::Local, op, Input::Json(args))?
            .into_value())
    }

    /// Calls an operation by name for `caller`: the one dispatch of every front end. A
    /// local-only operation is refused to a network caller; ids that look like path escapes
    /// are refused to everyone; the active snapshot follows a `current` pointer moved by another
    /// process before anything is read.
    pub fn call_as(&self, caller: Caller, op: &str, input: Input) -> Result<Answer> {
        let o = operation(op).ok_or_else(|| {
            Error::NotFound(format!(
                "unknown operation `{}` (see /api/-/operations or docs/api.md)",
                op.escape_debug()
            ))
        })?;
        if caller == Caller::Network && o.access == Access::LocalOnly {
            return Err(Error::Forbidden(format!(
                "`{op}` reads or writes files of this machine: use the hublot command line or the \
                 desktop app"
            )));
        }
        input.check()?;
        // Cheap (one small file read): a CLI import or a background sync may have moved the
        // pointer and pruned the snapshot this handle still reads.
        self.refresh()?;
        (o.run)(self, caller, input)
    }
}

/// Arguments that name a record: refused when they look like a file path escape.
const ID_PARAMS: &[&str] = &[
    "id",
    "name",
    "table",
    "path",
    "nomenclature",
    "code",
    "base",
];

/// Checks an id given by a front end (URL, app, CLI): no NUL or control character, no backslash,
/// not absolute, no `.`/`..`/empty segment. Ids are looked up in SQLite, never on disk; this
/// keeps it so.
pub fn check_id(what: &str, s: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::Invalid(format!(
            "invalid {what} `{}`: {why}",
            s.escape_debug()
        )))
    };
    if s.is_empty() {
        return bad("empty");
    }
    if s.chars().any(|c| c.is_control()) {
        return bad("control characters are not allowed");
    }
    if s.contains('\\') {
        return bad("backslashes are not allowed");
    }
    if s.starts_with('/')
        || s.as_bytes().get(1) == Some(&b':') && s.as_bytes()[0].is_ascii_alphabetic()
    {
        return bad("absolute paths are not allowed");
    }
    if s.split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return bad("`.`, `..` and empty path segments are not allowed");
    }
    Ok(())
}

fn check_arg(k: &str, v: &str) -> Result<()> {
    if ID_PARAMS.contains(&k) {
        check_id(k, v)
    } else if v.contains('\0') {
        Err(Error::Invalid(format!("`{k}` contains a NUL character")))
    } else {
        Ok(())
    }
}

/// Checks the top-level arguments of a call ([`Hublot::call_as`] does, for every front end): no
/// NUL anywhere, ids as [`check_id`].
pub fn check_args(args: &Value) -> Result<()> {
    if let Some(m) = args.as_object() {
        for (k, v) in m {
            if let Some(s) = v.as_str() {
                check_arg(k, s)?;
            }
        }
    }
    Ok(())
}

// --- TypeScript ------------------------------------------------------------------------------

/// Collects the TypeScript declarations of the operations' types (ts-rs), each once.
pub struct TypeScript {
    cfg: ts_rs::Config,
    /// By TypeScript name: the Rust type and its declaration.
    decls: BTreeMap<String, (TypeId, &'static str, String)>,
    seen: Vec<TypeId>,
}

impl TypeScript {
    fn new() -> Self {
        TypeScript {
            // Counts and sizes are `u64` in Rust and plain numbers in JSON: none comes near 2^53.
            cfg: ts_rs::Config::new().with_large_int("number"),
            decls: BTreeMap::new(),
            seen: Vec::new(),
        }
    }

    /// Declares `T` and every type it uses; returns its TypeScript name.
    pub fn add<T: TS + 'static + ?Sized>(&mut self) -> String {
        ts_rs::TypeVisitor::visit::<T>(self);
        T::name(&self.cfg)
    }
}

impl ts_rs::TypeVisitor for TypeScript {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        let id = TypeId::of::<T>();
        if self.seen.contains(&id) {
            return;
        }
        self.seen.push(id);
        if T::output_path().is_some() {
            let name = T::ident(&self.cfg);
            let rust = std::any::type_name::<T>();
            let decl = T::decl(&self.cfg);
            if let Some((other, other_rust, other_decl)) = self.decls.get(&name) {
                // ts-rs declares `serde_json::Value` through a helper type of the same name:
                // one declaration for two Rust types is no conflict.
                assert!(
                    *other == id || *other_decl == decl,
                    "two Rust types have the TypeScript name `{name}`: {other_rust} and {rust}; \
                     rename one with #[ts(rename = \"…\")]"
                );
            }
            self.decls.insert(name, (id, rust, decl));
        }
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

/// The content of `ui/src/lib/api-types.ts`: every request and answer type, the error body, and
/// the operations map (`Operations` for the types, `OPERATIONS` for access, page and answer
/// kind), generated from the Rust types.
pub fn typescript() -> String {
    let mut ts = TypeScript::new();
    ts.add::<ErrorBody>();
    ts.add::<OperationInfo>();
    let ops: Vec<(&Operation, String, String)> = operations()
        .map(|o| {
            let (req, resp) = (o.types)(&mut ts);
            (o, req, resp)
        })
        .collect();
    let mut out = String::from(
        "// GENERATED from the Rust types by `tests/api_types.rs` (ts-rs): DO NOT EDIT.\n\
         // Regenerate with `HUBLOT_UPDATE_TYPES=1 cargo test --test api_types`.\n\n",
    );
    for (_, _, decl) in ts.decls.values() {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Every operation of the core API: its request and answer types. */\n\
         export interface Operations {\n",
    );
    for (o, req, resp) in &ops {
        out.push_str(&format!("  '{}': [{req}, {resp}];\n", o.name));
    }
    out.push_str(
        "}\n\n/** The name of an operation. */\nexport type OpName = keyof Operations;\n\n",
    );
    out.push_str(
        "/** How each operation is reached: access, page-shaped twin, answer kind. */\n\
         export const OPERATIONS: { readonly [K in OpName]: { access: OpAccess; page: string | null; answer: AnswerKind } } = {\n",
    );
    for (o, _, _) in &ops {
        let access = serde_json::to_string(&o.access).expect("serialises");
        let answer = serde_json::to_string(&o.answer).expect("serialises");
        let page = o
            .page
            .map(|p| format!("'{p}'"))
            .unwrap_or_else(|| "null".into());
        out.push_str(&format!(
            "  '{}': {{ access: {}, page: {page}, answer: {} }},\n",
            o.name,
            access.replace('"', "'"),
            answer.replace('"', "'"),
        ));
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Req {
        q: String,
        #[serde(default)]
        limit: Option<u64>,
        #[serde(default)]
        flag: bool,
        #[serde(default)]
        list: Vec<String>,
    }

    #[test]
    fn a_query_string_decodes_into_the_request_struct() {
        let r: Req = Input::query("q=d%C3%A9c%C3%A8s&limit=5&flag=true&list=a&list=b")
            .unwrap()
            .decode("x.y")
            .unwrap();
        assert_eq!(
            r,
            Req {
                q: "décès".into(),
                limit: Some(5),
                flag: true,
                list: vec!["a".into(), "b".into()]
            }
        );
        // Empty values are no value.
        let r: Req = Input::query("q=a&limit=").unwrap().decode("x.y").unwrap();
        assert_eq!(r.limit, None);
    }

    #[test]
    fn decoding_errors_name_the_operation_and_the_argument() {
        let e = Input::query("q=a&limit=ten")
            .unwrap()
            .decode::<Req>("search.query")
            .unwrap_err()
            .to_string();
        assert!(e.contains("search.query") && e.contains("`limit`"), "{e}");
        let e = Input::Json(serde_json::json!({"q": 3}))
            .decode::<Req>("search.query")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`q`"), "{e}");
        let e = Input::Json(serde_json::json!({}))
            .decode::<Req>("search.query")
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing field `q`"), "{e}");
        let e = Input::Json(serde_json::json!([1]))
            .decode::<Req>("search.query")
            .unwrap_err()
            .to_string();
        assert!(e.contains("JSON object"), "{e}");
    }

    #[test]
    fn ids_that_escape_are_refused_in_queries_and_bodies() {
        assert!(Input::query("name=..%2Fetc").unwrap().check().is_err());
        assert!(Input::Json(serde_json::json!({"path": "/etc/passwd"}))
            .check()
            .is_err());
        assert!(Input::Json(serde_json::json!({"q": "a\u{0}b"}))
            .check()
            .is_err());
        assert!(Input::query("name=IR_BEN_R").unwrap().check().is_ok());
    }

    #[test]
    fn names_are_unique_and_pages_are_reads() {
        let mut names: Vec<&str> = operations().map(|o| o.name).collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "two operations share a name");
        for o in operations() {
            assert!(
                o.page.is_none() || o.access == Access::Read,
                "{}: only reads have a page-shaped GET twin",
                o.name
            );
            assert!(
                o.page.is_none_or(|p| p.starts_with("/api/")),
                "{}: pages live under /api/",
                o.name
            );
        }
    }
}
