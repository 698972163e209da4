//! `fengong._fengong`: the Python bindings of the fengong library (PyO3).
//!
//! A thin layer: every function calls the library and hands back the JSON
//! the CLI writes (`output::json_writer` of [`fengong::Notice`], a diff, a ledger) or
//! the CLI's CSV text; the pure-Python package `fengong` turns those into
//! dicts and DataFrames. Parsing runs with the GIL released, batches on
//! rayon threads. Library errors and panics become the exceptions of
//! `fengong._errors` (`ParseError`, `UnsupportedFormat`, `LimitExceeded`,
//! `UnitNotFound`), never a crash of the interpreter.

use fengong::{Error, Notice, Options, diff, ledger, output};
use pyo3::prelude::*;
use pyo3::types::PyList;
use rayon::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// Which Python exception a failure raises (a class of `fengong._errors`).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Parse,
    Unsupported,
    Limit,
    UnitNotFound,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Kind::Parse => "ParseError",
            Kind::Unsupported => "UnsupportedFormat",
            Kind::Limit => "LimitExceeded",
            Kind::UnitNotFound => "UnitNotFound",
        }
    }
}

/// A failure on the Rust side, before it becomes a Python exception.
#[derive(Debug)]
struct Failure {
    kind: Kind,
    /// The file concerned (`<text>` for text given directly).
    path: String,
    /// What went wrong.
    reason: String,
}

impl Failure {
    fn new(kind: Kind, path: &str, reason: impl Into<String>) -> Self {
        Failure {
            kind,
            path: path.to_string(),
            reason: reason.into(),
        }
    }

    /// The library's error for the file `path`, by variant.
    fn from_error(path: &str, e: Error) -> Self {
        let kind = match &e {
            Error::Unsupported(_) => Kind::Unsupported,
            Error::Limit(_) => Kind::Limit,
            _ => Kind::Parse,
        };
        let reason = match e {
            // Its message already starts with the path.
            Error::Io { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        Failure::new(kind, path, reason)
    }

    /// The exception instance (`fengong.ParseError(path, reason)` …).
    fn to_exception<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py.import("fengong._errors")?
            .getattr(self.kind.class_name())?
            .call1((self.path.clone(), self.reason.clone()))
    }

    fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self.to_exception(py) {
            Ok(e) => PyErr::from_value(e),
            Err(e) => e,
        }
    }
}

/// Run `f`, turning a library error or a panic into a [`Failure`] for `path`.
fn guarded<T>(path: &str, f: impl FnOnce() -> fengong::Result<T>) -> Result<T, Failure> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(Failure::from_error(path, e)),
        Err(p) => {
            let msg = fengong::error::panic_message(p.as_ref());
            Err(Failure::new(
                Kind::Parse,
                path,
                format!("internal error while parsing (please report): {msg}"),
            ))
        }
    }
}

/// The notice as the CLI's JSON (compact).
fn to_json(n: &Notice) -> String {
    output::json::to_json_line(n).trim_end().to_string()
}

/// Notices from JSON text (an array of notices).
fn notices_from_json(text: &str) -> Result<Vec<Notice>, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Failure::new(
            Kind::Parse,
            "<notices>",
            format!("not a fengong notice: {e}"),
        )
    })
}

/// Parse many inputs on rayon threads (`jobs` of them, or the global pool).
fn in_pool<T: Send>(jobs: Option<usize>, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    match jobs {
        None => Ok(work()),
        Some(j) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(j.max(1))
                .build()
                .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
            Ok(pool.install(work))
        }
    }
}

/// Results of a batch as a Python list: JSON text for a notice, an
/// exception instance for a failed input.
fn batch_list<'py>(
    py: Python<'py>,
    results: Vec<Result<String, Failure>>,
) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for r in results {
        match r {
            Ok(json) => list.append(json)?,
            Err(f) => list.append(f.to_exception(py)?)?,
        }
    }
    Ok(list)
}

/// A parser: the alias tables (built-in plus the user's) and the size limit,
/// loaded once and shared by every call.
#[pyclass(frozen, module = "fengong._fengong")]
struct Parser {
    opts: Options,
}

#[pymethods]
impl Parser {
    #[new]
    #[pyo3(signature = (aliases=None, max_bytes=None))]
    fn new(
        py: Python<'_>,
        aliases: Option<Vec<PathBuf>>,
        max_bytes: Option<u64>,
    ) -> PyResult<Self> {
        let mut opts = Options::default();
        if let Some(m) = max_bytes {
            opts.max_bytes = m;
        }
        for a in aliases.unwrap_or_default() {
            let name = a.display().to_string();
            guarded(&name, || opts.aliases.load_user_file(&a)).map_err(|f| f.into_pyerr(py))?;
        }
        Ok(Parser { opts })
    }

    /// The notice in `text` as JSON.
    fn parse_text(&self, py: Python<'_>, text: &str) -> PyResult<String> {
        let opts = &self.opts;
        py.detach(|| guarded("<text>", || Ok(to_json(&fengong::parse_text(text, opts)))))
            .map_err(|f| f.into_pyerr(py))
    }

    /// The notice in the bytes of a file named `filename` as JSON.
    fn parse_bytes(&self, py: Python<'_>, data: Vec<u8>, filename: &str) -> PyResult<String> {
        let opts = &self.opts;
        py.detach(|| {
            guarded(filename, || {
                fengong::parse_bytes(&data, filename, opts).map(|n| to_json(&n))
            })
        })
        .map_err(|f| f.into_pyerr(py))
    }

    /// The notice in the file at `path` as JSON.
    fn parse_path(&self, py: Python<'_>, path: PathBuf) -> PyResult<String> {
        let opts = &self.opts;
        let name = path.display().to_string();
        py.detach(|| {
            guarded(&name, || {
                fengong::parse_path(&path, opts).map(|n| to_json(&n))
            })
        })
        .map_err(|f| f.into_pyerr(py))
    }

    /// Many files in parallel: a list, in input order, of JSON text or an
    /// exception instance per file.
    #[pyo3(signature = (paths, jobs=None))]
    fn parse_many<'py>(
        &self,
        py: Python<'py>,
        paths: Vec<PathBuf>,
        jobs: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let opts = &self.opts;
        let results = py.detach(|| {
            in_pool(jobs, || {
                paths
                    .par_iter()
                    .map(|p| {
                        let name = p.display().to_string();
                        guarded(&name, || fengong::parse_path(p, opts).map(|n| to_json(&n)))
                    })
                    .collect::<Vec<_>>()
            })
        })?;
        batch_list(py, results)
    }

    /// Many `(filename, bytes)` pairs in parallel, as [`Parser::parse_many`].
    #[pyo3(signature = (files, jobs=None))]
    fn parse_many_bytes<'py>(
        &self,
        py: Python<'py>,
        files: Vec<(String, Vec<u8>)>,
        jobs: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let opts = &self.opts;
        let results = py.detach(|| {
            in_pool(jobs, || {
                files
                    .par_iter()
                    .map(|(name, data)| {
                        guarded(name, || {
                            fengong::parse_bytes(data, name, opts).map(|n| to_json(&n))
                        })
                    })
                    .collect::<Vec<_>>()
            })
        })?;
        batch_list(py, results)
    }

    /// The ledger of `unit` (every unit's when `None`) over the notices
    /// given as a JSON array, as JSON.
    #[pyo3(signature = (notices_json, unit=None))]
    fn tasks(&self, py: Python<'_>, notices_json: &str, unit: Option<&str>) -> PyResult<String> {
        let notices = notices_from_json(notices_json).map_err(|f| f.into_pyerr(py))?;
        let json = match unit {
            Some(q) => match ledger::ledger_for(&notices, q, &self.opts.aliases) {
                Ok(l) => output::json_writer::to_string(&l),
                Err(e) => {
                    return Err(Failure::new(Kind::UnitNotFound, q, e.to_string()).into_pyerr(py));
                }
            },
            None => output::json_writer::to_string(&ledger::all_ledgers(&notices)),
        };
        json.map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    }
}

/// The diff of two notices given as JSON, as the JSON of `fengong diff --format json`.
#[pyfunction]
fn diff_json(py: Python<'_>, old_json: &str, new_json: &str) -> PyResult<String> {
    let read = |text: &str, which: &str| {
        serde_json::from_str::<Notice>(text)
            .map_err(|e| Failure::new(Kind::Parse, which, format!("not a fengong notice: {e}")))
            .map_err(|f| f.into_pyerr(py))
    };
    let old = read(old_json, "<old>")?;
    let new = read(new_json, "<new>")?;
    py.detach(|| {
        guarded("<diff>", || {
            Ok(diff::report::to_json(&diff::diff(&old, &new)))
        })
    })
    .map_err(|f| f.into_pyerr(py))
}

/// The CLI's three CSV outputs (no BOM) of the notices given as a JSON array:
/// `(items, units, targets)` as `--format csv`, `units-csv`, `targets-csv`.
#[pyfunction]
fn frames_csv(py: Python<'_>, notices_json: &str) -> PyResult<(String, String, String)> {
    let notices = notices_from_json(notices_json).map_err(|f| f.into_pyerr(py))?;
    let text = |bytes: std::io::Result<Vec<u8>>| -> PyResult<String> {
        let bytes = bytes.map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
        String::from_utf8(bytes)
            .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
    };
    Ok((
        text(output::csv::items_csv(&notices, false))?,
        text(output::csv::units_csv(&notices, false))?,
        text(output::csv::targets_csv(&notices, false))?,
    ))
}

/// File extensions the parser reads (as a folder walk of the CLI picks them up).
#[pyfunction]
fn supported_extensions() -> Vec<&'static str> {
    fengong::input::SUPPORTED_EXTENSIONS.to_vec()
}

/// The native part of the `fengong` package.
#[pymodule]
fn _fengong(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<Parser>()?;
    m.add_function(wrap_pyfunction!(diff_json, m)?)?;
    m.add_function(wrap_pyfunction!(frames_csv, m)?)?;
    m.add_function(wrap_pyfunction!(supported_extensions, m)?)?;
    Ok(())
}
