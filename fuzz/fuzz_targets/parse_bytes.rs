//! Fuzz `fengong::parse_bytes`: any bytes, under any supported file name,
//! must give a notice or an error — never a panic or a hang — and a notice
//! must serialize to JSON. See benches/README.md for how to run it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static OPTS: LazyLock<fengong::Options> = LazyLock::new(fengong::Options::default);

const NAMES: &[&str] = &[
    "n.txt", "n.docx", "n.xlsx", "n.pdf", "n.html", "n.json", "n.xls", "n.ods",
];

fuzz_target!(|data: &[u8]| {
    // The first byte picks the file name (the extension only breaks ties in
    // format sniffing), the rest is the file.
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    if let Ok(n) = fengong::parse_bytes(bytes, name, &OPTS) {
        let s = fengong::output::json::to_json(&n);
        serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
    }
});
