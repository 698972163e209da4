//! Task tables flattened one cell per line whose rows carry no number of
//! their own (`项目 / 分值 / 目标任务 / 监考单位`, then `地区生产总值增长率 / 3 /
//! 年终综合考核 / 区发改局`, …). Empty cells are dropped in such copies, so a
//! row is found from what its cells hold: each line fills the next column
//! of the header that accepts it, and a line no later column accepts starts
//! the next row. Rows are items numbered in table order (GUIDE: "Items in
//! tables without numbers"); a row of one short cell followed directly by
//! the next row is a group label (`宏观调控`), not an item. The column
//! headings are data (`src/data/table_columns.txt`).

use crate::repair::{fold, fold_char};
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
    /// People (责任领导).
    Leaders,
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
            "[leaders]" => Some(Column::Leaders),
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

/// The first characters of the [`HEADINGS`], sorted: a line starting with
/// another one opens no header.
static HEADING_FIRST_CHARS: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut first: Vec<char> = HEADINGS.keys().filter_map(|h| h.chars().next()).collect();
    first.sort_unstable();
    first.dedup();
    first
});

/// What a cell holds, judged from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Number,
    Units,
    Deadline,
    /// A person's name (two to four characters).
    Name,
    Text,
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[0-9]+(?:\.[0-9]+)?%?$").unwrap());

static UNITS_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:局|委|办|厅|部|院|中心|政府|管委会|公司|小组|站|所|队|处|科|股|室|馆|行|社|联|团|会|街道|乡镇|单位|部门)$")
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
    let han: Vec<char> = f.chars().filter(|c| !c.is_whitespace()).collect();
    if (2..=4).contains(&han.len())
        && han
            .iter()
            .all(|&c| crate::repair::is_wide(c) && c.is_alphabetic())
    {
        return Cell::Name;
    }
    Cell::Text
}

fn accepts(column: Column, cell: Cell) -> bool {
    match column {
        Column::Item => matches!(cell, Cell::Text | Cell::Name),
        Column::Number => cell == Cell::Number,
        Column::Target => !matches!(cell, Cell::Units | Cell::Name),
        Column::Units => cell == Cell::Units,
        Column::Deadline => cell == Cell::Deadline,
        Column::Leaders => cell == Cell::Name,
        Column::Other => true,
    }
}

/// Longest heading line, in bytes (`责任股室(单位)` with spaces inside).
const MAX_HEADING_BYTES: usize = 48;

/// Longest unknown heading line accepted between known ones (`区本级`).
const MAX_UNKNOWN_HEADING: usize = 6;

/// A table header written one cell per line from `lines[0]` on: its
/// columns and the number of lines it takes, when there are at least three
/// known headings, one of them the row's task and one the units, a target
/// or a deadline. A bracketed line (`(单位)`) continues the heading before
/// it; short unknown lines between known headings (`区本级` / `任务数`) are
/// one column of other content.
pub(super) fn header_at(lines: &[&str]) -> Option<(Vec<Column>, usize)> {
    // Most lines cannot open a header: check the first character before
    // folding anything (this runs for every line of a notice).
    let first = lines.first()?.trim_start().chars().next().map(fold_char)?;
    if HEADING_FIRST_CHARS.binary_search(&first).is_err() {
        return None;
    }
    let mut columns = Vec::new();
    let mut known = 0;
    let mut consumed = 0;
    let mut unknown_run = 0;
    for (i, line) in lines.iter().enumerate() {
        // Headings are short: a longer line ends the header (unfolded).
        if line.trim().len() > MAX_HEADING_BYTES {
            break;
        }
        let f: String = fold(line).chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(c) = HEADINGS.get(&f) {
            columns.push(*c);
            known += 1;
            consumed = i + 1;
            unknown_run = 0;
            continue;
        }
        let bracketed = f.starts_with('(') && f.ends_with(')') && f.chars().count() <= 8;
        if bracketed && !columns.is_empty() && unknown_run == 0 {
            consumed = i + 1;
            continue;
        }
        let short_word = (1..=MAX_UNKNOWN_HEADING).contains(&f.chars().count())
            && f.chars()
                .all(|c| crate::repair::is_wide(c) && c.is_alphabetic());
        if short_word && known > 0 && unknown_run < 2 {
            if unknown_run == 0 {
                columns.push(Column::Other);
            }
            unknown_run += 1;
            continue;
        }
        break;
    }
    if unknown_run > 0 {
        // Unknown lines after the last known heading are not the header's.
        columns.pop();
    }
    let has = |c: Column| columns.contains(&c);
    (known >= 3
        && has(Column::Item)
        && (has(Column::Units) || has(Column::Target) || has(Column::Deadline)))
    .then_some((columns, consumed))
}

/// A flattened table being read: its columns and the cell lines so far.
#[derive(Debug)]
pub(super) struct FlatTable {
    columns: Vec<Column>,
    header_lines: usize,
    lines: Vec<String>,
}

/// A row of the table, as an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    /// The row's own number (its 序号 cell), if it has one.
    pub number: Option<(String, u32)>,
    /// The cells, the task first (it is the item's heading), then the others
    /// in table order.
    pub cells: Vec<String>,
}

/// Longest group label (`宏观调控`, `公共服务`), in characters.
const MAX_GROUP_LABEL: usize = 10;

impl FlatTable {
    /// Start reading rows under a header found by [`header_at`].
    pub(super) fn new((columns, header_lines): (Vec<Column>, usize)) -> Self {
        FlatTable {
            columns,
            header_lines,
            lines: Vec::new(),
        }
    }

    /// Number of header lines.
    pub(super) fn header_len(&self) -> usize {
        self.header_lines
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

    /// Where the cell after one in column `last` can go: a unit or other
    /// cell may run over several lines (`文化宣传股` / `文化馆`).
    fn place_after(&self, last: usize, cell: Cell) -> Option<usize> {
        let multi_line = matches!(self.columns[last], Column::Units | Column::Other);
        if multi_line && accepts(self.columns[last], cell) && cell != Cell::Number {
            return Some(last);
        }
        self.place(last + 1, cell)
    }

    /// The column a row starts at with `cell`: the first task column for
    /// text, the first column for a cell it takes.
    fn row_start(&self, cell: Cell) -> Option<usize> {
        if matches!(cell, Cell::Text | Cell::Name) {
            self.columns.iter().position(|&c| c == Column::Item)
        } else {
            self.place(0, cell).filter(|&q| q == 0)
        }
    }

    /// The rows, in table order. Each cell fills the next column that takes
    /// it; a cell that the current row could take still starts a new row
    /// when the cell after it fits only that way (`社会消费品零售总额增长率 /
    /// 3` then `地方公共财政收入增长率 / 3`). A row of one short cell followed
    /// directly by the next row is a group label, not a row.
    pub(super) fn rows(self) -> Vec<Row> {
        let cells: Vec<Cell> = self.lines.iter().map(|l| classify(&fold(l))).collect();
        let mut rows: Vec<Vec<(usize, String)>> = Vec::new();
        let numbered = self.columns[0] == Column::Number;
        // The last row number read in the first (序号) column.
        let mut row_number = 0u32;
        for (i, line) in self.lines.iter().enumerate() {
            let cell = cells[i];
            let next = cells.get(i + 1).copied();
            let last = rows.last().and_then(|r| r.last()).map(|c| c.0);
            let in_row = last.and_then(|l| self.place_after(l, cell));
            let start = self.row_start(cell);
            // The next number of a 序号 column starts a row.
            let next_number = numbered
                && cell == Cell::Number
                && line.trim().parse::<u32>().ok() == Some(row_number + 1);
            let new_row = match (in_row, start) {
                _ if next_number => true,
                (Some(q), Some(s)) => {
                    let fits_on = next.is_none_or(|n| self.place_after(q, n).is_some());
                    let fits_new = next.is_some_and(|n| self.place_after(s, n).is_some());
                    !fits_on && fits_new
                }
                (Some(_), None) => false,
                (None, _) => true,
            };
            let line = line.clone();
            match (new_row, in_row, start) {
                (false, Some(q), _) => rows.last_mut().expect("a row").push((q, line)),
                (true, _, Some(s)) => {
                    if next_number {
                        row_number += 1;
                    }
                    if rows
                        .last()
                        .is_some_and(|r| r.len() == 1 && r[0].1.chars().count() <= MAX_GROUP_LABEL)
                    {
                        rows.pop();
                    }
                    rows.push(vec![(s, line)]);
                }
                // A cell that fits nowhere stays with the row it follows.
                _ => match rows.last_mut() {
                    Some(r) => {
                        let col = r.last().map_or(0, |c| c.0);
                        r.push((col, line));
                    }
                    None => rows.push(vec![(0, line)]),
                },
            }
        }
        rows.into_iter().map(|r| self.row(r)).collect()
    }

    /// A row's number (a 序号 cell in the first column) and its cells, the
    /// task first: the last task-column cell (earlier task columns hold
    /// categories that only the first row of a group carries).
    fn row(&self, mut cells: Vec<(usize, String)>) -> Row {
        let mut number = None;
        if let Some((0, first)) = cells.first()
            && self.columns[0] == Column::Number
            && let Ok(n) = first.trim().parse::<u32>()
        {
            number = Some((first.trim().to_string(), n));
            cells.remove(0);
        }
        if let Some(task) = cells
            .iter()
            .rposition(|(c, _)| self.columns[*c] == Column::Item)
        {
            let t = cells.remove(task);
            cells.insert(0, t);
        }
        Row {
            number,
            cells: cells.into_iter().map(|c| c.1).collect(),
        }
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
            .into_iter()
            .map(|r| {
                let mut cells = r.cells;
                if let Some((label, _)) = r.number {
                    cells.insert(0, format!("#{label}"));
                }
                cells
            })
            .collect()
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
    fn numbered_rows_with_category_cells_and_multi_line_unit_cells() {
        let rows = read(
            &[
                "序号",
                "类别",
                "工作任务",
                "完成时限",
                "责任领导",
                "责任股室",
                "(单位)",
            ],
            &[
                "1",
                "公共服务",
                "开展送戏下乡。",
                "12月底前",
                "张三丰",
                "文化股",
                "文化馆",
                "2",
                "办好读书节。",
                "文化股",
            ],
        );
        assert_eq!(
            rows,
            vec![
                vec![
                    "#1",
                    "开展送戏下乡。",
                    "公共服务",
                    "12月底前",
                    "张三丰",
                    "文化股",
                    "文化馆"
                ],
                vec!["#2", "办好读书节。", "文化股"],
            ]
        );
    }

    #[test]
    fn a_header_needs_a_task_column_and_a_content_column() {
        assert!(header_at(&["序号", "分值", "备注"]).is_none());
        assert!(header_at(&["重点任务", "牵头单位"]).is_none());
        assert_eq!(
            header_at(&["重点任务", "牵头单位", "完成时限", "一、任务"]).map(|h| h.1),
            Some(3)
        );
        assert_eq!(
            header_at(&["序号", "重点工作", "区本级", "任务数", "责任单位", "1"]).map(|h| h.1),
            Some(5)
        );
    }
}
