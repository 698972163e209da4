//! Fuzz the HTML reader: any bytes give text or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = fengong::input::html::read(data);
});
