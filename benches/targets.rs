//! Target extraction alone (`extract::target::extract_targets`) on the
//! adversarial shapes of issue 11, each at three sizes that double: a long
//! paragraph full of quantities (`达到850万户，` repeated), the same without
//! punctuation, Chinese numerals (`不少于一百二十万户、`), and numerals broken
//! by spaces. Throughput in bytes/s should stay flat as the size doubles
//! (linear time). Run with `cargo bench --bench targets`.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use fengong::extract::target::extract_targets;
use fengong::repair::Folded;

fn main() {
    // Build the unit automaton and the segmenter before timing.
    let f = Folded::new("全省市场主体数量达到850万户。");
    let _ = extract_targets(&f, &[]);
    divan::main();
}

fn shape(name: &str, repeats: usize) -> String {
    let unit = match name {
        "paragraph" => "达到850万户，",
        "no_punctuation" => "达到850万户",
        "chinese" => "不少于一百二十万户、",
        _ => "1 2 三 四 百分之 ",
    };
    unit.repeat(repeats)
}

#[divan::bench(
    args = ["paragraph", "no_punctuation", "chinese", "spaces"],
    consts = [5_000, 10_000, 20_000],
    sample_count = 10
)]
fn extract<const N: usize>(b: Bencher, name: &str) {
    let text = shape(name, N);
    let f = Folded::new(&text);
    b.counter(BytesCount::of_str(&text))
        .bench(|| extract_targets(black_box(&f), &[]));
}
