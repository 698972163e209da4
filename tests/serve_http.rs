//! `fengong serve` over real HTTP: every endpoint of the API, the page and
//! its assets, a bad file, oversized uploads and a wrong `Host` header.
#![cfg(feature = "serve")]

mod common;
use common::*;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const SEED: &str = "seeds/000_7c5878c3eb2a3600.txt";
const SEED_NAME: &str = "000_7c5878c3eb2a3600.txt";

/// The server under test, with the request helpers below.
type Server = common::Serve;

impl Server {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Send one request; the status, headers (lower-case names) and body.
    fn request(&self, method: &str, path: &str, host: &str, kind: &str, body: &[u8]) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        if !kind.is_empty() {
            head.push_str(&format!("Content-Type: {kind}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        // The server may answer (413) before reading a large body.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        Reply::parse(&raw)
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &self.host(), "", b"")
    }

    fn post_form(&self, path: &str, fields: &[(&str, &str, &[u8])]) -> Reply {
        let boundary = "fengongTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        for (field, file, bytes) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.request(
            "POST",
            path,
            &self.host(),
            &format!("multipart/form-data; boundary={boundary}"),
            &body,
        )
    }

    fn post_json(&self, path: &str, v: &Value) -> Reply {
        self.request(
            "POST",
            path,
            &self.host(),
            "application/json",
            v.to_string().as_bytes(),
        )
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn parse(raw: &[u8]) -> Reply {
        let end = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        let head = String::from_utf8_lossy(&raw[..end]).to_string();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[end + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = dechunk(&body);
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(nl) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..nl]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[nl + 2 + size + 2..];
    }
}

fn seed() -> Vec<u8> {
    std::fs::read(repo(SEED)).unwrap()
}

/// What `fengong parse` prints on standard error for `name` holding `bytes`.
fn cli_error(name: &str, bytes: &[u8], extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(["parse", name, "--quiet", "--format", "json"])
        .args(extra)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success());
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn health_page_and_assets_are_served_from_the_binary() {
    let s = Server::start(&[]);
    let h = s.get("/api/health");
    assert_eq!(h.status, 200);
    assert_eq!(h.text().trim(), "ok");
    let page = s.get("/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text();
    assert!(html.contains("分工方案审阅"), "{html}");
    assert!(!html.contains("https://") && !html.contains("http://"));
    for (path, kind) in [("/app.js", "text/javascript"), ("/app.css", "text/css")] {
        let r = s.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with(kind));
        assert!(
            !r.text().contains("https://"),
            "{path} loads nothing remote"
        );
    }
    assert_eq!(s.get("/nothing-here").status, 404);
}

#[test]
fn parse_returns_what_the_cli_prints() {
    let s = Server::start(&[]);
    let r = s.post_form("/api/parse", &[("file", SEED_NAME, &seed())]);
    assert_eq!(r.status, 200, "{}", r.text());
    let got = r.json();
    assert_eq!(got, parse_json(&repo(SEED)));
    assert_eq!(got["items"].as_array().unwrap().len(), 41);

    // Two files: an array, in the order given.
    let gbk = std::fs::read(repo("fixtures/seed/seed.gbk.txt")).unwrap();
    let second: (&str, Vec<u8>) = ("seed.gbk.txt", gbk);
    let r = s.post_form(
        "/api/parse",
        &[("file", SEED_NAME, &seed()), ("file", second.0, &second.1)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let arr = r.json();
    let arr = arr.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["source"], SEED_NAME);
    assert_eq!(arr[1]["source"], second.0);
}

#[test]
fn a_bad_file_gets_the_cli_message_and_the_others_still_convert() {
    let s = Server::start(&[]);
    let bad: &[u8] = b"%PDF-1.7\nthis is not really a pdf\n";
    let r = s.post_form(
        "/api/parse",
        &[("file", "broken.pdf", bad), ("file", SEED_NAME, &seed())],
    );
    assert_eq!(r.status, 422, "{}", r.text());
    let v = r.json();
    assert_eq!(v["notices"].as_array().unwrap().len(), 1);
    assert_eq!(v["notices"][0]["source"], SEED_NAME);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["file"], "broken.pdf");
    assert_eq!(
        errors[0]["message"].as_str().unwrap(),
        cli_error("broken.pdf", bad, &[])
    );

    let r = s.post_form("/api/parse", &[("other", "x.txt", b"x")]);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("`file`"));
}

#[test]
fn oversized_uploads_are_refused_with_the_limit_named() {
    let s = Server::start(&["--max-bytes", "1000"]);
    // Over the file limit but within the request's: the CLI's message.
    let r = s.post_form("/api/parse", &[("file", SEED_NAME, &seed())]);
    assert_eq!(r.status, 422, "{}", r.text());
    let msg = r.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(msg, cli_error(SEED_NAME, &seed(), &["--max-bytes", "1000"]));
    assert!(msg.contains("--max-bytes"), "{msg}");
    // Far over: the request is cut off.
    let big = vec![b'a'; 400_000];
    let r = s.post_form("/api/parse", &[("file", "big.txt", &big)]);
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("--max-bytes"), "{}", r.text());
    // The server still answers.
    assert_eq!(s.get("/api/health").status, 200);
}

#[test]
fn a_foreign_host_header_is_refused() {
    let s = Server::start(&[]);
    for host in ["evil.example:80", "evil.example", "127.0.0.1:1", ""] {
        let r = s.request("GET", "/api/health", host, "", b"");
        assert_eq!(r.status, 403, "Host {host:?}");
        let r = s.request("POST", "/api/parse", host, "text/plain", b"x");
        assert_eq!(r.status, 403, "Host {host:?}");
    }
    for host in [
        format!("localhost:{}", s.port),
        format!("127.0.0.1:{}", s.port),
        format!("[::1]:{}", s.port),
    ] {
        let r = s.request("GET", "/", &host, "", b"");
        assert_eq!(r.status, 200, "Host {host}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
    }
}

#[test]
fn diff_gives_the_json_diff_and_the_html_report() {
    let s = Server::start(&[]);
    let old = seed();
    let new = String::from_utf8(old.clone())
        .unwrap()
        .replacen("850", "900", 1)
        .into_bytes();
    let r = s.post_form(
        "/api/diff",
        &[("old", "v1.txt", &old), ("new", "v2.txt", &new)],
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let text = r.text();
    let v = r.json();
    assert!(v.is_object());
    assert!(text.contains("900") && text.contains("850"), "{text}");
    // Same as the CLI.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v1.txt"), &old).unwrap();
    std::fs::write(dir.path().join("v2.txt"), &new).unwrap();
    let cli = Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(["diff", "v1.txt", "v2.txt", "--format", "json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&cli.stdout).unwrap(),
        v,
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );

    let r = s.post_form(
        "/api/diff?format=html",
        &[("old", "v1.txt", &old), ("new", "v2.txt", &new)],
    );
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.text().contains("900"));

    let r = s.post_form("/api/diff", &[("old", "v1.txt", &old)]);
    assert_eq!(r.status, 400);
    assert!(r.text().contains("`new`"));
    let r = s.post_form(
        "/api/diff",
        &[
            ("old", "broken.pdf", b"%PDF-1.4 junk"),
            ("new", "v2.txt", &new),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.text().starts_with("fengong: broken.pdf: "),
        "{}",
        r.text()
    );
}

#[test]
fn tasks_gives_one_units_ledger_through_the_aliases() {
    let s = Server::start(&[]);
    let notice = parse_json(&repo(SEED));
    let r = s.post_json(
        "/api/tasks",
        &json!({"notices": [notice], "unit": "注册处"}),
    );
    assert_eq!(r.status, 200, "{}", r.text());
    let l = r.json();
    assert_eq!(l["entries"].as_array().unwrap().len(), 7, "{l}");
    assert!(l["unit"].as_str().unwrap().contains("注册处"));
    let r = s.post_json(
        "/api/tasks",
        &json!({"notices": [notice], "unit": "不存在的处"}),
    );
    assert_eq!(r.status, 404);
    assert!(r.text().contains("no unit matches"));
    let r = s.request("POST", "/api/tasks", &s.host(), "application/json", b"{");
    assert_eq!(r.status, 400);
}

/// The seed with the first lead unit of item 2 renamed and a unit added.
fn edited_payload() -> Value {
    let original = parse_json(&repo(SEED));
    let mut edited = original.clone();
    let it = &mut edited["items"][1];
    it["lead_units"][0]["name"] = json!("省局信用处");
    it["lead_units"][0]["canonical"] = json!("");
    it["responsible_units"]
        .as_array_mut()
        .unwrap()
        .push(json!({"raw": "省局法规处", "name": "省局法规处", "canonical": ""}));
    let origin: Vec<Value> = edited["items"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let n = it["lead_units"].as_array().unwrap().len()
                + it["responsible_units"].as_array().unwrap().len();
            let mut units: Vec<Value> = (0..n).map(|k| json!(k)).collect();
            if i == 1 {
                *units.last_mut().unwrap() = Value::Null;
            }
            let t = it["targets"].as_array().unwrap().len();
            json!({"units": units, "targets": (0..t).collect::<Vec<_>>()})
        })
        .collect();
    json!({"original": [original], "edited": [edited], "origin": [origin]})
}

#[test]
fn export_marks_hand_edits_in_json_csv_and_the_workbook() {
    let s = Server::start(&[]);
    let payload = edited_payload();

    let r = s.post_json("/api/export?format=json", &payload);
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json();
    let w = v["items"][1]["warnings"].to_string();
    assert!(
        w.contains("edited-in-page") && w.contains("省局信用处"),
        "{w}"
    );
    assert!(
        v["items"][0]["warnings"]
            .to_string()
            .find("edited-in-page")
            .is_none()
    );

    let r = s.post_json("/api/export?format=csv", &payload);
    assert_eq!(r.status, 200);
    assert!(r.body.starts_with("\u{feff}".as_bytes()));
    assert!(r.text().contains("edited-in-page"));

    let r = s.post_json("/api/export?format=xlsx", &payload);
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.body.starts_with(b"PK"));
    assert!(
        r.header("content-disposition")
            .unwrap()
            .contains("fengong.xlsx")
    );
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("edited.xlsx");
    std::fs::write(&book, &r.body).unwrap();
    let back = parse_json(&book);
    let item = &back["items"][1];
    let w = item["warnings"].to_string();
    assert!(w.contains("edited-in-spreadsheet"), "{w}");
    assert!(w.contains("added-in-spreadsheet"), "{w}");
    assert!(item["lead_units"].to_string().contains("省局信用处"));

    let r = s.post_json("/api/export?format=pdf", &payload);
    assert_eq!(r.status, 400);
    let mut bad = payload.clone();
    bad["edited"] = json!([]);
    let r = s.post_json("/api/export?format=json", &bad);
    assert_eq!(r.status, 400);
}

#[test]
fn a_non_loopback_bind_prints_a_warning() {
    let out = Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "99999"])
        .output()
        .unwrap();
    // An impossible port is a usage error, before anything listens.
    assert_eq!(out.status.code(), Some(2));
    let mut child = Command::new(env!("CARGO_BIN_EXE_fengong"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        first.contains("warning") && first.contains("not loopback"),
        "{first}"
    );
}
