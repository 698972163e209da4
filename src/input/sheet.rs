//! Spreadsheet reader (calamine). Placeholder until the reader lands.
use super::Format;
use crate::error::{Error, Result};

/// Read a task table from a workbook and render it as notice text.
pub fn read(_bytes: &[u8], _format: Format) -> Result<String> {
    Err(Error::Unsupported(
        "spreadsheet reading is not available yet".into(),
    ))
}
