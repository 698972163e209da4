//! Build script: the index of the segmenter's dictionaries (`src/lexicon.rs`),
//! computed at compile time so that a process starts without reading the
//! 57,000 lines of the dictionary. For each first character of a word: the
//! byte range of its lines in `core_dict.txt` (the file must be sorted, so
//! that they are together and a binary search finds the words of any
//! prefix), the byte ranges of its lines in `user_dict.txt`; and the
//! dictionary's total frequency. Lines
//! are read as `Jieba::load_dict` reads them (`split_whitespace`; a missing
//! frequency is 0; a later entry of a word replaces its frequency).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

const CORE: &str = "src/data/jieba/core_dict.txt";
const USER: &str = "src/data/user_dict.txt";

#[derive(Default)]
struct Group {
    core: Option<(usize, usize)>,
    user: Vec<(usize, usize)>,
    freq: u64,
}

/// The lines of `text` with their byte ranges (line end included).
fn lines(text: &str) -> impl Iterator<Item = ((usize, usize), &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let range = (start, start + line.len());
        start = range.1;
        (range, line)
    })
}

/// Word and frequency of a line, as jieba reads them.
fn word_and_freq(path: &str, line: &str) -> Option<(String, u64)> {
    let mut fields = line.split_whitespace();
    let word = fields.next()?;
    let freq = fields.next().map_or(0, |f| {
        f.parse()
            .unwrap_or_else(|_| panic!("{path}: the frequency of {line:?} is not an integer"))
    });
    Some((word.to_string(), freq))
}

fn main() {
    println!("cargo:rerun-if-changed={CORE}");
    println!("cargo:rerun-if-changed={USER}");
    println!("cargo:rerun-if-changed=build.rs");
    let core = std::fs::read_to_string(CORE).expect("the core dictionary is readable");
    let user = std::fs::read_to_string(USER).expect("the user dictionary is readable");
    let mut groups: BTreeMap<char, Group> = BTreeMap::new();
    let mut freq_of: HashMap<String, u64> = HashMap::new();
    for (path, text, is_core) in [(CORE, &core, true), (USER, &user, false)] {
        let mut previous = "";
        for (range, line) in lines(text) {
            // `lexicon` finds the words of a prefix by a binary search over
            // the lines.
            if is_core && line.as_bytes() <= previous.as_bytes() {
                panic!("{path}: {line:?} comes after {previous:?}; sort the file");
            }
            previous = line;
            let Some((word, freq)) = word_and_freq(path, line) else {
                continue;
            };
            let first = word.chars().next().expect("a word has a character");
            let g = groups.entry(first).or_default();
            if is_core {
                g.core = Some(match g.core {
                    None => range,
                    Some((start, end)) if end == range.0 => (start, range.1),
                    Some(_) => panic!(
                        "{path}: the words starting with {first} are not together; sort the file"
                    ),
                });
            } else {
                g.user.push(range);
            }
            let before = freq_of.insert(word, freq).unwrap_or(0);
            g.freq = g.freq + freq - before;
        }
    }
    let total: u64 = groups.values().map(|g| g.freq).sum();
    let mut user_lines = String::new();
    let mut user_count = 0;
    let mut rows = String::new();
    for (c, g) in &groups {
        let (start, end) = g.core.unwrap_or((0, 0));
        let u0 = user_count;
        for (s, e) in &g.user {
            writeln!(user_lines, "    {s}..{e},").unwrap();
        }
        user_count += g.user.len();
        writeln!(
            rows,
            "    Group {{ first: {c:?}, core: {start}..{end}, user: {u0}..{user_count} }},"
        )
        .unwrap();
    }
    let out = format!(
        "/// Total frequency of the whole dictionary.
const TOTAL: usize = {total};
/// Lines of the user dictionary: byte ranges, grouped by first character.
static USER_LINES: [std::ops::Range<usize>; {user_count}] = [
{user_lines}];
/// The groups, by first character (sorted, for a binary search).
static GROUPS: [Group; {}] = [
{rows}];
",
        groups.len()
    );
    let dest = std::path::Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("lexicon_index.rs");
    std::fs::write(dest, out).expect("the index can be written");
}
