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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_those_of_str_lines() {
        // Every string of up to six characters over a small alphabet.
        let alphabet = ['a', '\r', '\n', '中'];
        let mut texts = vec![String::new()];
        for len in 1..=6u32 {
            for mut k in 0..alphabet.len().pow(len) {
                let mut t = String::new();
                for _ in 0..len {
                    t.push(alphabet[k % alphabet.len()]);
                    k /= alphabet.len();
                }
                texts.push(t);
            }
        }
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
