//! The whole `corpus/`: every real notice parses, and scores at least its
//! floor (`fixtures/corpus/floors.tsv`) against its hand-made gold
//! (`fixtures/corpus/*.gold.json`), scored like `eval/score.py`.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn every_corpus_notice_meets_its_floor() {
    let floors = std::fs::read_to_string(repo("fixtures/corpus/floors.tsv")).unwrap();
    let mut checked = 0;
    let mut failures = Vec::new();
    let (mut total_units, mut total_targets) = (F::default(), F::default());
    for line in floors
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let name = cols[0];
        let floor: Vec<f64> = cols[1..4].iter().map(|c| c.parse().unwrap()).collect();
        let gold: Value = serde_json::from_slice(
            &std::fs::read(repo(&format!("fixtures/corpus/{name}.gold.json"))).unwrap(),
        )
        .unwrap();
        let pred = parse_json(&repo(&format!("corpus/{name}.txt")));
        let s = score(&pred, &gold);
        let got = [s.items.f1(), s.units.f1(), s.targets.f1()];
        for (k, what) in ["items", "units", "targets"].iter().enumerate() {
            if got[k] + 1e-9 < floor[k] {
                failures.push(format!(
                    "{name}: {what} {:.3} < floor {:.2}",
                    got[k], floor[k]
                ));
            }
        }
        for (t, f) in [(&mut total_units, s.units), (&mut total_targets, s.targets)] {
            t.tp += f.tp;
            t.fp += f.fp;
            t.fn_ += f.fn_;
        }
        checked += 1;
    }
    eprintln!(
        "corpus: units F1 {:.3}, targets F1 {:.3}",
        total_units.f1(),
        total_targets.f1()
    );
    assert!(checked >= 21, "only {checked} notices checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_copies_a_and_b_parse_to_the_same_items() {
    let a = parse_json(&repo(
        "corpus/25_guofa-2020-6-zhengfu-gongzuo-baogao-bumen-fengong-copyA.txt",
    ));
    let b = parse_json(&repo(
        "corpus/26_guofa-2020-6-zhengfu-gongzuo-baogao-bumen-fengong-copyB.txt",
    ));
    assert_eq!(item_paths(&a), item_paths(&b));
    assert_eq!(a["meta"]["title"], b["meta"]["title"]);
}
