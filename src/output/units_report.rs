//! The units report (`fengong units`) as CSV and as an aligned text table.

use crate::units::report::UnitSummary;

/// CSV of the units report: canonical, kind, lead, responsible, notices,
/// known, aliases (UTF-8 BOM when `bom`).
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

/// The units report as a table for a terminal (CJK characters count as two
/// columns).
pub fn table(rows: &[UnitSummary]) -> String {
    let w = rows
        .iter()
        .map(|u| width(&u.canonical))
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{}  {:<11}  {:>4}  {:>4}  {:>4}  {:<5}  aliases\n",
        pad("unit", w),
        "kind",
        "lead",
        "resp",
        "docs",
        "known"
    );
    for u in rows {
        out.push_str(&format!(
            "{}  {:<11}  {:>4}  {:>4}  {:>4}  {:<5}  {}\n",
            pad(&u.canonical, w),
            u.kind.as_str(),
            u.lead,
            u.responsible,
            u.notices,
            if u.known { "yes" } else { "NO" },
            u.aliases.join("；")
        ));
    }
    out
}
