//! HTML reader (scraper). Placeholder until the reader lands.
use crate::error::Result;

/// Whether the bytes look like an HTML page.
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype html") || head.contains("<body")
}

/// Read the article body of an HTML page as text lines, and the page's encoding.
pub fn read(bytes: &[u8]) -> Result<(String, String)> {
    super::text::decode_text(bytes)
}
