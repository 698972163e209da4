//! JSON output: the contract of `docs/rules.md`, pretty-printed; JSON Lines for batches.

use crate::model::Notice;

/// Pretty JSON of one notice, with a final newline.
pub fn to_json(n: &Notice) -> String {
    let mut s = serde_json::to_string_pretty(n).expect("the model always serializes");
    s.push('\n');
    s
}

/// One JSON line (no newline inside), with a final newline.
pub fn to_json_line(n: &Notice) -> String {
    let mut s = serde_json::to_string(n).expect("the model always serializes");
    s.push('\n');
    s
}
