//! Fuzz the PDF reader: any bytes give text or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

// The reader turns a panic inside its library (calamine, lopdf) into a
// damaged-file error on purpose; libfuzzer-sys's hook would abort on that
// caught panic, so the default hook is restored. A panic that escapes the
// reader still aborts (libfuzzer-sys catches it at the top).
fuzz_target!(init: {
    let _ = std::panic::take_hook();
}, |data: &[u8]| {
    let _ = fengong::input::pdf::read(data);
});
