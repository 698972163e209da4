//! Fuzz the spreadsheet reader: the first byte picks XLSX, XLS or ODS, the
//! rest is the workbook; it gives text or an error, never a panic or an
//! allocation out of proportion.
#![no_main]

use libfuzzer_sys::fuzz_target;

use fengong::input::Format;

// The reader turns a panic inside its library (calamine, lopdf) into a
// damaged-file error on purpose; libfuzzer-sys's hook would abort on that
// caught panic, so the default hook is restored. A panic that escapes the
// reader still aborts (libfuzzer-sys catches it at the top).
fuzz_target!(init: {
    let _ = std::panic::take_hook();
}, |data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let format = [Format::Xlsx, Format::Xls, Format::Ods][pick as usize % 3];
    let _ = fengong::input::sheet::read(bytes, format);
});
