//! Fuzz the read-back of workbooks written by `fengong parse --format xlsx`:
//! any bytes give notices, `None` (not ours) or an error, never a panic; the
//! notices serialize to valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The reader turns a panic inside its library (calamine, lopdf) into a
// damaged-file error on purpose; libfuzzer-sys's hook would abort on that
// caught panic, so the default hook is restored. A panic that escapes the
// reader still aborts (libfuzzer-sys catches it at the top).
fuzz_target!(init: {
    let _ = std::panic::take_hook();
}, |data: &[u8]| {
    if let Some(Ok(notices)) = fengong::input::fengong_xlsx::read_workbook(data) {
        for n in &notices {
            let s = fengong::output::json::to_json(n);
            serde_json::from_str::<serde_json::Value>(&s).expect("valid JSON");
        }
    }
});
