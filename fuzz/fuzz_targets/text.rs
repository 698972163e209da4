//! Fuzz the plain-text reader and the text pipeline: any bytes decode to
//! text or give an error (never a panic); decoded text parses to a notice
//! that serializes to valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static OPTS: LazyLock<fengong::Options> = LazyLock::new(fengong::Options::default);

fuzz_target!(|data: &[u8]| {
    if let Ok(d) = fengong::input::text::decode(data) {
        assert!(!d.text.contains('\0'), "a NUL survived decoding");
        let n = fengong::parse_text(&d.text, &OPTS);
        let s = fengong::output::json::to_json(&n);
        serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
    }
});
