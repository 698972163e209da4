//! CSV writers with a UTF-8 BOM by default (Excel in China opens BOM-less
//! UTF-8 as GBK): items (one row per item), units (item × role × unit, for
//! pivot tables) and targets (one row per target). Lists inside a cell are
//! joined with `；`; the rows of the units and targets tables repeat their
//! item's heading cut to [`super::CONTEXT_CHARS`] characters.

use super::context;
use crate::model::{Notice, format_number};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV writer into memory, starting with a UTF-8 BOM when `bom`.
pub fn writer(bom: bool) -> csv::Writer<Vec<u8>> {
    let buf = if bom { BOM.to_vec() } else { Vec::new() };
    csv::WriterBuilder::new().from_writer(buf)
}

/// Flush a writer made by [`writer`] and return its bytes.
pub fn finish(w: csv::Writer<Vec<u8>>) -> std::io::Result<Vec<u8>> {
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn join<T>(xs: &[T], f: impl Fn(&T) -> String) -> String {
    xs.iter().map(f).collect::<Vec<_>>().join("；")
}

/// Items CSV: source, path, level, heading, lead units, responsible units,
/// targets, deadline, warnings, text.
pub fn items_csv(notices: &[Notice], bom: bool) -> std::io::Result<Vec<u8>> {
    let mut w = writer(bom);
    w.write_record([
        "source",
        "path",
        "level",
        "heading",
        "lead_units",
        "responsible_units",
        "targets",
        "deadline",
        "warnings",
        "text",
    ])?;
    for n in notices {
        for it in &n.items {
            w.write_record([
                n.source.as_deref().unwrap_or(""),
                &it.path.join("/"),
                &it.level.to_string(),
                &it.heading,
                &join(&it.lead_units, |u| u.name.clone()),
                &join(&it.responsible_units, |u| u.name.clone()),
                &join(&it.targets, |t| t.raw.clone()),
                it.deadline.as_deref().unwrap_or(""),
                &it.warnings.join("；"),
                &it.text,
            ])?;
        }
    }
    finish(w)
}

/// Units CSV: one row per item × role × unit.
pub fn units_csv(notices: &[Notice], bom: bool) -> std::io::Result<Vec<u8>> {
    let mut w = writer(bom);
    w.write_record([
        "source",
        "path",
        "heading",
        "role",
        "raw",
        "name",
        "canonical",
        "kind",
        "known",
    ])?;
    for n in notices {
        for it in &n.items {
            let heading = context(&it.heading);
            for (role, units) in [
                ("lead", &it.lead_units),
                ("responsible", &it.responsible_units),
            ] {
                for u in units {
                    w.write_record([
                        n.source.as_deref().unwrap_or(""),
                        &it.path.join("/"),
                        &heading,
                        role,
                        &u.raw,
                        &u.name,
                        &u.canonical,
                        u.kind.as_str(),
                        if u.known { "yes" } else { "no" },
                    ])?;
                }
            }
        }
    }
    finish(w)
}

/// Targets CSV: one row per target.
pub fn targets_csv(notices: &[Notice], bom: bool) -> std::io::Result<Vec<u8>> {
    let mut w = writer(bom);
    w.write_record([
        "source",
        "path",
        "heading",
        "raw",
        "metric",
        "value",
        "max",
        "unit",
        "comparator",
        "period",
        "deadline",
        "cumulative",
        "change",
        "factor",
        "scaled_value",
        "confidence",
        "confidence_reason",
        "span",
    ])?;
    for n in notices {
        for it in &n.items {
            let heading = context(&it.heading);
            for t in &it.targets {
                w.write_record([
                    n.source.as_deref().unwrap_or(""),
                    &it.path.join("/"),
                    &heading,
                    &t.raw,
                    t.metric.as_deref().unwrap_or(""),
                    &format_number(t.value),
                    &t.max.map(format_number).unwrap_or_default(),
                    &t.unit,
                    &t.comparator,
                    t.period.as_deref().unwrap_or(""),
                    t.deadline.as_deref().unwrap_or(""),
                    if t.cumulative { "yes" } else { "" },
                    t.change.as_deref().unwrap_or(""),
                    &t.factor.map(format_number).unwrap_or_default(),
                    &t.scaled_value.map(format_number).unwrap_or_default(),
                    &format_number(t.confidence),
                    t.confidence_reason.as_deref().unwrap_or(""),
                    &t.span.map(|[s, e]| format!("{s}-{e}")).unwrap_or_default(),
                ])?;
            }
        }
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::CONTEXT_CHARS;
    use crate::{Options, parse_text};

    /// One task whose first sentence runs on: 600 quantities, then a unit.
    fn long_sentence() -> Notice {
        let text = format!(
            "一、任务\n1.推进工作{}（牵头单位：省发展改革委）。\n",
            "达到850万户，".repeat(600)
        );
        parse_text(&text, &Options::default())
    }

    fn column(bytes: &[u8], name: &str) -> Vec<String> {
        let mut r = csv::Reader::from_reader(bytes);
        let at = r.headers().unwrap().iter().position(|h| h.ends_with(name));
        r.records()
            .map(|row| row.unwrap()[at.unwrap()].to_string())
            .collect()
    }

    #[test]
    fn long_tables_repeat_a_cut_heading_and_the_items_table_keeps_it_whole() {
        let n = long_sentence();
        let heading = &n.items[1].heading;
        assert!(heading.chars().count() > 4 * CONTEXT_CHARS, "{heading}");
        let cut = crate::output::context(heading);
        let targets = column(
            &targets_csv(std::slice::from_ref(&n), false).unwrap(),
            "heading",
        );
        assert_eq!(targets.len(), 600);
        assert!(targets.iter().all(|h| *h == cut));
        let units = column(
            &units_csv(std::slice::from_ref(&n), false).unwrap(),
            "heading",
        );
        assert_eq!(units, [cut.to_string()]);
        let items = column(
            &items_csv(std::slice::from_ref(&n), false).unwrap(),
            "heading",
        );
        assert_eq!(items[1], *heading);
        for rows in [
            crate::output::xlsx::unit_rows(std::slice::from_ref(&n)),
            crate::output::xlsx::target_rows(std::slice::from_ref(&n)),
        ] {
            assert!(rows.iter().all(|r| r.cells[2].text() == cut));
        }
    }
}
