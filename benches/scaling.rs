//! Scaling check: every adversarial input shape, doubled, must take at most
//! [`MAX_RATIO`] times as long (linear time has a ratio of 2). Each shape is
//! run at three sizes (n, 2n, 4n), the sizes taking turns, three rounds (the
//! minimum counts), and the check fails (exit 1) when a doubling costs more
//! than the bound, still after 7 and then 10 more rounds (a busy machine
//! stretches some runs; a superlinear shape stays superlinear). This is a
//! ratio within one run, not a timed test.
//!
//! ```sh
//! cargo bench --bench scaling             # the sizes of benches/README.md
//! cargo bench --bench scaling -- --quick  # small sizes (CI)
//! ```

use fengong::{Options, parse_bytes};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Largest allowed time ratio for a doubling of the input.
const MAX_RATIO: f64 = 2.5;

/// One input shape: a name and a generator of an input of about `n` units.
struct Shape {
    name: &'static str,
    /// Base size (repetitions) for the full run.
    base: usize,
    make: fn(usize) -> Input,
}

/// What a shape produces: a file to parse, two plans to diff, or the
/// inputs of a batch whose output paths are laid out.
enum Input {
    File(&'static str, Vec<u8>),
    /// Two parsed plans and their total text size (only the diff is timed).
    Diff(Box<(fengong::Notice, fengong::Notice)>, usize),
    /// The files of a batch (only `batch::output_paths` is timed: the
    /// `--out-dir` layout, collisions included).
    Batch(Vec<fengong::batch::Input>),
    /// A parsed notice and its text size: only its long tables are timed
    /// (units and targets CSV and sheet rows, every unit's ledger as JSON
    /// and CSV).
    Tables(Box<fengong::Notice>, usize),
}

impl Input {
    fn len(&self) -> usize {
        match self {
            Input::File(_, b) => b.len(),
            Input::Diff(_, len) => *len,
            Input::Batch(files) => files.iter().map(|i| i.path.as_os_str().len()).sum(),
            Input::Tables(_, len) => *len,
        }
    }
}

fn text(s: String) -> Input {
    Input::File("shape.txt", s.into_bytes())
}

/// A text: `head`, `piece(k)` for k in 0..n, then `tail`.
fn repeated(head: &str, n: usize, tail: &str, piece: impl Fn(usize) -> String) -> Input {
    text(pieces(head, n, tail, piece))
}

/// The string of [`repeated`]: `head`, `piece(k)` for k in 0..n, `tail`.
fn pieces(head: &str, n: usize, tail: &str, piece: impl Fn(usize) -> String) -> String {
    let mut s = String::from(head);
    for k in 0..n {
        s.push_str(&piece(k));
    }
    s + tail
}

/// Two versions of a plan, parsed, to diff.
fn diff_of(a: &str, b: &str) -> Input {
    let opts = Options::default();
    Input::Diff(
        Box::new((fengong::parse_text(a, &opts), fengong::parse_text(b, &opts))),
        a.len() + b.len(),
    )
}

/// One task whose first sentence holds `n` quantities (every third
/// raised by `bump`) and a list of `units` units: its heading is the whole
/// paragraph.
fn long_sentence(n: usize, bump: usize, units: usize) -> String {
    let units: Vec<String> = (0..units).map(|k| format!("省局第{k}处")).collect();
    let tail = format!("（牵头单位：{}）。\n", units.join("、"));
    pieces("一、任务\n1.推进工作", n, &tail, |k| {
        let v = if k % 3 == 0 { k + bump } else { k };
        format!("达到{v}家，")
    })
}

/// A plan of `n` distinct tasks in sections of twenty, for the diff shape.
fn plan(n: usize, edit: bool) -> String {
    const CN: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut s = String::from("一、重点任务\n");
    for k in 1..=n {
        if k % 20 == 1 && k > 1 {
            s.push_str(&format!("（{}）第{}组任务\n", CN[(k / 20) % 10], k / 20));
        }
        let verb = if edit && k % 13 == 0 {
            "全面推进"
        } else {
            "推进"
        };
        if edit && k % 97 == 0 {
            continue;
        }
        s.push_str(&format!(
            "{}.{verb}第{k}项工作，覆盖{}个县区，达到{}家。（牵头单位：省局第{}处）\n",
            k % 20 + 1,
            k * 7 % 1000,
            k * 13 % 997,
            k % 31
        ));
    }
    s
}

fn table(n: usize) -> Input {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["序号", "重点任务", "牵头单位", "责任单位"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=n as u32 {
        ws.write_number(r, 0, r as f64).unwrap();
        ws.write_string(r, 1, format!("推进第{r}项工作，达到{}家", r % 500))
            .unwrap();
        ws.write_string(r, 2, "省发展改革委").unwrap();
        ws.write_string(r, 3, "省财政厅、省商务厅").unwrap();
    }
    Input::File("shape.xlsx", wb.save_to_buffer().unwrap())
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "long paragraph of quantities",
        base: 5_000,
        make: |n| {
            text(format!(
                "一、任务\n1.全省工作{}。\n",
                "达到850万户，".repeat(n)
            ))
        },
    },
    Shape {
        name: "many tasks under one section",
        base: 10_000,
        make: |n| {
            let mut s = String::from("一、任务（牵头单位：省发展改革委）\n");
            for k in 1..=n {
                s.push_str(&format!("{k}.推进工作\n"));
            }
            text(s)
        },
    },
    Shape {
        name: "long unit list in one clause",
        base: 10_000,
        make: |n| {
            let list: Vec<String> = (0..n).map(|k| format!("第{k}局")).collect();
            text(format!(
                "一、任务\n1.推进工作。（牵头单位：{}）\n",
                list.join("、")
            ))
        },
    },
    Shape {
        name: "many label groups",
        base: 3_000,
        make: |n| text("一、甲\n（一）乙\n1.丙\n（1）丁\n①戊\n".repeat(n)),
    },
    Shape {
        name: "long line without punctuation",
        base: 40_000,
        make: |n| text(format!("一、任务\n1.{}\n", "推进工作".repeat(n))),
    },
    Shape {
        name: "deep brackets",
        base: 20_000,
        make: |n| {
            text(format!(
                "一、任务\n1.推进{}工作{}\n",
                "（".repeat(n),
                "）".repeat(n)
            ))
        },
    },
    Shape {
        name: "nested HTML",
        base: 20_000,
        make: |n| {
            Input::File(
                "shape.html",
                format!(
                    "<html><body>{}<p>一、任务</p><p>1.推进工作</p>{}</body></html>",
                    "<div>".repeat(n),
                    "</div>".repeat(n)
                )
                .into_bytes(),
            )
        },
    },
    Shape {
        name: "huge table (xlsx)",
        base: 4_000,
        make: table,
    },
    Shape {
        name: "diff of two plans",
        base: 2_500,
        make: |n| diff_of(&plan(n, false), &plan(n, true)),
    },
    Shape {
        name: "diff of a plan revised throughout",
        base: 2_500,
        make: |n| {
            // Every task's target changes: one change per item, each
            // looked up in the unit impact list.
            let version = |bump: usize| {
                pieces("一、任务\n", n, "", |k| {
                    let k = k + 1;
                    format!(
                        "{k}.推进第{k}项工作，达到{}家。（牵头单位：省局第{}处）\n",
                        k + bump,
                        k % 31
                    )
                })
            };
            diff_of(&version(0), &version(1))
        },
    },
    Shape {
        name: "diff of one long item",
        base: 2_000,
        make: |n| {
            // One item of n numbered phrases; the new version changes
            // every seventh number.
            let item = |edit: bool| {
                pieces("一、任务\n1.", n, "\n", |k| {
                    let v = if edit && k % 7 == 0 { k + 1 } else { k };
                    format!("推进第{v}项工作，")
                })
            };
            diff_of(&item(false), &item(true))
        },
    },
    Shape {
        name: "nested quotations",
        base: 5_000,
        make: |n| {
            text(format!(
                "一、任务\n1.推进{}工作达到5家{}\n",
                "“".repeat(n),
                "”".repeat(n)
            ))
        },
    },
    Shape {
        name: "many clauses in one paragraph",
        base: 5_000,
        make: |n| {
            repeated("一、任务\n1.", n, "\n", |k| {
                format!(
                    "推进第{k}项工作（牵头单位：省局第{}处；责任单位：各市、州、县市场监管局）",
                    k % 500
                )
            })
        },
    },
    Shape {
        name: "many label lines",
        base: 5_000,
        make: |n| {
            repeated("一、任务\n1.推进工作。\n", n, "", |k| {
                format!("牵头单位：省局第{k}处\n")
            })
        },
    },
    Shape {
        name: "many assignment sentences",
        base: 5_000,
        make: |n| {
            repeated("一、任务\n1.推进工作。", n, "\n", |k| {
                format!("省局第{k}处负责落实。")
            })
        },
    },
    Shape {
        name: "unit list joined by 和",
        base: 5_000,
        make: |n| {
            let list: Vec<String> = (0..n).map(|k| format!("省局第{k}处")).collect();
            text(format!(
                "一、任务\n1.推进工作。（牵头单位：{}）\n",
                list.join("和")
            ))
        },
    },
    Shape {
        name: "long tables of one long sentence",
        base: 1_000,
        make: |n| {
            let text = long_sentence(n, 0, n);
            let notice = fengong::parse_text(&text, &Options::default());
            Input::Tables(Box::new(notice), text.len())
        },
    },
    Shape {
        name: "diff of one long sentence",
        // Above the pairing window's 200 places even at quick sizes.
        base: 2_000,
        // One unit: each changed target is a change for each of the item's
        // units (the unit impact list), a product this shape leaves out.
        make: |n| diff_of(&long_sentence(n, 0, 1), &long_sentence(n, 1_000_000, 1)),
    },
    Shape {
        name: "many files to --out-dir",
        base: 20_000,
        make: |n| {
            // Files in folders of a hundred; one in ten has a twin of
            // another format (`k.txt`, `k.docx`), whose outputs collide.
            let files = (0..n)
                .map(|k| {
                    let ext = if k % 10 == 1 { "docx" } else { "txt" };
                    let stem = if k % 10 == 1 { k - 1 } else { k };
                    let relative = PathBuf::from(format!("d{}/n{stem:06}.{ext}", k / 100));
                    fengong::batch::Input {
                        path: Path::new("notices").join(&relative),
                        relative,
                    }
                })
                .collect();
            Input::Batch(files)
        },
    },
];

fn run(input: &Input, opts: &Options) -> Duration {
    let t = Instant::now();
    match input {
        Input::File(name, bytes) => {
            let n = parse_bytes(bytes, name, opts);
            std::hint::black_box(&n);
        }
        Input::Diff(plans, _) => {
            let d = fengong::diff::diff(&plans.0, &plans.1);
            std::hint::black_box(&d);
        }
        Input::Batch(files) => {
            let outs = fengong::batch::output_paths(files, Path::new("out"), "json");
            std::hint::black_box(&outs);
        }
        Input::Tables(notice, _) => {
            let notices = std::slice::from_ref(notice.as_ref());
            let units = fengong::output::csv::units_csv(notices, true).unwrap();
            let targets = fengong::output::csv::targets_csv(notices, true).unwrap();
            let unit_rows = fengong::output::xlsx::unit_rows(notices);
            let target_rows = fengong::output::xlsx::target_rows(notices);
            let ledgers = fengong::ledger::all_ledgers(notices);
            let json = fengong::output::json_writer::to_string(&ledgers).unwrap();
            let csv = fengong::ledger::csv(&ledgers, true).unwrap();
            std::hint::black_box((units, targets, unit_rows, target_rows, json, csv));
        }
    }
    t.elapsed()
}

/// Run every size `rounds` more times, the sizes taking turns (so a burst
/// of load from elsewhere hits all three alike), and keep each size's best
/// time in `best`: load only ever adds time, so the best of more runs is the
/// truer figure.
fn run_rounds(inputs: &[Input], opts: &Options, rounds: usize, best: &mut [Duration]) {
    for _ in 0..rounds {
        for (input, b) in inputs.iter().zip(best.iter_mut()) {
            *b = (*b).min(run(input, opts));
        }
    }
}

/// Print a row for one shape's best times at its three sizes; `Some(reason)`
/// when a doubling costs more than [`MAX_RATIO`].
fn measure(shape: &Shape, inputs: &[Input], times: &[Duration]) -> Option<String> {
    let secs = |d: Duration| d.as_secs_f64().max(1e-6);
    let r1 = secs(times[1]) / secs(times[0]);
    let r2 = secs(times[2]) / secs(times[1]);
    let mbps = inputs[2].len() as f64 / 1e6 / secs(times[2]);
    println!(
        "{:<32} {:>10} {:>9.1}ms {:>9.1}ms {:>8.2} {:>8.2} {:>9.1}",
        shape.name,
        inputs[0].len(),
        secs(times[0]) * 1e3,
        secs(times[2]) * 1e3,
        r1,
        r2,
        mbps
    );
    // Judged over both doublings (geometric mean), which damps the noise of
    // a shared machine; below 20 ms timer noise dominates.
    let per_doubling = (secs(times[2]) / secs(times[0])).sqrt();
    (per_doubling > MAX_RATIO && secs(times[2]) > 0.02)
        .then(|| format!("{}: x{per_doubling:.2} per doubling", shape.name))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let only: Option<String> = std::env::args().skip_while(|a| a != "--shape").nth(1);
    let opts = Options::default();
    // Warm the process-wide state (segmenter, alias tables) before timing.
    let _ = fengong::parse_text("一、任务\n1.推进工作。\n", &opts);
    let mut failed = Vec::new();
    println!(
        "{:<32} {:>10} {:>10} {:>10} {:>8} {:>8} {:>9}",
        "shape", "size n", "t(n)", "t(4n)", "x2n", "x4n", "MB/s@4n"
    );
    for shape in SHAPES {
        if only.as_deref().is_some_and(|o| !shape.name.contains(o)) {
            continue;
        }
        let n = if quick {
            (shape.base / 4).max(1)
        } else {
            shape.base
        };
        let inputs: Vec<Input> = [n, 2 * n, 4 * n].iter().map(|&k| (shape.make)(k)).collect();
        let mut best = vec![Duration::MAX; inputs.len()];
        run_rounds(&inputs, &opts, 3, &mut best);
        let mut verdict = measure(shape, &inputs, &best);
        // A busy machine can stretch a measurement: a superlinear shape
        // fails again after more rounds, a noisy one does not.
        for more in [7, 10] {
            if verdict.is_none() {
                break;
            }
            run_rounds(&inputs, &opts, more, &mut best);
            verdict = measure(shape, &inputs, &best);
        }
        failed.extend(verdict);
    }
    if !failed.is_empty() {
        eprintln!("superlinear shapes (more than x{MAX_RATIO} per doubling):");
        for f in &failed {
            eprintln!("  {f}");
        }
        std::process::exit(1);
    }
}
