//! The data model every stage shares: a parsed [`Notice`] with its [`Meta`]
//! header and its numbered [`Item`]s, each with [`Unit`]s and [`Target`]s.
//!
//! Field order is declaration order, so JSON output is deterministic. The
//! JSON contract is the one in `docs/rules.md`: `meta`, `items[].path`,
//! `heading`, `text`, `lead_units`, `responsible_units`, `targets`, `warnings`;
//! everything else is extra.

use serde::{Deserialize, Serialize};

/// One parsed notice.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Notice {
    /// File name the notice was read from (no directories), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Input format that was detected (`text`, `docx`, `xlsx`, `html`, `pdf`, …).
    #[serde(default)]
    pub format: String,
    /// Character encoding the text was decoded from (`UTF-8`, `GBK`, …).
    #[serde(default)]
    pub encoding: String,
    /// Header elements (GB/T 9704): issuer, number, title, recipients, date…
    #[serde(default)]
    pub meta: Meta,
    /// Every numbered node, in document order.
    #[serde(default)]
    pub items: Vec<Item>,
    /// Problems found at notice level (not tied to one item).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// Header block of a notice (GB/T 9704 elements) and the attachment's title and preamble.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Meta {
    /// 发文机关, e.g. `湖北省市场监督管理局`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// 发文字号, parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_number: Option<DocNumber>,
    /// Title of the covering document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// 主送机关, without the final colon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipients: Option<String>,
    /// Body of the covering letter (between recipients and signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// 署名 (the issuing organ as signed under the body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// 成文日期 as ISO `YYYY-MM-DD` (or `YYYY-MM` / `YYYY` when only that is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// 附注, e.g. `此件依申请公开`, without the brackets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The attachment's (the plan's) own title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment_title: Option<String>,
    /// Text between the attachment title and the first numbered item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preamble: Option<String>,
}

/// A document number such as `鄂市监综函〔2022〕151号`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct DocNumber {
    /// As written (page-break and space repairs applied).
    pub raw: String,
    /// Agency code, e.g. `鄂市监综函`.
    pub agency_code: String,
    /// Year in the brackets.
    pub year: u32,
    /// Serial number.
    pub serial: u32,
}

/// One numbered node of the plan (section, subsection, task or sub-task).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Item {
    /// Canonical labels from the top down: `["二", "（一）", "1"]`.
    pub path: Vec<String>,
    /// Numbering level of this node: 1 `一、`, 2 `（一）`, 3 `1.`, 4 `（1）`.
    pub level: u8,
    /// The label as written in the source, e.g. `(二)` or `1．`.
    #[serde(default)]
    pub label: String,
    /// Section title, or a task's first sentence, without label and final `。`.
    pub heading: String,
    /// Full text of the item (page breaks repaired), without its label.
    pub text: String,
    /// 牵头 units.
    #[serde(default)]
    pub lead_units: Vec<Unit>,
    /// 责任/配合/参与/协办 units.
    #[serde(default)]
    pub responsible_units: Vec<Unit>,
    /// People named in unit slots (责任领导 …): not units.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub leaders: Vec<String>,
    /// Deadline written inside the unit clause or a 完成时限 cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Numeric targets the item commits to.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Problems found in this item (e.g. `duplicate-label`).
    #[serde(default)]
    pub warnings: Vec<String>,
}

/// The role a unit plays in an item.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 牵头.
    Lead,
    /// 责任 / 配合 / 参与 / 协办.
    Responsible,
}

impl Role {
    /// Lower-case English name, as used in CSV output.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Lead => "lead",
            Role::Responsible => "responsible",
        }
    }
}

/// What sort of body a unit is.
#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// An internal department / office (处, 科, 室, 办公室, 机关党委) or a ministry.
    #[default]
    Department,
    /// An affiliated institution (中心, 院, 所, 站 …).
    Institution,
    /// A subordinate or lower-level bureau or government (…局, …人民政府).
    Subordinate,
    /// A collective reference (`各市、州、县市场监管局`, `…各成员单位`).
    Collective,
    /// A vague reference (`省局相关处室`, `有关部门`).
    Vague,
}

impl UnitKind {
    /// snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Department => "department",
            UnitKind::Institution => "institution",
            UnitKind::Subordinate => "subordinate",
            UnitKind::Collective => "collective",
            UnitKind::Vague => "vague",
        }
    }

    /// Parse the snake_case name (also accepts a few Chinese words).
    pub fn parse(s: &str) -> Option<UnitKind> {
        Some(match s.trim() {
            "department" | "处室" | "部门" => UnitKind::Department,
            "institution" | "直属单位" | "事业单位" => UnitKind::Institution,
            "subordinate" | "下级" => UnitKind::Subordinate,
            "collective" | "集体" => UnitKind::Collective,
            "vague" | "泛指" => UnitKind::Vague,
            _ => return None,
        })
    }
}

/// A unit (organisation) named in an item.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Unit {
    /// As written in the list.
    pub raw: String,
    /// With the shared agency prefix resolved (`食品协调处` → `省局食品协调处`).
    pub name: String,
    /// After the alias table.
    pub canonical: String,
    /// What sort of body it is.
    #[serde(default)]
    pub kind: UnitKind,
    /// Whether an alias table knew this unit.
    #[serde(default)]
    pub known: bool,
    /// Standard department type (`发展和改革委员会`), when the unit names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Place or level word the unit belongs to (`武汉市`, `市`, `省`), when written or inherited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// For a pre-reform department (`质监局`, `工商局`): the department it was merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
    /// Evidence: `[start, end)` in characters (Unicode scalar values) into the item's `text`
    /// where `raw` was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
}

/// A numeric target.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Target {
    /// The matched text as written, e.g. `达到 850 万户`.
    pub raw: String,
    /// The number (Chinese numerals converted).
    #[serde(serialize_with = "ser_number")]
    pub value: f64,
    /// Upper end of a range (`1到2个`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_number"
    )]
    pub max: Option<f64>,
    /// Unit as written, spaces removed (`万户`, `%`, `批次/千人`), may be empty.
    pub unit: String,
    /// `>=`, `<=`, `>`, `<`, `≈` or `=`.
    pub comparator: String,
    /// What is counted (`全省市场主体数量`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// `每年`, `年均` …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Year (or year-month) by which it is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// `累计`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cumulative: bool,
    /// `increase` / `decrease` when the text states a change (增长/提高/下降).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// The multiple of the base the text commits to: `翻一番` 2, `翻两番` 4,
    /// `增长1倍` 2.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_number"
    )]
    pub factor: Option<f64>,
    /// `value` with the magnitude of the unit applied (`850` `万户` → 8,500,000), so
    /// spreadsheets can sum across notices.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_opt_number"
    )]
    pub scaled_value: Option<f64>,
    /// Evidence: `[start, end)` in characters (Unicode scalar values) into the item's `text`
    /// where `raw` was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
    /// How sure the extractor is that this is a committed target: 1.0 when a comparator
    /// and a metric frame it, lower when the framing is weak.
    #[serde(default = "full_confidence")]
    pub confidence: f64,
    /// Why `confidence` is below 1 (`no comparator`, `no metric` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence_reason: Option<String>,
}

fn full_confidence() -> f64 {
    1.0
}

impl Default for Target {
    fn default() -> Self {
        Target {
            raw: String::new(),
            value: 0.0,
            max: None,
            unit: String::new(),
            comparator: String::new(),
            metric: None,
            period: None,
            deadline: None,
            cumulative: false,
            change: None,
            factor: None,
            scaled_value: None,
            span: None,
            confidence: 1.0,
            confidence_reason: None,
        }
    }
}

/// Format a number the way it was most likely written: `850`, `0.1`, `6.5`.
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v}");
        s
    }
}

fn ser_number<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn ser_opt_number<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => ser_number(v, s),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integral_values_serialize_as_integers() {
        let t = Target {
            value: 850.0,
            ..Default::default()
        };
        let j = serde_json::to_string(&t).unwrap();
        assert!(j.contains("\"value\":850,"), "{j}");
        let t = Target {
            value: 0.1,
            ..Default::default()
        };
        assert!(serde_json::to_string(&t).unwrap().contains("\"value\":0.1"));
    }

    #[test]
    fn notice_round_trips_through_json() {
        let n = Notice {
            items: vec![Item {
                path: vec!["一".into()],
                level: 1,
                heading: "主要指标分工".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let back: Notice = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        assert_eq!(back, n);
    }
}
