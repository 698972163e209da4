//! Peak memory of the readers alone (no parsing): decodes each file given on
//! the command line with `fengong::input::decode` and prints its size, the
//! text's size and the warnings. Run it under `/usr/bin/time -v` to read the
//! peak resident set size (see benches/README.md, "Reader memory"):
//!
//! ```sh
//! cargo bench --bench read_memory --no-run      # or: cargo test --bench read_memory --no-run
//! /usr/bin/time -v target/release/deps/read_memory-* FILE...
//! ```

fn main() {
    for path in std::env::args().skip(1) {
        // `cargo bench` passes `--bench`; only files are read.
        if path.starts_with("--") {
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let ext = std::path::Path::new(&path)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match fengong::input::decode(&bytes, &ext) {
            Ok(src) => println!(
                "{path}: {} bytes in, {} bytes of text ({}), {} warnings",
                bytes.len(),
                src.text.len(),
                src.encoding,
                src.warnings.len()
            ),
            Err(e) => println!("{path}: {} bytes in, error: {e}", bytes.len()),
        }
    }
}
