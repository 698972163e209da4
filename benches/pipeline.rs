//! Library benchmarks (divan): per-notice parse time on the seed and on a few
//! corpus notices, the pipeline stages separately (repair, segment, full
//! parse), and throughput in bytes/s. Run with `cargo bench --bench pipeline`;
//! see `benches/README.md` for the figures.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use fengong::{Options, parse_text, repair, segment};
use std::sync::LazyLock;

/// The allocator of the `fengong` command (default feature `mimalloc`), so
/// that these figures are what the command does per notice.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Build the process-wide state (jieba, alias tables) before timing.
    let _ = parse_text(SEED, &OPTS);
    divan::main();
}

const SEED: &str = include_str!("../seeds/000_7c5878c3eb2a3600.txt");

/// A few corpus notices of different shapes and sizes.
const CORPUS: &[(&str, &str)] = &[
    (
        "01_fangguanfu_42k",
        include_str!("../corpus/01_guobanfa-2020-43-fangguanfu-fengong.txt"),
    ),
    (
        "07_xiaofei_fupin_16k",
        include_str!("../corpus/07_guobanfa-2018-129-xiaofei-fupin.txt"),
    ),
    (
        "27_jiuye_9k",
        include_str!("../corpus/27_guofa-2018-39-cujin-jiuye-ruoganyijian.txt"),
    ),
    (
        "10_xianning_table_2k",
        include_str!("../corpus/10_xianning-2020-gongbao-2-zerenfengong-table.txt"),
    ),
];

static OPTS: LazyLock<Options> = LazyLock::new(Options::default);

/// `parse_text` on the seed (23.6 kB, the reference notice).
#[divan::bench]
fn parse_seed(b: Bencher) {
    let opts = &*OPTS;
    b.counter(BytesCount::of_str(SEED))
        .bench(|| parse_text(black_box(SEED), opts));
}

/// `parse_text` on corpus notices.
#[divan::bench(args = ["01_fangguanfu_42k", "07_xiaofei_fupin_16k", "27_jiuye_9k", "10_xianning_table_2k"])]
fn parse_corpus(b: Bencher, name: &str) {
    let text = CORPUS.iter().find(|c| c.0 == name).unwrap().1;
    let opts = &*OPTS;
    b.counter(BytesCount::of_str(text))
        .bench(|| parse_text(black_box(text), opts));
}

/// `parse_bytes` on the seed: adds encoding detection and format sniffing.
#[divan::bench]
fn parse_bytes_seed(b: Bencher) {
    let opts = &*OPTS;
    b.counter(BytesCount::of_str(SEED))
        .bench(|| fengong::parse_bytes(black_box(SEED.as_bytes()), "seed.txt", opts).unwrap());
}

/// The stages separately, on the seed.
mod stages {
    use super::*;

    /// Stage 2: artefacts, spaces, page-break joins.
    #[divan::bench]
    fn repair(b: Bencher) {
        b.counter(BytesCount::of_str(SEED))
            .bench(|| repair::repair(black_box(SEED)));
    }

    /// Stage 3: header, items and paths (on repaired text).
    #[divan::bench]
    fn segment(b: Bencher) {
        let repaired = repair::repair(SEED);
        b.counter(BytesCount::of_str(&repaired))
            .bench(|| segment::segment(black_box(&repaired)));
    }

    /// Stage 3b: header fields (issuer, number, title, date…).
    #[divan::bench]
    fn header(b: Bencher) {
        let seg = segment::segment(&repair::repair(SEED));
        b.bench(|| segment::header::parse_header(black_box(&seg.header), &seg.trailer));
    }

    /// Stages 4–5: clauses, headings, targets and units of every item.
    #[divan::bench]
    fn extract(b: Bencher) {
        let seg = segment::segment(&repair::repair(SEED));
        let meta = segment::header::parse_header(&seg.header, &seg.trailer);
        let aliases = OPTS.aliases.for_notice(&meta);
        b.bench(|| {
            let mut conv = fengong::extract::Conventions::default();
            seg.items
                .iter()
                .map(|r| fengong::extract::build_item(r, &aliases, &mut conv))
                .collect::<Vec<_>>()
        });
    }

    /// Stage 6: the notice as pretty JSON.
    #[divan::bench]
    fn to_json(b: Bencher) {
        let n = parse_text(SEED, &OPTS);
        b.bench(|| fengong::output::json::to_json(black_box(&n)));
    }
}

/// Throughput over every corpus notice and the seed in one go (one core).
#[divan::bench]
fn throughput_all(b: Bencher) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus");
    let mut all: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    all.push(SEED.to_string());
    let bytes: usize = all.iter().map(|s| s.len()).sum();
    let opts = &*OPTS;
    b.counter(BytesCount::new(bytes)).bench(|| {
        for t in &all {
            black_box(parse_text(t, opts));
        }
    });
}
