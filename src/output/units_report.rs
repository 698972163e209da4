//! The units report (`fengong units`) as CSV and as an aligned text table.

use crate::units::report::UnitSummary;

/// CSV of the units report: canonical, kind, lead, responsible, notices,
/// known, aliases, department, place, successor (UTF-8 BOM when `bom`).
pub fn csv(rows: &[UnitSummary], bom: bool) -> std::io::Result<Vec<u8>> {
    let mut w = super::csv::writer(bom);
    w.write_record([
        "canonical",
        "kind",
        "lead",
        "responsible",
        "notices",
        "known",
        "aliases",
        "department",
        "place",
        "successor",
    ])?;
    for u in rows {
        w.write_record([
            u.canonical.as_str(),
            u.kind.as_str(),
            &u.lead.to_string(),
            &u.responsible.to_string(),
            &u.notices.to_string(),
            if u.known { "yes" } else { "no" },
            &u.aliases.join("；"),
            u.department.as_deref().unwrap_or(""),
            u.place.as_deref().unwrap_or(""),
            u.successor.as_deref().unwrap_or(""),
        ])?;
    }
    super::csv::finish(w)
}

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if crate::repair::is_wide(c) { 2 } else { 1 })
        .sum()
}

fn pad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

/// The units report as a table for a terminal: unit, kind, department,
/// place, counts, known, aliases (CJK characters count as two columns).
pub fn table(rows: &[UnitSummary]) -> String {
    let w = rows
        .iter()
        .map(|u| width(&u.canonical))
        .max()
        .unwrap_or(4)
        .max(4);
    fn department(u: &UnitSummary) -> Option<&str> {
        u.department.as_deref()
    }
    fn place(u: &UnitSummary) -> Option<&str> {
        u.place.as_deref()
    }
    let column = |f: fn(&UnitSummary) -> Option<&str>, head: &str| {
        rows.iter()
            .map(|u| width(f(u).unwrap_or("")))
            .max()
            .unwrap_or(0)
            .max(width(head))
    };
    let (wd, wp) = (column(department, "department"), column(place, "place"));
    let mut out = format!(
        "{}  {:<11}  {}  {}  {:>4}  {:>4}  {:>4}  {:<5}  aliases\n",
        pad("unit", w),
        "kind",
        pad("department", wd),
        pad("place", wp),
        "lead",
        "resp",
        "docs",
        "known"
    );
    for u in rows {
        out.push_str(&format!(
            "{}  {:<11}  {}  {}  {:>4}  {:>4}  {:>4}  {:<5}  {}\n",
            pad(&u.canonical, w),
            u.kind.as_str(),
            pad(department(u).unwrap_or(""), wd),
            pad(place(u).unwrap_or(""), wp),
            u.lead,
            u.responsible,
            u.notices,
            if u.known { "yes" } else { "NO" },
            u.aliases.join("；")
        ));
    }
    out
}
