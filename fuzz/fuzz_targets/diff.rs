//! Fuzz `diff`: the input is split at its first NUL into an old and a new
//! notice text; both are parsed and compared, and the reports render
//! without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static OPTS: LazyLock<fengong::Options> = LazyLock::new(fengong::Options::default);

fuzz_target!(|data: &[u8]| {
    let cut = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let old = String::from_utf8_lossy(&data[..cut]);
    let new = String::from_utf8_lossy(data.get(cut + 1..).unwrap_or_default());
    let a = fengong::parse_text(&old, &OPTS);
    let b = fengong::parse_text(&new, &OPTS);
    let d = fengong::diff::diff(&a, &b);
    let _ = fengong::diff::report::to_text(&d, false);
    let s = fengong::diff::report::to_json(&d);
    serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
});
