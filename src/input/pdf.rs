//! PDF reader (lopdf). Placeholder until the reader lands.
use crate::error::{Error, Result};

/// Extract the text layer of a PDF, in reading order.
pub fn read(_bytes: &[u8]) -> Result<String> {
    Err(Error::Unsupported(
        "PDF reading is not available yet".into(),
    ))
}
