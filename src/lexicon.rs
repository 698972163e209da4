//! The shared jieba segmenter, with the domain user dictionary
//! (`data/user_dict.txt`). It is built once per process on first use and
//! shared across threads.

use jieba_rs::Jieba;
use std::sync::LazyLock;

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut j = Jieba::new();
    let mut dict = std::io::Cursor::new(include_str!("data/user_dict.txt"));
    j.load_dict(&mut dict)
        .expect("embedded user dictionary is valid");
    j
});

/// The process-wide segmenter.
pub fn jieba() -> &'static Jieba {
    &JIEBA
}

/// Whether `s` starts with a place name (jieba POS `ns`), e.g. `湖北特检院`, `咸宁高新区`.
pub fn starts_with_place(s: &str) -> bool {
    let head: String = s.chars().take(8).collect();
    jieba()
        .tag(&head, false)
        .first()
        .is_some_and(|t| t.tag == "ns" && t.word.chars().count() >= 2)
}

/// Words of `s` with their POS tags.
pub fn tag(s: &str) -> Vec<(String, String)> {
    jieba()
        .tag(s, true)
        .into_iter()
        .map(|t| (t.word.to_string(), t.tag.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_recognised() {
        assert!(starts_with_place("湖北特检院"));
        assert!(!starts_with_place("食品协调处"));
        assert!(!starts_with_place("信息中心"));
    }
}
