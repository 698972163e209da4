//! Plain-text decoding: BOM → UTF-16 by its byte pattern → valid UTF-8 →
//! chardetng guess (TLD hint `cn`) → encoding_rs. GB18030 is used for the
//! whole GBK family (it is a superset).
//!
//! Text that is mostly good is kept: a few stray control bytes (a NUL from a
//! bad copy) are dropped and undecodable sequences replaced, each with a
//! warning; only content that is mostly control bytes or undecodable is
//! refused as binary.

use encoding_rs::Encoding;

use crate::error::{Error, Result};

/// Decoded text, the name of its encoding, and what was repaired on the way.
#[derive(Debug, Clone, Default)]
pub struct DecodedText {
    /// The text, BOM removed, lines separated by `\n`.
    pub text: String,
    /// The encoding's name (`UTF-8`, `GB18030`, `UTF-16LE` …), with a note
    /// when a declared charset was overruled.
    pub encoding: String,
    /// Text lost or repaired while decoding (dropped control bytes,
    /// replacement characters, an overruled charset).
    pub warnings: Vec<String>,
}

/// Share of characters (1 in N) that may be stray control characters or
/// replacement characters before the content counts as binary.
const BINARY_ONE_IN: usize = 20;
/// Stray control characters are dropped (with a warning) when they are at
/// most 1 % of the text, or at most this many and 5 % of it.
const FEW_CONTROLS: usize = 8;

/// Decode text bytes, returning the text (BOM removed, `\r\n` → `\n`) and the
/// encoding's name; repairs are dropped (see [`decode`] for them).
pub fn decode_text(bytes: &[u8]) -> Result<(String, String)> {
    decode(bytes).map(|d| (d.text, d.encoding))
}

/// Decode text bytes, reporting repairs as warnings.
pub fn decode(bytes: &[u8]) -> Result<DecodedText> {
    let (text, encoding) = decode_raw(bytes)?;
    finish(text, encoding, Vec::new())
}

/// Check for binary content, drop stray control characters and count
/// replacement characters.
fn finish(text: String, encoding: String, mut warnings: Vec<String>) -> Result<DecodedText> {
    if !may_need_cleaning(&text) {
        return Ok(DecodedText {
            text: normalize_newlines(text),
            encoding,
            warnings,
        });
    }
    let text = clean_controls(text, &mut warnings)?;
    let bad = text.matches('\u{FFFD}').count();
    if bad > 0 {
        warnings.push(format!(
            "{bad} byte sequences did not decode as {encoding} and were replaced by U+FFFD"
        ));
    }
    Ok(DecodedText {
        text: normalize_newlines(text),
        encoding,
        warnings,
    })
}

fn decode_raw(bytes: &[u8]) -> Result<(String, String)> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (cow, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(Error::Decode(format!(
                "invalid {} after its byte-order mark",
                enc.name()
            )));
        }
        return Ok((cow.into_owned(), enc.name().to_string()));
    }
    // UTF-16 without a BOM: ASCII in it is valid UTF-8 (with NULs), so it is
    // tried first when NULs sit on one side of the byte pairs. (UTF-8 is
    // validated with SIMD: Chinese text is all multi-byte, where the
    // standard library's check costs about ten instructions a byte.)
    let utf8 = simdutf8::basic::from_utf8(bytes);
    if let Some(decoded) = sniff_utf16(bytes, utf8.is_ok()) {
        return Ok(decoded);
    }
    if let Ok(s) = utf8 {
        return Ok((s.to_string(), "UTF-8".to_string()));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    let enc = superset(guess);
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        // Mixed or damaged input: decode what we can, but do not accept mostly-garbage.
        let bad = cow.chars().filter(|c| *c == '\u{FFFD}').count();
        if bad * BINARY_ONE_IN > cow.chars().count().max(1) {
            return Err(Error::Decode(format!(
                "not valid UTF-8 and not valid {} either ({bad} undecodable sequences)",
                display_name(enc)
            )));
        }
    }
    Ok((cow.into_owned(), display_name(enc).to_string()))
}

/// GB18030 stands for the whole GBK family (it is a superset).
fn superset(enc: &'static Encoding) -> &'static Encoding {
    if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    }
}

fn display_name(enc: &'static Encoding) -> &'static str {
    if enc == encoding_rs::GB18030 {
        "GB18030"
    } else {
        enc.name()
    }
}

/// Whether `c` is a character a notice is made of (CJK, CJK punctuation and
/// full-width forms, printable ASCII and Latin-1, white space, common symbols).
fn plausible(c: char) -> bool {
    matches!(c,
        '\n' | '\r' | '\t' | ' '..='~' | '\u{a0}'..='\u{ff}'
        | '\u{2000}'..='\u{206f}' | '\u{2460}'..='\u{25ff}'
        | '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}' | '\u{ff00}'..='\u{ffef}')
}

/// UTF-16 without a byte-order mark, recognised by its byte pattern: the
/// bytes decode without error as UTF-16LE (or BE) into text that is almost
/// all CJK, ASCII and punctuation — which GBK or UTF-8 bytes read as UTF-16
/// never are (their pairs land all over the code space).
fn sniff_utf16(bytes: &[u8], valid_utf8: bool) -> Option<(String, String)> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    // Valid UTF-8 without NULs is UTF-8 (ASCII-only UTF-16 always has NULs).
    let has_nul = bytes.contains(&0);
    if !has_nul && valid_utf8 {
        return None;
    }
    for enc in [encoding_rs::UTF_16LE, encoding_rs::UTF_16BE] {
        let sample = &bytes[..bytes.len().min(1 << 17)];
        let (cow, had_errors) = enc.decode_without_bom_handling(sample);
        if had_errors && sample.len() == bytes.len() {
            continue;
        }
        let total = cow.chars().count().max(1);
        let good = cow.chars().filter(|c| plausible(*c)).count();
        if good * 100 >= total * 97 {
            let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
            if had_errors {
                continue;
            }
            return Some((cow.into_owned(), enc.name().to_string()));
        }
    }
    None
}

/// Whether byte `x` may start a stray control character: C0 but tab,
/// newlines and form feed; DEL; 0xC2, the lead byte of C1 controls (and of
/// Latin-1 letters). Written without branches, so that a pass over a chunk
/// of bytes compiles to vector compares.
#[inline]
fn may_start_control(x: u8) -> bool {
    (x < 0x20) & (x != b'\t') & (x != b'\n') & (x != b'\r') & (x != 0x0c)
        | (x == 0x7f)
        | (x == 0xc2)
}

/// Whether `text` may hold a stray control character or a replacement
/// character, before any per-character work: the bytes in chunks (no early
/// exit inside a chunk), then a substring search for U+FFFD.
fn may_need_cleaning(text: &str) -> bool {
    text.as_bytes().chunks(64).any(|chunk| {
        chunk
            .iter()
            .fold(false, |any, &x| any | may_start_control(x))
    }) || memchr::memmem::find(text.as_bytes(), "\u{FFFD}".as_bytes()).is_some()
}

/// Whether `c` is a control character that does not belong in a notice.
fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')
}

/// Drop a few stray control characters (with a warning); refuse content
/// where they, or replacement characters, are common: that is a binary file.
/// Only called on text that [`may_need_cleaning`].
fn clean_controls(text: String, warnings: &mut Vec<String>) -> Result<String> {
    let mut total = 0usize;
    let mut stray = 0usize;
    let mut replaced = 0usize;
    let mut first = None;
    for c in text.chars() {
        total += 1;
        if is_stray_control(c) {
            stray += 1;
            first.get_or_insert(c);
        } else if c == '\u{FFFD}' {
            replaced += 1;
        }
    }
    let total = total.max(1);
    // A few stray bytes in a long text are damage; in a short one, a sign of
    // a binary file.
    let tolerated = stray * 100 <= total || stray <= FEW_CONTROLS && stray * 20 <= total;
    if !tolerated || replaced * BINARY_ONE_IN > total {
        return Err(Error::Decode(format!(
            "the file looks binary, not text ({stray} control characters in {total})"
        )));
    }
    if stray == 0 {
        return Ok(text);
    }
    warnings.push(format!(
        "{stray} stray control characters (first U+{:04X}) were dropped",
        first.map_or(0, |c| c as u32)
    ));
    Ok(text.chars().filter(|c| !is_stray_control(*c)).collect())
}

/// Decode `bytes` with the encoding named by `label` (a `charset=` value from
/// an HTML page or an HTTP header). `None` when the label is unknown. The GBK
/// family is decoded as GB18030. A BOM, if present, wins over the label.
///
/// A wrong label is overruled: when the declared charset leaves replacement
/// characters and another candidate (UTF-8, GB18030, the sniffer's guess)
/// decodes the bytes cleanly, that one is used, the `encoding` says so
/// (`GB18030 (declared Big5)`) and a warning is added.
pub fn decode_with_label(bytes: &[u8], label: &str) -> Option<Result<DecodedText>> {
    let declared = Encoding::for_label(label.trim().as_bytes())?;
    if Encoding::for_bom(bytes).is_some() {
        return Some(decode(bytes));
    }
    // UTF-16 labels in a byte-oriented page are always wrong: the page parsed as ASCII.
    let enc = if declared == encoding_rs::UTF_16LE || declared == encoding_rs::UTF_16BE {
        encoding_rs::UTF_8
    } else {
        superset(declared)
    };
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if !had_errors {
        return Some(finish(
            cow.into_owned(),
            display_name(enc).to_string(),
            Vec::new(),
        ));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = superset(det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow));
    for candidate in [encoding_rs::UTF_8, encoding_rs::GB18030, guess] {
        if candidate == enc {
            continue;
        }
        let (clean, had_errors) = candidate.decode_without_bom_handling(bytes);
        if !had_errors {
            let name = format!(
                "{} (declared {})",
                display_name(candidate),
                display_name(declared)
            );
            let warning = format!(
                "the page declares charset {label} but does not decode as {}; read as {}",
                display_name(declared),
                display_name(candidate)
            );
            return Some(finish(clean.into_owned(), name, vec![warning]));
        }
    }
    let bad = cow.chars().filter(|c| *c == '\u{FFFD}').count();
    if bad * BINARY_ONE_IN > cow.chars().count().max(1) {
        return Some(Err(Error::Decode(format!(
            "the page says it is {} but {bad} sequences do not decode",
            display_name(enc)
        ))));
    }
    Some(finish(
        cow.into_owned(),
        display_name(enc).to_string(),
        Vec::new(),
    ))
}

fn normalize_newlines(text: String) -> String {
    // (A vectorised search: most texts have no `\r` to find.)
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn may_need_cleaning_flags_exactly_controls_latin1_leads_and_replacement() {
        for c in (0..=0x3000)
            .filter_map(char::from_u32)
            .chain(['\u{FFFD}', '，', '\u{FFFC}'])
        {
            // Long enough to span two chunks, with the character in the second.
            let text = format!("{}{c}字", "文".repeat(30));
            let expected =
                is_stray_control(c) || c == '\u{FFFD}' || ('\u{80}'..='\u{BF}').contains(&c);
            assert_eq!(may_need_cleaning(&text), expected, "{:?}", c);
        }
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode_text("\u{FEFF}一、总体要求".as_bytes()).unwrap();
        assert_eq!((t.as_str(), e.as_str()), ("一、总体要求", "UTF-8"));
        let (t, _) = decode_text("一、总体要求\r\n".as_bytes()).unwrap();
        assert_eq!(t, "一、总体要求\n");
    }

    #[test]
    fn gbk_is_detected_without_being_told() {
        let src = "湖北省市场监督管理局关于印发分工方案的通知（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）";
        let (bytes, _, _) = encoding_rs::GBK.encode(src);
        let (t, e) = decode_text(&bytes).unwrap();
        assert_eq!(t, src);
        assert_eq!(e, "GB18030");
    }

    #[test]
    fn utf16_without_bom_is_recognised() {
        let src = "一、总体要求\n1.全省市场主体数量达到850万户（牵头单位：省局注册处）\n";
        let le: Vec<u8> = src.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = src.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let d = decode(&le).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (src, "UTF-16LE"));
        let d = decode(&be).unwrap();
        assert_eq!((d.text.as_str(), d.encoding.as_str()), (src, "UTF-16BE"));
        // GBK bytes of the same text are not mistaken for UTF-16.
        let (gbk, _, _) = encoding_rs::GBK.encode(src);
        let mut gbk = gbk.into_owned();
        if gbk.len() % 2 == 1 {
            gbk.push(b'\n');
        }
        assert_eq!(decode(&gbk).unwrap().encoding, "GB18030");
    }

    #[test]
    fn stray_control_bytes_are_dropped_with_a_warning() {
        let d = decode(
            "一、总体\0要求\n1.任务\u{7}甲，推进市场主体登记便利化改革（牵头单位：省局注册处）\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(
            d.text,
            "一、总体要求\n1.任务甲，推进市场主体登记便利化改革（牵头单位：省局注册处）\n"
        );
        // In a short text, the same bytes mean binary.
        assert!(decode(&[0, 159, 146, 150, 0, 0, 1, 2]).is_err());
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(
            d.warnings[0].contains("2 stray control"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn wrong_declared_charset_is_overruled() {
        let src = include_str!("../../seeds/000_7c5878c3eb2a3600.txt");
        let src = &normalize_newlines(src.to_string());
        let (gbk, _, _) = encoding_rs::GBK.encode(src);
        assert!(encoding_rs::BIG5.decode_without_bom_handling(&gbk).1);
        let d = decode_with_label(&gbk, "big5").unwrap().unwrap();
        assert_eq!(&d.text, src);
        assert_eq!(d.encoding, "GB18030 (declared Big5)");
        assert!(
            d.warnings[0].contains("declares charset big5"),
            "{:?}",
            d.warnings
        );
        // A right label needs no note.
        let d = decode_with_label(&gbk, "gbk").unwrap().unwrap();
        assert_eq!((d.encoding.as_str(), d.warnings.len()), ("GB18030", 0));
    }

    #[test]
    fn remaining_replacement_characters_are_warned() {
        let mut bytes = encoding_rs::GBK
            .encode("一、总体要求，全省市场主体数量达到八百五十万户")
            .0
            .into_owned();
        bytes.extend_from_slice(&[0x81, 0x20]);
        bytes.extend_from_slice(&encoding_rs::GBK.encode("分工方案的通知").0);
        let d = decode(&bytes).unwrap();
        assert!(
            d.warnings.iter().any(|w| w.contains("U+FFFD")),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn binary_is_rejected() {
        let bytes: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 256) as u8).collect();
        assert!(decode_text(&bytes).is_err());
    }
}
