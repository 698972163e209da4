//! The library's error type. Every error names the stage that failed; the
//! CLI adds the file name.

use thiserror::Error;

/// Everything that can go wrong while reading and parsing a notice.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The bytes are not text in any encoding we can recognise.
    #[error("cannot decode text: {0}")]
    Decode(String),
    /// The input is empty (or only white space).
    #[error("the file is empty")]
    Empty,
    /// The format is recognised but not supported; the message says what to do.
    #[error("unsupported format: {0}")]
    Unsupported(String),
    /// A container (DOCX/XLSX/ODS zip, PDF) is damaged.
    #[error("damaged {format} file: {detail}")]
    Corrupt {
        /// `docx`, `xlsx`, `pdf` …
        format: &'static str,
        /// What is wrong.
        detail: String,
    },
    /// A configured limit was exceeded (size, items, nesting…).
    #[error("limit exceeded: {0}")]
    Limit(String),
    /// An alias table is malformed.
    #[error("alias table {path}: {detail}")]
    AliasTable {
        /// The table file.
        path: String,
        /// Row, column and problem.
        detail: String,
    },
    /// A JSON document could not be read back.
    #[error("invalid JSON: {0}")]
    Json(String),
}

/// Result with the library's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
/// The message a caught panic carried (`catch_unwind`'s payload), for the
/// "internal error" reports of the batch layer and the Python binding.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}
