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

// The reader turns a panic inside its library (calamine, lopdf) into a
// damaged-file error on purpose; libfuzzer-sys's hook would abort on that
// caught panic, so the default hook is restored. A panic that escapes the
// reader still aborts (libfuzzer-sys catches it at the top).
fuzz_target!(init: {
    let _ = std::panic::take_hook();
}, |data: &[u8]| {
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
