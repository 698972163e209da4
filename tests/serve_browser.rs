//! The review page in a real browser: headless Chromium driven by
//! chromedriver (WebDriver, through fantoccini). Opens the page, uploads
//! the seed, sees its 41 items, filters to 注册处 (7 tasks), opens the item
//! with 850 and sees it highlighted, renames a unit, downloads the workbook
//! and reads it back with the edit flagged.
//!
//! Skipped, with a visible note, when `chromium` or `chromedriver` is not
//! installed (`.ci/run` installs both).
#![cfg(feature = "serve")]

mod common;
use common::*;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SEED: &str = "seeds/000_7c5878c3eb2a3600.txt";

/// A child process killed on drop.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).chain([PathBuf::from("/usr/bin")]) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_chromedriver(driver: &Path) -> (Killed, u16) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let until = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < until, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    (Killed(child), port)
}

/// Evaluate `script` until it returns `want` (or fail after a minute).
async fn wait_for(c: &Client, script: &str, want: &Value) -> Value {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        let got = c.execute(script, vec![]).await.unwrap();
        if got == *want {
            return got;
        }
        assert!(
            Instant::now() < until,
            "`{script}` is {got}, waited for {want}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const ROWS: &str = "return document.querySelectorAll('#tables tbody tr').length;";

async fn review(c: &Client, url: &str, downloads: &Path) -> PathBuf {
    c.goto(url).await.unwrap();
    // The file input sits inside the drop zone, hidden; WebDriver types
    // the path into it once it is displayed.
    c.execute(
        "document.getElementById('files').style.display = 'block';",
        vec![],
    )
    .await
    .unwrap();
    let input = c.find(Locator::Id("files")).await.unwrap();
    input.send_keys(repo(SEED).to_str().unwrap()).await.unwrap();
    wait_for(c, ROWS, &json!(41)).await;

    // The ledger of 注册处.
    let unit = c.find(Locator::Id("unit")).await.unwrap();
    unit.send_keys("注册处").await.unwrap();
    c.find(Locator::Id("unit-go"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, ROWS, &json!(7)).await;
    let status = c.find(Locator::Id("unit-status")).await.unwrap();
    assert!(status.text().await.unwrap().contains("7"));
    c.find(Locator::Id("unit-clear"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(c, ROWS, &json!(41)).await;

    // The evidence of the item with 850.
    let row = c
        .find(Locator::XPath(
            "//tbody/tr[td[@data-col='targets'][contains(., '850')]]",
        ))
        .await
        .unwrap();
    row.click().await.unwrap();
    let marked = wait_for(
        c,
        "return [...document.querySelectorAll('#ev-text mark.target')].some(m => m.textContent.includes('850'));",
        &json!(true),
    )
    .await;
    assert_eq!(marked, json!(true));
    let units_marked = c
        .execute(
            "return document.querySelectorAll('#ev-text mark.lead, #ev-text mark.responsible').length;",
            vec![],
        )
        .await
        .unwrap();
    assert!(units_marked.as_u64().unwrap() > 0);

    // `FENGONG_SCREENSHOT=docs/serve.png` saves the page as it is now (the
    // picture in the README).
    if let Some(path) = std::env::var_os("FENGONG_SCREENSHOT") {
        std::fs::write(path, c.screenshot().await.unwrap()).unwrap();
    }

    // Rename its first unit.
    let name = c.find(Locator::Css("#ev-edit .unit-name")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("省局信用处\u{E004}").await.unwrap();
    wait_for(
        c,
        "return document.querySelectorAll('#tables tbody tr.edited').length;",
        &json!(1),
    )
    .await;

    // Download the workbook.
    c.find(Locator::Css("button.download[data-format='xlsx']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let book = downloads.join("fengong.xlsx");
    let until = Instant::now() + Duration::from_secs(60);
    while !book.is_file() {
        assert!(Instant::now() < until, "no download in {downloads:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Wait until Chromium has finished writing it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    book
}

#[test]
fn the_page_converts_filters_highlights_edits_and_downloads() {
    let (Some(chromium), Some(driver)) = (
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
        find_program(&["chromedriver"]),
    ) else {
        eprintln!(
            "SKIPPED serve_browser: chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    };
    let server = Serve::start(&[]);
    let port = server.port;
    let (_driver, driver_port) = start_chromedriver(&driver);
    let profile = tempfile::tempdir().unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--window-size=1400,1000",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
            },
        }
    });
    let caps = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}/");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let book = rt.block_on(async {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let c = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{driver_port}"))
            .await
            .expect("a chromedriver session");
        let r = review(&c, &url, downloads.path()).await;
        let _ = c.close().await;
        r
    });
    let back = parse_json(&book);
    let flagged: Vec<&Value> = back["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["warnings"].to_string().contains("edited-in-spreadsheet"))
        .collect();
    assert_eq!(flagged.len(), 1, "{back}");
    assert!(flagged[0]["targets"].to_string().contains("850"));
    assert!(
        flagged[0]["lead_units"].to_string().contains("省局信用处")
            || flagged[0]["responsible_units"]
                .to_string()
                .contains("省局信用处")
    );
}
