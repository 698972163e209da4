//! Stage 1 — input decoding: bytes of any supported file → plain text.
//!
//! The format is sniffed from the bytes (magic numbers, zip entry names),
//! falling back on the file extension only to tell legacy OLE formats apart.
//! Every reader produces the notice as text lines in reading order, the way a
//! reader of the printed notice sees them (Word auto-numbering restored,
//! spreadsheet rows turned into numbered lines with a unit clause), so that the
//! later stages are the same for every format.

pub mod docx;
pub mod fengong_xlsx;
pub mod html;
mod ods;
pub mod pdf;
pub mod sheet;
pub mod text;
mod xls_extent;

use crate::error::{Error, Result};

/// Formats fengong recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (any encoding).
    Text,
    /// An HTML page.
    Html,
    /// Word 2007+ document.
    Docx,
    /// Excel 2007+ workbook.
    Xlsx,
    /// Excel 97-2003 workbook.
    Xls,
    /// OpenDocument spreadsheet.
    Ods,
    /// PDF with a text layer.
    Pdf,
    /// A JSON document written earlier by `fengong parse`.
    Json,
}

impl Format {
    /// Lower-case name used in output metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Pdf => "pdf",
            Format::Json => "json",
        }
    }
}

/// A decoded input: the notice as text, and where it came from.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// The text, lines separated by `\n`.
    pub text: String,
    /// Detected format.
    pub format: Format,
    /// Character encoding (for text-based formats) or the container's (`UTF-8` for XML).
    pub encoding: String,
    /// Text lost or repaired while reading (dropped control bytes, replacement
    /// characters, an overruled charset, cells beyond the sheet bounds).
    pub warnings: Vec<String>,
}

/// Extensions of files a batch run picks up from a folder.
pub const SUPPORTED_EXTENSIONS: &[&str] = &[
    "txt", "text", "htm", "html", "shtml", "xhtml", "docx", "xlsx", "xlsm", "xls", "ods", "pdf",
];

/// Extensions that are recognised but cannot be read, with what to do instead.
pub fn unsupported_advice(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "doc" => {
            "legacy Word .doc is not supported: convert it with `soffice --headless --convert-to docx FILE`"
        }
        "wps" => {
            "WPS .wps is not supported: save it as .docx in WPS, or convert with `soffice --headless --convert-to docx FILE`"
        }
        "et" => {
            "WPS .et is not supported: save it as .xlsx in WPS, or convert with `soffice --headless --convert-to xlsx FILE`"
        }
        "odt" => {
            "OpenDocument text is not supported: convert it with `soffice --headless --convert-to docx FILE`"
        }
        "rtf" => {
            "RTF is not supported: convert it with `soffice --headless --convert-to docx FILE`"
        }
        _ => return None,
    })
}

/// Sniff the format of `bytes`; `ext` (lower case, no dot) only breaks ties.
pub fn sniff(bytes: &[u8], ext: &str) -> Result<Format> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes, ext);
    }
    if bytes.starts_with(b"%PDF")
        || bytes.len() > 8
            && bytes[..1024.min(bytes.len())]
                .windows(5)
                .any(|w| w == b"%PDF-")
    {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext {
            "xls" | "xlt" => Ok(Format::Xls),
            "et" | "doc" | "wps" => Err(Error::Unsupported(
                unsupported_advice(ext).unwrap_or_default().to_string(),
            )),
            _ if ole_is_workbook(bytes) => Ok(Format::Xls),
            _ => Err(Error::Unsupported(
                unsupported_advice("doc").unwrap_or_default().to_string(),
            )),
        };
    }
    if let Some(advice) = unsupported_advice(ext) {
        // RTF and friends are text-like but not readable as notices.
        if ext == "rtf" || bytes.starts_with(b"{\\rtf") {
            return Err(Error::Unsupported(advice.to_string()));
        }
    }
    if ext == "json" || looks_like_fengong_json(bytes) {
        return Ok(Format::Json);
    }
    if matches!(ext, "htm" | "html" | "shtml" | "xhtml") || html::looks_like_html(bytes) {
        return Ok(Format::Html);
    }
    Ok(Format::Text)
}

fn ole_is_workbook(bytes: &[u8]) -> bool {
    // "Workbook" / "Book" stream names are stored in UTF-16LE in the directory.
    let needle: Vec<u8> = "Workbook"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn looks_like_fengong_json(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let trimmed = head
        .iter()
        .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    matches!(trimmed.map(|i| head[i]), Some(b'{'))
        && head
            .windows(7)
            .any(|w| w == b"\"items\"" || w == b"\"meta\":")
}

fn sniff_zip(bytes: &[u8], ext: &str) -> Result<Format> {
    let reader = std::io::Cursor::new(bytes);
    let archive = zip::ZipArchive::new(reader).map_err(|e| Error::Corrupt {
        format: match ext {
            "xlsx" | "xlsm" => "xlsx",
            "ods" => "ods",
            _ => "docx",
        },
        detail: format!("not a readable zip container ({e})"),
    })?;
    let names: Vec<String> = archive
        .file_names_raw()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    if names.iter().any(|n| n == "word/document.xml") {
        return Ok(Format::Docx);
    }
    if names
        .iter()
        .any(|n| n == "xl/workbook.xml" || n == "xl/workbook.bin")
    {
        return Ok(Format::Xlsx);
    }
    if names.iter().any(|n| n == "content.xml") {
        let mime = {
            let mut a = archive;
            let mut s = String::new();
            if let Ok(mut f) = a.by_name("mimetype") {
                use std::io::Read;
                let _ = f.by_ref().take(200).read_to_string(&mut s);
            }
            s
        };
        if mime.contains("spreadsheet") {
            return Ok(Format::Ods);
        }
        return Err(Error::Unsupported(
            unsupported_advice("odt").unwrap_or_default().to_string(),
        ));
    }
    Err(Error::Unsupported(format!(
        "a zip archive that is neither DOCX, XLSX nor ODS (extension .{ext})"
    )))
}

/// Decode `bytes` (the content of a file named with extension `ext`) to text.
pub fn decode(bytes: &[u8], ext: &str) -> Result<SourceText> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Error::Empty);
    }
    let format = sniff(bytes, ext)?;
    let utf8 = |text| (text, "UTF-8".to_string(), Vec::new());
    let (text, encoding, warnings) = match format {
        Format::Text | Format::Json => {
            let d = text::decode(bytes)?;
            (d.text, d.encoding, d.warnings)
        }
        Format::Html => {
            let d = html::read(bytes)?;
            (d.text, d.encoding, d.warnings)
        }
        Format::Docx => utf8(docx::read(bytes)?),
        Format::Xlsx | Format::Xls | Format::Ods => {
            let (text, warnings) = sheet::read(bytes, format)?;
            (text, "UTF-8".to_string(), warnings)
        }
        Format::Pdf => (pdf::read(bytes)?, "PDF".to_string(), Vec::new()),
    };
    if text.trim().is_empty() {
        return Err(match format {
            Format::Pdf => Error::Unsupported(
                "the PDF has no text layer (a scan?): run OCR first, e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`".into(),
            ),
            _ => Error::Empty,
        });
    }
    Ok(SourceText {
        text,
        format,
        encoding,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_magic_bytes_not_extension() {
        assert_eq!(sniff(b"%PDF-1.4 ...", "txt").unwrap(), Format::Pdf);
        assert_eq!(
            sniff("一、总体要求".as_bytes(), "pdf").unwrap(),
            Format::Text
        );
        assert_eq!(
            sniff(b"<!DOCTYPE html><html>", "txt").unwrap(),
            Format::Html
        );
    }

    #[test]
    fn legacy_word_is_a_clear_error() {
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.extend_from_slice(&[0u8; 512]);
        let err = sniff(&ole, "doc").unwrap_err().to_string();
        assert!(
            err.contains("soffice --headless --convert-to docx"),
            "{err}"
        );
    }

    #[test]
    fn truncated_zip_is_corrupt_not_a_panic() {
        let err = decode(b"PK\x03\x04\x14\x00\x00\x00garbage", "docx").unwrap_err();
        assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    }

    #[test]
    fn empty_file_is_an_error() {
        assert!(matches!(decode(b"  \n", "txt"), Err(Error::Empty)));
    }
}
