//! `fengong serve`: a local review page and the HTTP API under it.
//!
//! One page (HTML, JS and CSS embedded from `src/serve/assets/`, nothing
//! loaded from elsewhere) to drop notices on, read every task with its
//! units and targets, check the evidence, correct units and targets, and
//! download JSON, CSV or the workbook; and two versions of a plan to
//! compare. Every endpoint only calls the library: parsing through
//! [`crate::batch::parse_bytes_guarded`] (the messages of the CLI), the
//! ledger through [`crate::ledger`], the diff through [`crate::diff`], the
//! downloads through [`crate::output`] and [`edits`].
//!
//! | method and path        | body                                   | answer                                  |
//! |------------------------|----------------------------------------|-----------------------------------------|
//! | `GET /api/health`      |                                        | `ok`                                    |
//! | `POST /api/parse`      | multipart, one or more `file` fields   | what `fengong parse --format json` prints |
//! | `POST /api/diff`       | multipart, fields `old` and `new`      | the JSON diff (`?format=html`: the report) |
//! | `POST /api/tasks`      | JSON `{notices, unit}`                 | the unit's ledger (`fengong tasks --unit`) |
//! | `POST /api/export`     | JSON [`edits::Edited`], `?format=json\|csv\|xlsx` | the download, hand edits marked |
//!
//! Safety: the server checks the `Host` header (DNS rebinding), limits
//! uploads to `--max-bytes`, parses on blocking threads, and writes nothing
//! to disk.

pub mod edits;

use crate::Options;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Multipart, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on (loopback by default).
    pub bind: IpAddr,
    /// Port (0: any free port; the one chosen is printed).
    pub port: u16,
    /// Parsing options; `max_bytes` also limits each upload.
    pub options: Options,
}

/// Shared by the handlers.
struct AppState {
    options: Options,
    /// `Host` header values accepted (lower case).
    hosts: Vec<String>,
}

type Shared = Arc<AppState>;

/// Whether an address is loopback (the default, reachable only from this machine).
pub fn is_loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// The `Host` values a browser sends for this server: `localhost`, the
/// loopback addresses and the bound address, each with the port.
fn allowed_hosts(addr: SocketAddr) -> Vec<String> {
    let port = addr.port();
    let mut hosts = vec![
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ];
    let bound = match addr.ip() {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    };
    if !hosts.contains(&bound) && !addr.ip().is_unspecified() {
        hosts.push(bound);
    }
    hosts
}

/// Bind, print the address, and serve until the process ends.
/// `on_ready` gets the URL once the socket listens (to open a browser).
pub fn run(config: Config, on_ready: impl FnOnce(&str) + Send + 'static) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind((config.bind, config.port))
            .await
            .map_err(|e| {
                format!(
                    "cannot listen on {}:{}: {}",
                    config.bind,
                    config.port,
                    crate::batch::io_message(&e)
                )
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| format!("cannot read the bound address: {e}"))?;
        let url = match addr.ip() {
            ip if ip.is_unspecified() => format!("http://127.0.0.1:{}/", addr.port()),
            IpAddr::V6(v6) => format!("http://[{v6}]:{}/", addr.port()),
            IpAddr::V4(v4) => format!("http://{v4}:{}/", addr.port()),
        };
        eprintln!("fengong serve: listening on {url} (Ctrl-C stops)");
        let state = Arc::new(AppState {
            options: config.options,
            hosts: allowed_hosts(addr),
        });
        on_ready(&url);
        axum::serve(listener, router(state))
            .await
            .map_err(|e| format!("server error: {e}"))
    })
}

/// Largest JSON body (`/api/tasks`, `/api/export`): notices as JSON are
/// several times the size of their source files.
fn json_limit(max_bytes: u64) -> usize {
    usize::try_from(max_bytes.saturating_mul(4).max(16 << 20)).unwrap_or(usize::MAX)
}

/// Largest multipart body: the file limit plus room for the form framing.
fn upload_limit(max_bytes: u64) -> usize {
    usize::try_from(max_bytes.saturating_add(64 << 10)).unwrap_or(usize::MAX)
}

fn router(state: Shared) -> Router {
    let max = state.options.max_bytes;
    let uploads = Router::new()
        .route("/api/parse", post(parse))
        .route("/api/diff", post(diff))
        .layer(DefaultBodyLimit::max(upload_limit(max)));
    let json = Router::new()
        .route("/api/tasks", post(tasks))
        .route("/api/export", post(export))
        .layer(DefaultBodyLimit::max(json_limit(max)));
    Router::new()
        .route(
            "/",
            get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/app.css",
            get(|| async { asset(APP_CSS, "text/css; charset=utf-8") }),
        )
        .route("/api/health", get(|| async { "ok\n" }))
        .merge(uploads)
        .merge(json)
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .with_state(state)
}

fn asset(body: &'static str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// Refuse requests whose `Host` is not this server (DNS rebinding: a page
/// of another site resolving its name to 127.0.0.1).
async fn check_host(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if state.hosts.contains(&host) {
        let mut resp = next.run(req).await;
        let headers = resp.headers_mut();
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        );
        return resp;
    }
    error(
        StatusCode::FORBIDDEN,
        format!(
            "fengong serve: Host `{host}` refused (only {} are served)",
            state.hosts.join(", ")
        ),
    )
}

/// A plain-text error answer.
fn error(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message + "\n",
    )
        .into_response()
}

/// An uploaded file: its name (from the form) and bytes.
struct Upload {
    field: String,
    name: String,
    bytes: Bytes,
}

/// Read every field of a multipart form; a field over the limit or a
/// broken form is an error answer naming the file.
async fn uploads(mut form: Multipart, max_bytes: u64) -> Result<Vec<Upload>, Response> {
    let mut out = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(out),
            Err(e) => return Err(form_error(e, "upload", max_bytes)),
        };
        let field_name = field.name().unwrap_or("").to_string();
        let name = field
            .file_name()
            .map(str::to_string)
            .unwrap_or_else(|| field_name.clone());
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) => return Err(form_error(e, &name, max_bytes)),
        };
        out.push(Upload {
            field: field_name,
            name,
            bytes,
        });
    }
}

fn form_error(e: axum::extract::multipart::MultipartError, name: &str, max: u64) -> Response {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        error(
            status,
            format!(
                "fengong: {name}: the upload is more than the limit of {max} bytes (--max-bytes)"
            ),
        )
    } else {
        error(status, format!("fengong: {name}: {}", e.body_text()))
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Parse uploads on a blocking thread, keeping their order.
async fn parse_all(
    state: &Shared,
    files: Vec<Upload>,
) -> Result<Vec<(String, Result<Vec<crate::Notice>, String>)>, Response> {
    let opts = state.options.clone();
    tokio::task::spawn_blocking(move || {
        files
            .into_iter()
            .map(|f| {
                let r = crate::batch::parse_bytes_guarded(&f.bytes, &f.name, &opts);
                (f.name, r)
            })
            .collect()
    })
    .await
    .map_err(|e| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("fengong: parsing stopped: {e}"),
        )
    })
}

/// `POST /api/parse`: every `file` field parsed. All converted: 200 and
/// what `fengong parse --format json` prints (an object for one notice, an
/// array for several). Some failed: 422 and `{"notices": [...], "errors":
/// [{"file", "message"}]}`, each message the line the CLI prints.
async fn parse(State(state): State<Shared>, form: Multipart) -> Response {
    let files = match uploads(form, state.options.max_bytes).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let files: Vec<Upload> = files.into_iter().filter(|f| f.field == "file").collect();
    if files.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "fengong: no `file` field in the form".into(),
        );
    }
    let several_files = files.len() > 1;
    let results = match parse_all(&state, files).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let mut notices = Vec::new();
    let mut errors = Vec::new();
    for (name, r) in results {
        match r {
            Ok(ns) => notices.extend(ns),
            Err(e) => errors.push(serde_json::json!({
                "file": name,
                "message": format!("fengong: {name}: {e}"),
            })),
        }
    }
    if !errors.is_empty() {
        let body = serde_json::json!({ "notices": notices, "errors": errors });
        let body =
            crate::output::json_writer::to_string(&body).expect("the model always serializes");
        return json_response(StatusCode::UNPROCESSABLE_ENTITY, body);
    }
    let body = if notices.len() == 1 && !several_files {
        crate::output::json::to_json(&notices[0])
    } else {
        crate::output::json::document(&notices)
    };
    json_response(StatusCode::OK, body)
}

/// Output format of `/api/diff`.
#[derive(Debug, Deserialize, Default)]
struct DiffQuery {
    /// `json` (default) or `html`.
    #[serde(default)]
    format: Option<String>,
}

/// `POST /api/diff`: fields `old` and `new` → the JSON diff, or with
/// `?format=html` the HTML report of `fengong diff --format html`.
async fn diff(
    State(state): State<Shared>,
    Query(q): Query<DiffQuery>,
    form: Multipart,
) -> Response {
    let html = match q.format.as_deref() {
        None | Some("json") => false,
        Some("html") => true,
        Some(other) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("fengong: unknown diff format `{other}` (json or html)"),
            );
        }
    };
    let files = match uploads(form, state.options.max_bytes).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut sides = Vec::new();
    for side in ["old", "new"] {
        match files.iter().position(|f| f.field == side) {
            Some(i) => sides.push(i),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("fengong: no `{side}` field in the form"),
                );
            }
        }
    }
    let mut files = files;
    let new = files.swap_remove(sides[1].max(sides[0]));
    let old = files.swap_remove(sides[1].min(sides[0]));
    let (old, new) = if sides[0] < sides[1] {
        (old, new)
    } else {
        (new, old)
    };
    let results = match parse_all(&state, vec![old, new]).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let mut notices = Vec::new();
    let mut messages = Vec::new();
    for (name, r) in results {
        match r {
            Ok(mut ns) if !ns.is_empty() => notices.push(ns.swap_remove(0)),
            Ok(_) => messages.push(format!("fengong: {name}: no notice in the file")),
            Err(e) => messages.push(format!("fengong: {name}: {e}")),
        }
    }
    if !messages.is_empty() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, messages.join("\n"));
    }
    let d = crate::diff::diff(&notices[0], &notices[1]);
    if html {
        (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            crate::diff::report::to_html(&d),
        )
            .into_response()
    } else {
        json_response(StatusCode::OK, crate::diff::report::to_json(&d))
    }
}

/// Body of `/api/tasks`.
#[derive(Debug, Deserialize)]
struct TasksRequest {
    notices: Vec<crate::Notice>,
    unit: String,
}

/// `POST /api/tasks`: the ledger of one unit across the notices, matched
/// through the alias tables as `fengong tasks --unit` does; 404 with the
/// CLI's message when no unit matches.
async fn tasks(
    State(state): State<Shared>,
    body: Result<axum::Json<TasksRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let req = match body {
        Ok(axum::Json(r)) => r,
        Err(e) => return error(e.status(), format!("fengong: {}", e.body_text())),
    };
    let aliases = state.options.aliases.clone();
    let r = tokio::task::spawn_blocking(move || {
        crate::ledger::ledger_for(&req.notices, &req.unit, &aliases)
    })
    .await;
    match r {
        Ok(Ok(l)) => json_response(
            StatusCode::OK,
            crate::output::json_writer::to_string_pretty(&l).expect("a ledger always serializes"),
        ),
        Ok(Err(no)) => error(StatusCode::NOT_FOUND, format!("fengong: {no}")),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("fengong: {e}")),
    }
}

/// Format of `/api/export`.
#[derive(Debug, Deserialize)]
struct ExportQuery {
    format: String,
}

/// `POST /api/export?format=json|csv|xlsx`: the page's notices with its
/// hand edits (see [`edits`]): JSON and CSV (with a byte-order mark) carry
/// an `edited-in-page` warning on each changed item; the workbook flags
/// the changed rows the way its read-back does.
async fn export(
    State(state): State<Shared>,
    Query(q): Query<ExportQuery>,
    body: Result<axum::Json<edits::Edited>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let payload = match body {
        Ok(axum::Json(p)) => p,
        Err(e) => return error(e.status(), format!("fengong: {}", e.body_text())),
    };
    let aliases = state.options.aliases.clone();
    let format = q.format.clone();
    let r = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, &str, &str), String> {
        match format.as_str() {
            "xlsx" => Ok((
                edits::workbook(&payload, &aliases)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "fengong.xlsx",
            )),
            "json" => {
                let ns = edits::marked(&payload, &aliases)?;
                let body = if ns.len() == 1 {
                    crate::output::json::to_json(&ns[0])
                } else {
                    crate::output::json_writer::to_string_pretty(&ns)
                        .expect("the model always serializes")
                };
                Ok((
                    body.into_bytes(),
                    "application/json; charset=utf-8",
                    "fengong.json",
                ))
            }
            "csv" => {
                let ns = edits::marked(&payload, &aliases)?;
                let bytes = crate::output::csv::items_csv(&ns, true).map_err(|e| e.to_string())?;
                Ok((bytes, "text/csv; charset=utf-8", "fengong.csv"))
            }
            other => Err(format!(
                "unknown export format `{other}` (json, csv or xlsx)"
            )),
        }
    })
    .await;
    match r {
        Ok(Ok((bytes, kind, file))) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Ok(Err(e)) => error(StatusCode::BAD_REQUEST, format!("fengong: {e}")),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, format!("fengong: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowed_hosts_are_loopback_names_and_the_bound_address_with_the_port() {
        let h = allowed_hosts("127.0.0.1:8787".parse().unwrap());
        assert!(h.contains(&"localhost:8787".to_string()));
        assert!(h.contains(&"[::1]:8787".to_string()));
        assert!(!h.iter().any(|x| x == "localhost" || x.ends_with(":80")));
        let h = allowed_hosts("192.168.1.5:9000".parse().unwrap());
        assert!(h.contains(&"192.168.1.5:9000".to_string()));
    }

    #[test]
    fn limits_leave_room_for_the_form_and_json() {
        assert!(upload_limit(100) > 100);
        assert!(json_limit(1) >= 16 << 20);
    }
}
