//! Character scans shared by the stages after repair: most of a notice is
//! Han characters, and scanners that only look at punctuation step over
//! them by their first byte instead of decoding each one.

/// Whether `c` is one of the characters [`punctuation_indices`] yields:
/// ASCII, U+2000–U+3FFF (general punctuation, CJK symbols and punctuation:
/// `“”`, `《》`, `〔〕`, `【】`, `。` …) or U+F000–U+FFFF (full-width forms:
/// `（）`, `，`, `；` …).
pub fn is_punctuation(c: char) -> bool {
    let u = c as u32;
    u < 0x80 || (0x2000..0x4000).contains(&u) || (0xF000..0x1_0000).contains(&u)
}

/// The characters of `text` for which [`is_punctuation`] holds, with their
/// byte offsets, in order: every bracket, quotation mark, separator and
/// sentence end (of either width), and every line break.
pub fn punctuation_indices(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            // Runs of CJK ideographs (U+4000–U+9FFF: lead bytes E4–E9).
            while let Some(&b) = bytes.get(i)
                && (0xE4..=0xE9).contains(&b)
            {
                i += 3;
            }
            let at = i;
            let Some(&b) = bytes.get(i) else {
                break;
            };
            match b {
                0x00..0x80 => {
                    i += 1;
                    return Some((at, char::from(b)));
                }
                // Lead bytes of U+2000–U+3FFF and U+F000–U+FFFF: decoded.
                0xE2 | 0xE3 | 0xEF => {
                    i += 3;
                    let c = text[at..].chars().next()?;
                    return Some((at, c));
                }
                0xC0..0xE0 => i += 2,
                0xE0..0xF0 => i += 3,
                _ => i += 4,
            }
        }
        None
    })
}

/// The lines of `text`, exactly as [`str::lines`] gives them (a `\r`
/// before a `\n` is dropped; no empty line after a final `\n`), found with
/// a vectorised search for the line breaks.
pub fn lines(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let t = rest?;
        match memchr::memchr(b'\n', t.as_bytes()) {
            Some(i) => {
                rest = Some(&t[i + 1..]).filter(|r| !r.is_empty());
                let line = &t[..i];
                Some(line.strip_suffix('\r').unwrap_or(line))
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// `s.trim()`, without decoding either end when it cannot be whitespace
/// (an ASCII character other than a space or a control, or a character of
/// U+4000 and above: every Unicode blank lies below U+3001).
#[inline]
pub fn trim(s: &str) -> &str {
    if starts_solid(s.as_bytes()) && ends_solid(s.as_bytes()) {
        s
    } else {
        s.trim()
    }
}

/// `s.trim_end()`, with the shortcut of [`trim`].
#[inline]
pub fn trim_end(s: &str) -> &str {
    if ends_solid(s.as_bytes()) {
        s
    } else {
        s.trim_end()
    }
}

/// `s.ends_with(word)`, the word's last byte compared first: when a list of
/// words is tried against the end of a text, most are ruled out without a
/// call to compare strings (the last byte of a Han character takes one of
/// 64 values).
#[inline]
pub fn ends_with_word(s: &str, word: &str) -> bool {
    match word.as_bytes().last() {
        Some(b) => s.as_bytes().last() == Some(b) && s.ends_with(word),
        None => true,
    }
}

/// `s.starts_with(word)`, the byte where the word would end compared first
/// (see [`ends_with_word`]).
#[inline]
pub fn starts_with_word(s: &str, word: &str) -> bool {
    match word.len().checked_sub(1) {
        Some(last) => s.as_bytes().get(last) == Some(&word.as_bytes()[last]) && s.starts_with(word),
        None => true,
    }
}

/// `s.contains(word)` for the short words and texts of unit lists and
/// clauses: in a text of up to 64 bytes each position is tested on the
/// word's first and last bytes before the whole word is compared (the
/// standard search builds a searcher first, which costs more than such a
/// text takes to scan). A match starts on a character boundary: the word
/// starts with a lead byte.
#[inline]
pub fn contains_word(s: &str, word: &str) -> bool {
    let (h, n) = (s.as_bytes(), word.as_bytes());
    let (Some(&first), Some(&last)) = (n.first(), n.last()) else {
        return true;
    };
    // A long text is searched with vector instructions.
    if h.len() >= 64 {
        return memchr::memmem::find(h, n).is_some();
    }
    h.len() >= n.len()
        && (0..=h.len() - n.len())
            .any(|i| h[i] == first && h[i + n.len() - 1] == last && &h[i..i + n.len()] == n)
}

/// `s.trim_start_matches(word)` (every leading copy of the word removed), by
/// [`starts_with_word`] instead of a searcher.
#[inline]
pub fn trim_start_word<'a>(mut s: &'a str, word: &str) -> &'a str {
    while !word.is_empty() && starts_with_word(s, word) {
        s = &s[word.len()..];
    }
    s
}

/// Whether UTF-8 `b` starts with a character that is surely not whitespace.
#[inline]
fn starts_solid(b: &[u8]) -> bool {
    match b.first() {
        Some(&x) if x < 0x80 => !matches!(x, 0x09..=0x0D | b' '),
        // Lead bytes of U+4000 and above.
        Some(&x) => x >= 0xE4,
        None => false,
    }
}

/// Whether UTF-8 `b` ends with a character that is surely not whitespace.
#[inline]
fn ends_solid(b: &[u8]) -> bool {
    match b.last() {
        Some(&x) if x < 0x80 => !matches!(x, 0x09..=0x0D | b' '),
        // A continuation byte: the character is three bytes long with a lead
        // of U+4000 and above when the byte two back is such a lead (a lead
        // byte there cannot belong to a shorter or longer last character).
        Some(_) => b.len() >= 3 && (0xE4..=0xEF).contains(&b[b.len() - 3]),
        None => false,
    }
}

/// Every string of up to `max_pieces` pieces of `alphabet` (the empty
/// string first, then by length): the inputs of the exhaustive tests that
/// compare a fast scan with its plain definition.
#[cfg(test)]
pub(crate) fn every_string(alphabet: &[&str], max_pieces: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = all.clone();
    for _ in 0..max_pieces {
        last = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |p| format!("{s}{p}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_is_the_standard_trim() {
        // Every string of up to three characters over blanks, their UTF-8
        // neighbours and text, alone and around other text.
        let alphabet = [
            " ", "\t", "\u{b}", "\u{1c}", "\u{85}", "\u{a0}", "\u{2003}", "\u{3000}", "、",
            "\u{4000}", "局", "a", "\u{feff}", "😀",
        ];
        let strings = every_string(&alphabet, 3);
        for s in &strings {
            for t in [
                s.clone(),
                format!("{s}局{s}"),
                format!("a{s}"),
                format!("{s}a"),
            ] {
                assert_eq!(trim(&t), t.trim(), "{t:?}");
                assert_eq!(trim_end(&t), t.trim_end(), "{t:?}");
            }
        }
    }

    #[test]
    fn word_tests_are_the_standard_ones() {
        // Every pair of strings of up to three characters over Han
        // characters sharing their last byte (部, 门) or their lead, ASCII and a
        // four-byte character.
        let strings = every_string(&["部", "门", "局", "a", "😀"], 3);
        for s in &strings {
            for w in &strings {
                assert_eq!(ends_with_word(s, w), s.ends_with(w.as_str()), "{s:?} {w:?}");
                assert_eq!(
                    starts_with_word(s, w),
                    s.starts_with(w.as_str()),
                    "{s:?} {w:?}"
                );
                assert_eq!(contains_word(s, w), s.contains(w.as_str()), "{s:?} {w:?}");
                // Past 64 bytes, with the word at either end or nowhere.
                let long = format!("{s}{}{s}", "门".repeat(22));
                assert_eq!(
                    contains_word(&long, w),
                    long.contains(w.as_str()),
                    "{long:?} {w:?}"
                );
                assert_eq!(
                    trim_start_word(s, w),
                    s.trim_start_matches(w.as_str()),
                    "{s:?} {w:?}"
                );
            }
        }
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        // Every string of up to six characters over a small alphabet.
        let mut texts = every_string(&["a", "\r", "\n", "中"], 6);
        texts.push(include_str!("../../seeds/000_7c5878c3eb2a3600.txt").into());
        for t in &texts {
            assert_eq!(
                lines(t).collect::<Vec<_>>(),
                t.lines().collect::<Vec<_>>(),
                "{t:?}"
            );
        }
    }

    #[test]
    fn punctuation_indices_are_the_characters_is_punctuation_holds_for() {
        let seed = include_str!("../../seeds/000_7c5878c3eb2a3600.txt");
        for t in [
            seed,
            "é“甲”𠀀《乙》\n〔2022〕ü。!?（丙）【丁】，；\u{F900}",
            "",
        ] {
            let expected: Vec<(usize, char)> = t
                .char_indices()
                .filter(|&(_, c)| is_punctuation(c))
                .collect();
            assert_eq!(punctuation_indices(t).collect::<Vec<_>>(), expected);
        }
    }
}
