//! Rendering a [`Diff`]: terminal text (optionally coloured), JSON, CSV (one
//! row per change) and a self-contained HTML report. Every format starts
//! with the per-unit impact summary.

use super::redline::{SegKind, Segment, render_inline, render_with};
use super::{Change, ChangeKind, Diff, ImpactEntry};

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
struct Style(bool);

impl Style {
    fn paint(self, code: &str, s: &str) -> String {
        if self.0 && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn red(self, s: &str) -> String {
        self.paint("31", s)
    }
    fn green(self, s: &str) -> String {
        self.paint("32", s)
    }
    fn yellow(self, s: &str) -> String {
        self.paint("33", s)
    }
    fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
}

/// Characters of unchanged context kept around a change in terminal redlines.
const CONTEXT: usize = 18;

fn counts_line(d: &Diff) -> String {
    let s = &d.stats;
    format!(
        "{} added, {} removed, {} moved, {} renumbered, {} split, {} merged, {} changed, {} unchanged ({} shifted) — {} change(s)",
        s.added,
        s.removed,
        s.moved,
        s.renumbered,
        s.split,
        s.merged,
        s.changed,
        s.unchanged,
        s.shifted,
        s.changes
    )
}

fn short(s: &str, n: usize) -> String {
    let cs: Vec<char> = s.chars().collect();
    if cs.len() > n {
        format!("{}…", cs[..n].iter().collect::<String>())
    } else {
        s.to_string()
    }
}

fn value_text(c: &Change) -> String {
    match (&c.old, &c.new) {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        (Some(a), None) => format!("−{a}"),
        (None, Some(b)) => format!("+{b}"),
        (None, None) => String::new(),
    }
}

/// Terminal report; `color` adds ANSI colours.
pub fn to_text(d: &Diff, color: bool) -> String {
    let st = Style(color);
    let mut out = String::new();
    let src = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".into());
    out.push_str(&format!(
        "{} {} ({} items) → {} ({} items)\n{}\n",
        st.bold("fengong diff:"),
        src(&d.old_source),
        d.stats.old_items,
        src(&d.new_source),
        d.stats.new_items,
        counts_line(d)
    ));
    if d.is_empty() {
        out.push_str("\nNo changes.\n");
    }

    if !d.impact.is_empty() {
        out.push_str(&format!("\n{}\n", st.bold("Impact by unit")));
        for u in &d.impact {
            out.push_str(&format!(
                "  {}  {} {} {}\n",
                st.bold(&u.unit),
                st.green(&format!("+{}", u.gained.len())),
                st.red(&format!("−{}", u.lost.len())),
                st.yellow(&format!("~{}", u.targets_changed.len()))
            ));
            let line = |sign: &str, e: &ImpactEntry| {
                format!(
                    "      {sign} {} {} ({}; {})\n",
                    e.path,
                    short(&e.heading, 24),
                    e.role,
                    e.detail
                )
            };
            for e in &u.gained {
                out.push_str(&st.green(&line("+", e)));
            }
            for e in &u.lost {
                out.push_str(&st.red(&line("−", e)));
            }
            for e in &u.targets_changed {
                out.push_str(&st.yellow(&line("~", e)));
            }
        }
    }

    let meta: Vec<&Change> = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Meta)
        .collect();
    if !meta.is_empty() {
        out.push_str(&format!("\n{}\n", st.bold("Header")));
        for c in meta {
            out.push_str(&format!(
                "  {}: {}\n",
                c.field.as_deref().unwrap_or(""),
                change_body(c, st)
            ));
        }
    }

    let changed: Vec<_> = d.matches.iter().filter(|m| !m.changes.is_empty()).collect();
    if !changed.is_empty() {
        out.push_str(&format!("\n{}\n", st.bold("Changes")));
    }
    for m in changed {
        let path = match (m.old_paths.join(" + "), m.new_paths.join(" + ")) {
            (a, b) if a.is_empty() => st.green(&format!("+ {b}")),
            (a, b) if b.is_empty() => st.red(&format!("− {a}")),
            (a, b) if a != b => st.yellow(&format!("~ {a} → {b}")),
            (a, _) => format!("~ {a}"),
        };
        out.push_str(&format!(
            "  {}  {}  {}\n",
            st.bold(&path),
            short(&m.heading, 40),
            st.dim(m.relation.as_str())
        ));
        for &k in &m.changes {
            let c = &d.changes[k];
            if matches!(c.kind, ChangeKind::Added | ChangeKind::Removed) {
                if !c.units.is_empty() {
                    out.push_str(&format!("      units: {}\n", c.units.join("、")));
                }
                continue;
            }
            out.push_str(&format!(
                "      {:<20} {}\n",
                c.kind.as_str(),
                change_body(c, st)
            ));
        }
    }
    if !d.notes.is_empty() {
        out.push_str(&format!("\n{}\n", st.bold("Notes")));
        for n in &d.notes {
            out.push_str(&format!("  - {n}\n"));
        }
    }
    out
}

fn change_body(c: &Change, st: Style) -> String {
    let mut s = String::new();
    if let Some(f) = &c.field
        && c.kind != ChangeKind::Meta
    {
        s.push_str(&format!("[{f}] "));
    }
    if matches!(c.kind, ChangeKind::Moved | ChangeKind::Renumbered) {
        return format!(
            "{} → {}",
            c.old_path.as_deref().unwrap_or(""),
            c.new_path.as_deref().unwrap_or("")
        );
    }
    if !c.redline.is_empty() {
        s.push_str(&render_with(&c.redline, CONTEXT, |k, t| match k {
            SegKind::Equal => t.replace('\n', " ⏎ "),
            SegKind::Delete => st.red(&format!("[-{}-]", t.replace('\n', " ⏎ "))),
            SegKind::Insert => st.green(&format!("{{+{}+}}", t.replace('\n', " ⏎ "))),
        }));
    } else {
        let v = value_text(c);
        s.push_str(&match (&c.old, &c.new) {
            (Some(_), None) => st.red(&v),
            (None, Some(_)) => st.green(&v),
            _ => v,
        });
    }
    s
}

/// Pretty JSON of the whole diff.
pub fn to_json(d: &Diff) -> String {
    crate::output::json::document(d)
}

/// Columns of the diff CSV. Impact rows (kind `impact`, first) fill
/// `unit` and the `gained`/`lost`/`targets_changed` counts and item lists;
/// change rows fill the path, heading, field, value and redline columns.
pub const CSV_HEADER: [&str; 15] = [
    "kind",
    "unit",
    "gained",
    "lost",
    "targets_changed",
    "gained_items",
    "lost_items",
    "targets_changed_items",
    "old_path",
    "new_path",
    "heading",
    "field",
    "old",
    "new",
    "redline",
];

/// CSV, one row per unit impact (kind `impact`) and then one per change;
/// see [`CSV_HEADER`]. A change's units are in the `unit` column.
pub fn to_csv(d: &Diff, bom: bool) -> std::io::Result<Vec<u8>> {
    let mut w = crate::output::csv::writer(bom);
    w.write_record(CSV_HEADER)?;
    for u in &d.impact {
        let list = |v: &[ImpactEntry]| {
            v.iter()
                .map(|e| format!("{} {}", e.path, e.detail))
                .collect::<Vec<_>>()
                .join("；")
        };
        w.write_record([
            "impact",
            &u.unit,
            &u.gained.len().to_string(),
            &u.lost.len().to_string(),
            &u.targets_changed.len().to_string(),
            &list(&u.gained),
            &list(&u.lost),
            &list(&u.targets_changed),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ])?;
    }
    for c in &d.changes {
        w.write_record([
            c.kind.as_str(),
            &c.units.join("；"),
            "",
            "",
            "",
            "",
            "",
            "",
            c.old_path.as_deref().unwrap_or(""),
            c.new_path.as_deref().unwrap_or(""),
            &c.heading,
            c.field.as_deref().unwrap_or(""),
            c.old.as_deref().unwrap_or(""),
            c.new.as_deref().unwrap_or(""),
            &render_inline(&c.redline),
        ])?;
    }
    crate::output::csv::finish(w)
}

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

const CSS: &str = r#"
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222;line-height:1.6}
h1{font-size:1.4em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}
h3{font-size:1em;margin:0 0 .4em}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f4f4f4}
.stats{color:#555}
.item{border:1px solid #ddd;border-left:4px solid #999;margin:1em 0;padding:.6em .8em}
.item.added{border-left-color:#2a7}.item.removed{border-left-color:#c33}
.item.moved,.item.renumbered,.item.split,.item.merged{border-left-color:#d90}
.rel{font-size:.8em;color:#666;background:#eee;border-radius:3px;padding:0 .4em;margin-left:.5em}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none}
.sbs td{width:50%;white-space:pre-wrap}
.gain{color:#060}.lose{color:#900}.tgt{color:#850}
ul{margin:.2em 0;padding-left:1.4em}
"#;

fn side(segs: &[Segment], keep: SegKind, tag: &str) -> String {
    segs.iter()
        .filter(|s| s.kind == SegKind::Equal || s.kind == keep)
        .map(|s| {
            if s.kind == SegKind::Equal {
                esc(&s.text)
            } else {
                format!("<{tag}>{}</{tag}>", esc(&s.text))
            }
        })
        .collect()
}

/// Self-contained HTML report: inline CSS, no scripts or external resources.
pub fn to_html(d: &Diff) -> String {
    let mut h = String::new();
    let src = |s: &Option<String>| esc(s.as_deref().unwrap_or("-"));
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"generator\" content=\"fengong\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.push_str(&format!(
        "<title>fengong diff: {} → {}</title><style>{CSS}</style></head><body>\n",
        src(&d.old_source),
        src(&d.new_source)
    ));
    h.push_str(&format!(
        "<h1>{} → {}</h1>\n<p class=\"stats\">{} items → {} items. {}</p>\n",
        src(&d.old_source),
        src(&d.new_source),
        d.stats.old_items,
        d.stats.new_items,
        esc(&counts_line(d))
    ));

    h.push_str("<section id=\"impact\"><h2>Impact by unit</h2>\n");
    if d.impact.is_empty() {
        h.push_str("<p>No unit is affected.</p>\n");
    } else {
        h.push_str("<table><thead><tr><th>Unit</th><th>Gained</th><th>Lost</th><th>Targets changed</th></tr></thead><tbody>\n");
        for u in &d.impact {
            let list = |v: &[ImpactEntry], class: &str| {
                if v.is_empty() {
                    return String::new();
                }
                let lis: String = v
                    .iter()
                    .map(|e| {
                        format!(
                            "<li class=\"{class}\">{} {} <small>({}; {})</small></li>",
                            esc(&e.path),
                            esc(&short(&e.heading, 30)),
                            esc(&e.role),
                            esc(&e.detail)
                        )
                    })
                    .collect();
                format!("<ul>{lis}</ul>")
            };
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                esc(&u.unit),
                list(&u.gained, "gain"),
                list(&u.lost, "lose"),
                list(&u.targets_changed, "tgt")
            ));
        }
        h.push_str("</tbody></table>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"changes\"><h2>Changes</h2>\n");
    if d.is_empty() {
        h.push_str("<p>No changes.</p>\n");
    }
    let meta: Vec<&Change> = d
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Meta)
        .collect();
    if !meta.is_empty() {
        h.push_str("<div class=\"item\"><h3>Header</h3><ul>");
        for c in meta {
            h.push_str(&format!(
                "<li>{}: {}</li>",
                esc(c.field.as_deref().unwrap_or("")),
                if c.redline.is_empty() {
                    esc(&value_text(c))
                } else {
                    format!(
                        "{} ⇒ {}",
                        side(&c.redline, SegKind::Delete, "del"),
                        side(&c.redline, SegKind::Insert, "ins")
                    )
                }
            ));
        }
        h.push_str("</ul></div>\n");
    }
    for m in d.matches.iter().filter(|m| !m.changes.is_empty()) {
        let (a, b) = (m.old_paths.join(" + "), m.new_paths.join(" + "));
        let path = match (a.is_empty(), b.is_empty()) {
            (true, _) => b.clone(),
            (_, true) => a.clone(),
            _ if a != b => format!("{a} → {b}"),
            _ => a.clone(),
        };
        h.push_str(&format!(
            "<div class=\"item {}\"><h3>{} {}<span class=\"rel\">{}</span></h3>\n",
            m.relation.as_str(),
            esc(&path),
            esc(&m.heading),
            m.relation.as_str()
        ));
        let mut simple = String::new();
        let mut sbs = String::new();
        for &k in &m.changes {
            let c = &d.changes[k];
            if !c.redline.is_empty() {
                sbs.push_str(&format!(
                    "<tr><th colspan=\"2\">{}</th></tr><tr><td>{}</td><td>{}</td></tr>\n",
                    c.kind.as_str(),
                    side(&c.redline, SegKind::Delete, "del"),
                    side(&c.redline, SegKind::Insert, "ins")
                ));
                continue;
            }
            let body = match c.kind {
                ChangeKind::Added | ChangeKind::Removed => {
                    format!("units: {}", esc(&c.units.join("、")))
                }
                ChangeKind::Moved | ChangeKind::Renumbered => format!(
                    "{} → {}",
                    esc(c.old_path.as_deref().unwrap_or("")),
                    esc(c.new_path.as_deref().unwrap_or(""))
                ),
                _ => {
                    let f = c
                        .field
                        .as_deref()
                        .map(|f| format!("[{}] ", esc(f)))
                        .unwrap_or_default();
                    let v = match (&c.old, &c.new) {
                        (Some(a), Some(b)) => {
                            format!("<del>{}</del> → <ins>{}</ins>", esc(a), esc(b))
                        }
                        (Some(a), None) => format!("<del>−{}</del>", esc(a)),
                        (None, Some(b)) => format!("<ins>+{}</ins>", esc(b)),
                        _ => String::new(),
                    };
                    format!("{f}{v}")
                }
            };
            simple.push_str(&format!("<li><b>{}</b> {body}</li>", c.kind.as_str()));
        }
        if !simple.is_empty() {
            h.push_str(&format!("<ul>{simple}</ul>\n"));
        }
        if !sbs.is_empty() {
            h.push_str(&format!(
                "<table class=\"sbs\"><thead><tr><th>Old</th><th>New</th></tr></thead><tbody>{sbs}</tbody></table>\n"
            ));
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
    if !d.notes.is_empty() {
        h.push_str("<section id=\"notes\"><h2>Notes</h2><ul>");
        for n in &d.notes {
            h.push_str(&format!("<li>{}</li>", esc(n)));
        }
        h.push_str("</ul></section>\n");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::{Options, parse_text};

    fn sample() -> Diff {
        let a = "一、主要指标\n1.全省市场主体数量达到 850 万户。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n";
        let b = "一、主要指标\n1.全省市场主体数量达到 900 万户<script>。（牵头单位：省局注册处；责任单位：各市、州、县市场监管局）\n";
        let o = Options::default();
        diff(&parse_text(a, &o), &parse_text(b, &o))
    }

    #[test]
    fn html_is_escaped_and_self_contained() {
        let h = to_html(&sample());
        assert!(!h.contains("<script>"));
        assert!(h.contains("&lt;script&gt;"));
        assert!(!h.contains("http://") && !h.contains("https://"));
        let impact = h.find("id=\"impact\"").unwrap();
        let changes = h.find("id=\"changes\"").unwrap();
        assert!(impact < changes);
        assert!(h.contains("<ins>900</ins>"), "{h}");
    }

    #[test]
    fn text_has_impact_first_and_no_colour_when_off() {
        let t = to_text(&sample(), false);
        assert!(!t.contains('\x1b'));
        assert!(t.find("Impact by unit").unwrap() < t.find("Changes").unwrap());
        assert!(t.contains("850万户 → 900万户"), "{t}");
        assert!(to_text(&sample(), true).contains("\x1b[31m"));
    }

    #[test]
    fn csv_has_bom_and_rows() {
        let c = to_csv(&sample(), true).unwrap();
        assert!(c.starts_with(b"\xEF\xBB\xBF"));
        let s = String::from_utf8(c[3..].to_vec()).unwrap();
        assert!(
            s.lines()
                .next()
                .unwrap()
                .starts_with("kind,unit,gained,lost")
        );
        assert!(s.contains(",,,,,,一/1,一/1,"), "{s}");
        let mut r = csv::Reader::from_reader(s.as_bytes());
        for row in r.records() {
            let row = row.unwrap();
            // Impact rows hold counts in their own columns, changes do not.
            let counts = &row[2];
            assert_eq!(
                &row[0] == "impact",
                counts.parse::<usize>().is_ok(),
                "{row:?}"
            );
        }
        assert!(!to_csv(&sample(), false).unwrap().starts_with(b"\xEF"));
    }
}
