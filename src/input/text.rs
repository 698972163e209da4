//! Plain-text decoding: BOM → valid UTF-8 → chardetng guess (TLD hint `cn`)
//! → encoding_rs. GB18030 is used for the whole GBK family (it is a superset).

use crate::error::{Error, Result};

/// Decode text bytes, returning the text (BOM removed, `\r\n` → `\n`) and the
/// encoding's name.
pub fn decode_text(bytes: &[u8]) -> Result<(String, String)> {
    let (text, name) = decode_raw(bytes)?;
    check_not_binary(&text)?;
    Ok((normalize_newlines(text), name))
}

fn decode_raw(bytes: &[u8]) -> Result<(String, String)> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (cow, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        if had_errors {
            return Err(Error::Decode(format!(
                "invalid {} after its byte-order mark",
                enc.name()
            )));
        }
        return Ok((cow.into_owned(), enc.name().to_string()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), "UTF-8".to_string()));
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let guess = det.guess(Some(b"cn"), chardetng::Utf8Detection::Allow);
    // The GBK family is decoded as GB18030 (a superset).
    let enc = if guess == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        guess
    };
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        // Mixed or damaged input: decode what we can, but do not accept mostly-garbage.
        let bad = cow.chars().filter(|c| *c == '\u{FFFD}').count();
        if bad * 20 > cow.chars().count().max(1) {
            return Err(Error::Decode(format!(
                "not valid UTF-8 and not valid {} either ({bad} undecodable sequences)",
                enc.name()
            )));
        }
    }
    let name = if enc == encoding_rs::GB18030 {
        "GB18030"
    } else {
        enc.name()
    };
    Ok((cow.into_owned(), name.to_string()))
}

/// Decode `bytes` with the encoding named by `label` (a `charset=` value from
/// an HTML page or an HTTP header). `None` when the label is unknown. The GBK
/// family is decoded as GB18030. A BOM, if present, wins over the label.
pub fn decode_with_label(bytes: &[u8], label: &str) -> Option<Result<(String, String)>> {
    let enc = encoding_rs::Encoding::for_label(label.trim().as_bytes())?;
    if let Some((bom_enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (cow, _) = bom_enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Some(Ok((
            normalize_newlines(cow.into_owned()),
            bom_enc.name().to_string(),
        )));
    }
    // UTF-16 labels in a byte-oriented page are always wrong: the page parsed as ASCII.
    let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        encoding_rs::UTF_8
    } else if enc == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        enc
    };
    let (cow, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let bad = cow.chars().filter(|c| *c == '\u{FFFD}').count();
        if bad * 20 > cow.chars().count().max(1) {
            return Some(Err(Error::Decode(format!(
                "the page says it is {} but {bad} sequences do not decode",
                enc.name()
            ))));
        }
    }
    let name = if enc == encoding_rs::GB18030 {
        "GB18030"
    } else {
        enc.name()
    };
    Some(Ok((normalize_newlines(cow.into_owned()), name.to_string())))
}

/// Reject binary content (NULs, many control characters).
fn check_not_binary(text: &str) -> Result<()> {
    let total = text.chars().take(65536).count().max(1);
    let control = text
        .chars()
        .take(65536)
        .filter(|c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}')) || *c == '\u{FFFD}'
        })
        .count();
    if text.contains('\0') || control * 20 > total {
        return Err(Error::Decode("the file looks binary, not text".into()));
    }
    Ok(())
}

fn normalize_newlines(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn binary_is_rejected() {
        let bytes: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 256) as u8).collect();
        assert!(decode_text(&bytes).is_err());
    }
}
