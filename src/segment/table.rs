//! Task tables flattened one cell per line whose rows carry no number of
//! their own (`项目 / 分值 / 目标任务 / 监考单位`, then `地区生产总值增长率 / 3 /
//! 年终综合考核 / 区发改局`, …). Empty cells are dropped in such copies, so a
//! row is found from what its cells hold: each line fills the next column
//! of the header that accepts it, and a line no later column accepts starts
//! the next row. Rows are items numbered in table order (GUIDE: "Items in
//! tables without numbers"); a row of one short cell followed directly by
//! the next row is a group label (`宏观调控`), not an item. The column
//! headings are data (`src/data/table_columns.txt`).

use crate::repair::fold;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// What a column of the table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Column {
    /// The task or indicator; it starts each row.
    Item,
    /// A number in every row (序号, a score weight): never empty.
    Number,
    /// A target or measure: text or a number.
    Target,
    /// Unit names.
    Units,
    /// A deadline.
    Deadline,
    /// Anything (备注).
    Other,
}

static HEADINGS: LazyLock<HashMap<String, Column>> = LazyLock::new(|| {
    let mut map = HashMap::new();
    let mut column = None;
    for line in include_str!("../data/table_columns.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        column = match line {
            "[item]" => Some(Column::Item),
            "[number]" => Some(Column::Number),
            "[target]" => Some(Column::Target),
            "[units]" => Some(Column::Units),
            "[deadline]" => Some(Column::Deadline),
            "[other]" => Some(Column::Other),
            word => {
                if let Some(c) = column {
                    map.insert(fold(word), c);
                }
                continue;
            }
        };
    }
    map
});

/// What a cell holds, judged from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Number,
    Units,
    Deadline,
    Text,
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]+(?:\.[0-9]+)?%?$").unwrap());

static UNITS_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:局|委|办|厅|部|院|中心|政府|管委会|公司|小组|站|所|队|处|科|室|行|社|联|团|会|街道|乡镇|单位|部门)$")
        .unwrap()
});

static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{4}年|[0-9一二三四五六七八九十]{1,2}月|年底|年内|季度|底前|长期|持续")
        .unwrap()
});

fn classify(folded: &str) -> Cell {
    let f = folded.trim();
    if NUMBER.is_match(f) {
        return Cell::Number;
    }
    let short = |n: usize| f.chars().count() <= n && !f.contains('。');
    if short(120) && UNITS_END.is_match(f.trim_end_matches("等")) {
        return Cell::Units;
    }
    if short(24) && DEADLINE.is_match(f) {
        return Cell::Deadline;
    }
    Cell::Text
}

fn accepts(column: Column, cell: Cell) -> bool {
    match column {
        Column::Item => cell == Cell::Text,
        Column::Number => cell == Cell::Number,
        Column::Target => cell != Cell::Units,
        Column::Units => cell == Cell::Units,
        Column::Deadline => cell == Cell::Deadline,
        Column::Other => true,
    }
}

/// The column of a header cell (`项 目` and `项目` alike).
fn heading(line: &str) -> Option<Column> {
    let f: String = fold(line).chars().filter(|c| !c.is_whitespace()).collect();
    HEADINGS.get(&f).copied()
}

/// A table header written one cell per line from `lines[0]` on: the
/// columns, when there are at least three, one of them the row's task and
/// one the units, a target or a deadline.
pub(super) fn header_at(lines: &[&str]) -> Option<Vec<Column>> {
    let columns: Vec<Column> = lines.iter().map_while(|l| heading(l)).collect();
    let has = |c: Column| columns.contains(&c);
    (columns.len() >= 3
        && has(Column::Item)
        && (has(Column::Units) || has(Column::Target) || has(Column::Deadline)))
    .then_some(columns)
}

/// A flattened table being read: its columns and the cell lines so far.
#[derive(Debug)]
pub(super) struct FlatTable {
    columns: Vec<Column>,
    lines: Vec<String>,
}

/// Longest group label (`宏观调控`, `公共服务`), in characters.
const MAX_GROUP_LABEL: usize = 10;

impl FlatTable {
    /// Start reading rows under the header `columns` (see [`header_at`]).
    pub(super) fn new(columns: Vec<Column>) -> Self {
        FlatTable {
            columns,
            lines: Vec::new(),
        }
    }

    /// Number of header lines.
    pub(super) fn header_len(&self) -> usize {
        self.columns.len()
    }

    /// Read the next cell (one line).
    pub(super) fn push(&mut self, line: &str) {
        self.lines.push(line.to_string());
    }

    /// The first column at or after `from` that takes `cell`; a number
    /// column (filled in every row) is never skipped.
    fn place(&self, from: usize, cell: Cell) -> Option<usize> {
        for (q, &column) in self.columns.iter().enumerate().skip(from) {
            if accepts(column, cell) {
                return Some(q);
            }
            if column == Column::Number {
                return None;
            }
        }
        None
    }

    /// The column a row starts at with `cell`: the task column for text, the
    /// first column for a cell it takes.
    fn row_start(&self, cell: Cell) -> Option<usize> {
        if cell == Cell::Text {
            self.columns.iter().position(|&c| c == Column::Item)
        } else {
            self.place(0, cell).filter(|&q| q == 0)
        }
    }

    /// The rows, each as its cells in order. Each cell fills the next
    /// column that takes it; text that the current row could take still
    /// starts a new row when the cell after it fits only that way
    /// (`社会消费品零售总额增长率 / 3` then `地方公共财政收入增长率 / 3`).
    pub(super) fn rows(self) -> Vec<Vec<String>> {
        let cells: Vec<Cell> = self.lines.iter().map(|l| classify(&fold(l))).collect();
        let mut rows: Vec<(Vec<String>, usize)> = Vec::new();
        for (i, line) in self.lines.iter().enumerate() {
            let cell = cells[i];
            let next = cells.get(i + 1).copied();
            let in_row = rows
                .last()
                .and_then(|&(_, last)| self.place(last + 1, cell));
            let start = self.row_start(cell);
            let next_fits_in_row = |q: usize| next.is_none_or(|n| self.place(q + 1, n).is_some());
            let next_fits_new_row = |q: usize| next.is_some_and(|n| self.place(q + 1, n).is_some());
            let new_row = match (in_row, start) {
                (Some(q), Some(s)) => !next_fits_in_row(q) && next_fits_new_row(s),
                (Some(_), None) => false,
                (None, _) => true,
            };
            if !new_row {
                let row = rows.last_mut().expect("a row to continue");
                row.0.push(line.clone());
                row.1 = in_row.expect("a column");
                continue;
            }
            match start {
                Some(q) => {
                    // The row before, a single short cell, was a group label.
                    if rows.last().is_some_and(|(c, _)| {
                        c.len() == 1 && c[0].chars().count() <= MAX_GROUP_LABEL
                    }) {
                        rows.pop();
                    }
                    rows.push((vec![line.clone()], q));
                }
                // A cell that fits nowhere stays with the row it follows.
                None => match rows.last_mut() {
                    Some((c, _)) => c.push(line.clone()),
                    None => rows.push((vec![line.clone()], 0)),
                },
            }
        }
        rows.into_iter().map(|(cells, _)| cells).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(header: &[&str], cells: &[&str]) -> Vec<Vec<String>> {
        let mut t = FlatTable::new(header_at(header).expect("a table header"));
        for c in cells {
            t.push(c);
        }
        t.rows()
    }

    #[test]
    fn rows_are_found_from_what_their_cells_hold() {
        let rows = read(
            &["项 目", "分值", "目标任务", "责任单位"],
            &[
                "经济运行",
                "粮食播种面积",
                "2",
                "年终综合考核",
                "县农业局",
                "森林覆盖率",
                "1",
                "县林业局、县自然资源局",
                "新增就业人数",
                "3",
                "城镇登记失业率",
                "2",
                "低于4.5",
            ],
        );
        assert_eq!(
            rows,
            vec![
                vec!["粮食播种面积", "2", "年终综合考核", "县农业局"],
                vec!["森林覆盖率", "1", "县林业局、县自然资源局"],
                vec!["新增就业人数", "3"],
                vec!["城镇登记失业率", "2", "低于4.5"],
            ]
        );
    }

    #[test]
    fn a_header_needs_a_task_column_and_a_content_column() {
        assert!(header_at(&["序号", "分值", "备注"]).is_none());
        assert!(header_at(&["重点任务", "牵头单位"]).is_none());
        assert!(header_at(&["重点任务", "牵头单位", "完成时限", "一、任务"]).is_some());
    }
}
