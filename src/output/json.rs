//! JSON output: the contract of `docs/rules.md`, pretty-printed; JSON Lines for batches.
//! Both are written by [`json_writer`], byte for byte as serde_json writes them.

use crate::model::Notice;
use crate::output::json_writer;
use serde::Serialize;

/// Pretty JSON of any output value (a notice, several, a diff, ledgers,
/// the unit report) as a document, with a final newline: what
/// `serde_json::to_string_pretty` writes, through [`json_writer`].
pub fn document<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = Vec::new();
    json_writer::to_writer_pretty(&mut out, value, 0).expect("every output value serializes");
    out.push(b'\n');
    String::from_utf8(out).expect("JSON written from strings is UTF-8")
}

/// Pretty JSON of one notice, with a final newline ([`document`]).
pub fn to_json(n: &Notice) -> String {
    document(n)
}

/// About the size of a notice's JSON: its items' text and the structure
/// around it, so the output grows once instead of doubling from empty.
fn size_hint(n: &Notice) -> usize {
    3 * n.items.iter().map(|i| i.text.len()).sum::<usize>() + 4096
}

/// A notice as an element of a pretty JSON array, appended to `out`: its
/// lines indented by two spaces, no final newline (what
/// `serde_json::to_string_pretty` of the array writes for it).
pub fn write_json_element(n: &Notice, out: &mut Vec<u8>) {
    // Indentation makes pretty JSON larger.
    out.reserve(size_hint(n) + 4096);
    out.extend_from_slice(b"  ");
    json_writer::to_writer_pretty(out, n, 1).expect("the model always serializes");
}

/// One JSON line (no newline inside), with a final newline: what
/// `serde_json::to_string` writes, through [`json_writer`].
pub fn to_json_line(n: &Notice) -> String {
    let mut out = Vec::new();
    write_json_line(n, &mut out);
    String::from_utf8(out).expect("JSON written from strings is UTF-8")
}

/// [`to_json_line`] written onto the end of `out`, which is grown once to
/// about the line's size first ([`size_hint`]).
pub fn write_json_line(n: &Notice, out: &mut Vec<u8>) {
    out.reserve(size_hint(n));
    json_writer::to_writer(out, n).expect("the model always serializes");
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_line_is_the_line() {
        let n = crate::parse_text(
            "一、总体要求\n1.推进工作（牵头单位：省局）。\n",
            &Default::default(),
        );
        let mut out = b"before\n".to_vec();
        write_json_line(&n, &mut out);
        assert_eq!(out, format!("before\n{}", to_json_line(&n)).into_bytes());
        let line = format!("{}\n", serde_json::to_string(&n).unwrap());
        assert_eq!(to_json_line(&n), line);
        let pretty = format!("{}\n", serde_json::to_string_pretty(&n).unwrap());
        assert_eq!(to_json(&n), pretty);
    }
}
