//! PDF reader (lopdf): the text layer, page by page, with running headers,
//! footers and page numbers removed.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Error, Result};

/// Largest decompressed content stream per page.
const MAX_PAGE_CONTENT: usize = 64 << 20;
/// Most pages read.
const MAX_PAGES: usize = 5_000;

/// Extract the text layer of a PDF, in reading order.
pub fn read(bytes: &[u8]) -> Result<String> {
    let pages = match catch_unwind(AssertUnwindSafe(|| extract_pages(bytes))) {
        Ok(r) => r?,
        Err(_) => {
            return Err(Error::Corrupt {
                format: "pdf",
                detail: "the PDF reader failed on this file (malformed structure)".into(),
            });
        }
    };
    Ok(assemble(pages))
}

fn extract_pages(bytes: &[u8]) -> Result<Vec<Vec<String>>> {
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| Error::Corrupt {
        format: "pdf",
        detail: match e {
            lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
                "the PDF is encrypted with a password: remove the protection first (e.g. `qpdf --decrypt --password=PW in.pdf out.pdf`)".to_string()
            }
            other => format!("cannot parse the PDF ({other})"),
        },
    })?;
    if doc.is_encrypted() {
        return Err(Error::Corrupt {
            format: "pdf",
            detail: "the PDF is encrypted and could not be decrypted: remove the protection first (e.g. `qpdf --decrypt in.pdf out.pdf`)".into(),
        });
    }
    let page_numbers: Vec<u32> = doc.get_pages().keys().copied().collect();
    if page_numbers.len() > MAX_PAGES {
        return Err(Error::Limit(format!(
            "the PDF has {} pages (at most {MAX_PAGES} are read)",
            page_numbers.len()
        )));
    }
    let mut pages = Vec::with_capacity(page_numbers.len());
    for n in page_numbers {
        let mut text = String::new();
        let mut limit_hit = false;
        for chunk in doc.extract_text_chunks_with_limit(&[n], MAX_PAGE_CONTENT) {
            match chunk {
                Ok(t) => text.push_str(&t),
                Err(lopdf::Error::Decompress(_)) => limit_hit = true,
                Err(_) => {}
            }
        }
        if limit_hit && text.is_empty() {
            return Err(Error::Limit(format!(
                "page {n} of the PDF decompresses to more than {} MiB",
                MAX_PAGE_CONTENT >> 20
            )));
        }
        pages.push(text.lines().map(str::to_string).collect());
    }
    Ok(pages)
}

fn assemble(pages: Vec<Vec<String>>) -> String {
    let mut out: Vec<String> = Vec::new();
    for page in pages {
        let lines: Vec<String> = page.into_iter().map(|l| l.trim_end().to_string()).collect();
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(lines);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore]
    fn dump() {
        let p = std::env::var("PDF").unwrap();
        let b = std::fs::read(p).unwrap();
        println!("{}", read(&b).unwrap());
    }
}
