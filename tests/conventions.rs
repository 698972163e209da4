//! One small test per unit-clause, numbering and target convention found in
//! real notices (issue 3), through the library API.

mod common;
use common::*;

#[test]
fn label_words_bumen() {
    let n = parse("一、任务\n1.甲。（牵头部门：市发改委；责任部门：市财政局）\n");
    assert_eq!(
        (lead(item(&n, &["一", "1"])), resp(item(&n, &["一", "1"]))),
        (vec!["市发改委"], vec!["市财政局"])
    );
}

#[test]
fn label_words_peihe_canyu_xieban() {
    for label in [
        "配合单位",
        "配合部门",
        "参与单位",
        "协办单位",
        "协同责任单位",
        "监考单位",
    ] {
        let n = parse(&format!(
            "一、任务\n1.甲。（牵头单位：区发改局；{label}：区财政局、区统计局）\n"
        ));
        assert_eq!(
            resp(item(&n, &["一", "1"])),
            vec!["区财政局", "区统计局"],
            "{label}"
        );
    }
}

#[test]
fn lead_responsible_unit_is_one_lead_label() {
    let n = parse("一、任务\n1.甲。（牵头责任单位：区发改局；协同责任单位：区财政局）\n");
    assert_eq!(lead(item(&n, &["一", "1"])), vec!["区发改局"]);
    assert_eq!(resp(item(&n, &["一", "1"])), vec!["区财政局"]);
}

#[test]
fn labels_separated_by_comma_or_spaces() {
    let n = parse(
        "一、任务\n1.甲。（牵头单位：市商务局，责任单位：市编办）\n2.乙。(牵头单位:市商务局  责任单位:市编办、市发改委)\n",
    );
    assert_eq!(resp(item(&n, &["一", "1"])), vec!["市编办"]);
    assert_eq!(lead(item(&n, &["一", "2"])), vec!["市商务局"]);
    assert_eq!(resp(item(&n, &["一", "2"])), vec!["市编办", "市发改委"]);
}

#[test]
fn labels_on_their_own_line_after_the_item() {
    let n = parse(
        "一、目标\n（一）地区生产总值增长7%以上\n\n责任单位:区发展和改革局\n\n（二）工业投资增长12%以上\n牵头单位：区经信局\n责任单位：区统计局\n",
    );
    assert_eq!(resp(item(&n, &["一", "（一）"])), vec!["区发展和改革局"]);
    assert_eq!(lead(item(&n, &["一", "（二）"])), vec!["区经信局"]);
    assert_eq!(resp(item(&n, &["一", "（二）"])), vec!["区统计局"]);
}

#[test]
fn verb_forms() {
    let n = parse(
        "一、任务\n（一）甲。（发展改革委牵头，财政部配合）\n（二）乙。（市场监管总局牵头，国务院相关部门按职责分工负责）\n（三）丙。（商务部负责）\n（四）丁。（人民银行及各地区按职责分工负责）\n",
    );
    assert_eq!(
        (
            lead(item(&n, &["一", "（一）"])),
            resp(item(&n, &["一", "（一）"]))
        ),
        (vec!["发展改革委"], vec!["财政部"])
    );
    assert_eq!(resp(item(&n, &["一", "（二）"])), vec!["国务院相关部门"]);
    assert_eq!(
        (
            lead(item(&n, &["一", "（三）"])),
            resp(item(&n, &["一", "（三）"]))
        ),
        (vec![], vec!["商务部"])
    );
    assert_eq!(
        resp(item(&n, &["一", "（四）"])),
        vec!["人民银行", "各地区"]
    );
}

#[test]
fn you_x_qiantou_as_a_sentence_of_its_own_not_inside_a_task_sentence() {
    let n = parse(
        "一、措施\n（一）推进创建。由林业局牵头，农牧局、工商局(质监局)配合。\n（二）推进。由林业局牵头，农牧局配合，开展创建。\n",
    );
    let i = item(&n, &["一", "（一）"]);
    assert_eq!(
        (lead(i), resp(i)),
        (vec!["林业局"], vec!["农牧局", "工商局(质监局)"])
    );
    let i = item(&n, &["一", "（二）"]);
    assert!(i.lead_units.is_empty() && i.responsible_units.is_empty());
}

#[test]
fn first_listed_is_lead_declared_once() {
    let n = parse(
        "一、措施\n（一）甲。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）\n（二）乙。（教育部、人力资源社会保障部负责）\n",
    );
    assert_eq!(lead(item(&n, &["一", "（二）"])), vec!["教育部"]);
    let n = parse(
        "一、措施\n1.甲。（海关总署、财政部负责，排在第一位的部门为牵头部门，下同）\n2.乙。（商务部、海关总署负责）\n",
    );
    assert_eq!(lead(item(&n, &["一", "2"])), vec!["商务部"]);
    assert_eq!(resp(item(&n, &["一", "2"])), vec!["海关总署"]);
}

#[test]
fn a_section_heading_clause_stays_with_the_section() {
    // An item never borrows the units of another item, its section included.
    let n = parse(
        "一、强化科技创新(区科技局牵头)\n总体要求。\n(一)加强科创平台建设。\n(二)支持研发。(区财政局负责)\n",
    );
    assert_eq!(lead(item(&n, &["一"])), vec!["区科技局"]);
    assert!(lead(item(&n, &["一", "（一）"])).is_empty());
    assert_eq!(resp(item(&n, &["一", "（二）"])), vec!["区财政局"]);
    assert!(lead(item(&n, &["一", "（二）"])).is_empty());
}

#[test]
fn leaders_and_deadlines_are_not_units() {
    let n = parse(
        "一、任务\n1.甲。（牵头单位：区发改局；责任领导：杜新国；完成时限：2020年12月底前）\n2.乙。(国务院各部门分别负责,年内持续推进)\n",
    );
    let i = item(&n, &["一", "1"]);
    assert_eq!(
        (lead(i), i.leaders.clone(), i.deadline.as_deref()),
        (
            vec!["区发改局"],
            vec!["杜新国".to_string()],
            Some("2020年12月底前")
        )
    );
    let i = item(&n, &["一", "2"]);
    assert_eq!(
        (resp(i), i.deadline.as_deref()),
        (vec!["国务院各部门"], Some("年内持续推进"))
    );
}

#[test]
fn units_with_parentheses_open_lists_and_collectives() {
    let n = parse(
        "一、任务\n1.甲。\n责任单位:市疫情防控指挥部办公室、市卫生健康委等,各县(市、区)政府(管委会)\n2.乙。（区发改局牵头，各区、县级市配合）\n",
    );
    assert_eq!(
        resp(item(&n, &["一", "1"])),
        vec![
            "市疫情防控指挥部办公室",
            "市卫生健康委",
            "各县(市、区)政府(管委会)"
        ]
    );
    assert_eq!(resp(item(&n, &["一", "2"])), vec!["各区、县级市"]);
}

#[test]
fn numbering_runs_on_skips_levels_and_nests_directly() {
    let n = parse(
        "一、总体\n（一）甲\n1.子一。\n2.子二。\n（二）乙\n3.子三。\n二、措施\n4.子四。\n（三）丙\n",
    );
    let paths: Vec<String> = n.items.iter().map(|i| i.path.join("/")).collect();
    assert_eq!(
        paths,
        vec![
            "一",
            "一/（一）",
            "一/（一）/1",
            "一/（一）/2",
            "一/（二）",
            "一/（二）/3",
            "二",
            "二/4",
            "二/（三）"
        ]
    );
}

#[test]
fn flattened_notice_on_one_line() {
    let n = parse(
        "方案。一、把政策结合起来（一）研究制度化。（财政部牵头，各地区按职责分工负责）具体措施：1．推进。2．落实。（二）优化服务。（国务院办公厅负责）二、提升效能（三）加强。（商务部负责）\n",
    );
    let paths: Vec<String> = n.items.iter().map(|i| i.path.join("/")).collect();
    assert_eq!(
        paths,
        vec![
            "一",
            "一/（一）",
            "一/（一）/1",
            "一/（一）/2",
            "一/（二）",
            "二",
            "二/（三）"
        ]
    );
    assert_eq!(lead(item(&n, &["一", "（一）"])), vec!["财政部"]);
}

#[test]
fn traditional_characters_and_pinyin_glosses() {
    let n = parse(
        "一、努力構建現代產業體系\n(一)加快建設汽車產業基地。(牽頭單位:市經貿委;配合單位:市發(fā)改委、國土房管局)\n",
    );
    let i = item(&n, &["一", "（一）"]);
    assert_eq!(lead(i), vec!["市經貿委"]);
    assert_eq!(resp(i), vec!["市發改委", "市國土房管局"]);
}

#[test]
fn spliced_page_header_is_removed() {
    let n = parse(
        "一、任务\n1.对有明确时间节点的重许昌市人民政府文件许政〔2020〕21号大工作实行专项督查。\n",
    );
    assert_eq!(
        item(&n, &["一", "1"]).heading,
        "对有明确时间节点的重大工作实行专项督查"
    );
}

#[test]
fn report_style_targets_with_change() {
    let n = parse(
        "一、目标\n1.地区生产总值增长6.2%左右，城镇调查失业率控制在5.5%以内，粮食产量稳定在23万吨，城镇新增就业900万人以上，CPI下降1个百分点。\n",
    );
    let t: Vec<(f64, &str, &str, Option<&str>)> = item(&n, &["一", "1"])
        .targets
        .iter()
        .map(|t| {
            (
                t.value,
                t.unit.as_str(),
                t.comparator.as_str(),
                t.change.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        t,
        vec![
            (6.2, "%", "≈", Some("increase")),
            (5.5, "%", "<=", None),
            (23.0, "万吨", "=", None),
            (900.0, "万人", ">=", None),
            (1.0, "个百分点", "=", Some("decrease")),
        ]
    );
}
