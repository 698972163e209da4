//! DOCX reader (zip + quick-xml). Placeholder until the reader lands.
use crate::error::{Error, Result};

/// Read a DOCX file's paragraphs and tables, in document order, as text lines.
pub fn read(_bytes: &[u8]) -> Result<String> {
    Err(Error::Unsupported(
        "DOCX reading is not available yet".into(),
    ))
}
