//! # fengong (分工)
//!
//! Turns Chinese government task-division notices (分工方案) into structured
//! data. The pipeline, one module per stage:
//!
//! 1. [`input`] — bytes of TXT/DOCX/XLSX/ODS/XLS/HTML/PDF → text;
//! 2. [`repair`] — page-break joins, stray spaces, a width-folded view;
//! 3. [`segment`] — header (meta) and numbered items (GB/T 9704 levels);
//! 4. [`extract`] — unit clauses and numeric targets of each item;
//! 5. [`units`] — unit normalisation (shared prefixes, alias tables, kinds);
//! 6. [`output`] — JSON, CSV writers.
pub mod error;
pub mod input;
pub mod model;

pub use error::{Error, Result};
pub use model::{Item, Meta, Notice, Target, Unit};
