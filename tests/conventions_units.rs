//! One test per unit rule of the extraction contract (`eval/GUIDE.md`,
//! "Units"), each on an invented example, through the library API.

mod common;
use common::*;

/// Lead and responsible names of the only task of a one-task notice.
fn roles(task: &str) -> (Vec<String>, Vec<String>) {
    let n = parse(&format!("一、工作任务\n1.{task}\n"));
    let i = item(&n, &["一", "1"]);
    let own = |v: Vec<&str>| v.into_iter().map(String::from).collect();
    (own(lead(i)), own(resp(i)))
}

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn clauses_in_every_bracket_kind() {
    for (open, close) in [
        ("（", "）"),
        ("(", ")"),
        ("〔", "〕"),
        ("【", "】"),
        ("〈", "〉"),
        ("［", "］"),
    ] {
        let got = roles(&format!(
            "建设智慧菜场。{open}牵头单位：市商务委；责任单位：市农业农村委、市城管局{close}"
        ));
        assert_eq!(
            got,
            (s(&["市商务委"]), s(&["市农业农村委", "市城管局"])),
            "{open}{close}"
        );
    }
}

#[test]
fn any_label_word_ending_in_danwei_bumen_chushi() {
    assert_eq!(
        roles("整治河道。（主责单位：县水利局；协作部门：县林业局、县环保局）"),
        (s(&["县水利局"]), s(&["县林业局", "县环保局"]))
    );
    assert_eq!(
        roles("整治河道。（牵头科室：法规股；配合科室：执法大队）"),
        (s(&["法规股"]), s(&["执法大队"]))
    );
}

#[test]
fn role_verb_only_clauses_name_responsible_units() {
    assert_eq!(
        roles("规范养老服务。（县民政局、县卫健局指导）"),
        (s(&[]), s(&["县民政局", "县卫健局"]))
    );
    assert_eq!(
        roles("规范养老服务。（县民政局指导，各乡镇参与）"),
        (s(&[]), s(&["县民政局", "各乡镇"]))
    );
    assert_eq!(
        roles("规范养老服务。（县民政局指导，县福利中心负责落实）"),
        (s(&[]), s(&["县民政局", "县福利中心"]))
    );
    assert_eq!(
        roles("规范养老服务。（县老龄办参与）"),
        (s(&[]), s(&["县老龄办"]))
    );
}

#[test]
fn standing_notes_in_a_clause_are_not_units() {
    assert_eq!(
        roles(
            "推进数字政府建设。（市大数据局牵头，市级各部门按职责分工负责。具体任务不再做分工，下同）"
        ),
        (s(&["市大数据局"]), s(&["市级各部门"]))
    );
    assert_eq!(
        roles("推进数字政府建设。（市大数据局牵头；以下均需各区政府落实，不再列出）"),
        (s(&["市大数据局"]), s(&[]))
    );
}

#[test]
fn a_sentence_of_its_own_assigns_units_but_running_text_does_not() {
    assert_eq!(
        roles("开展校园食品安全检查。县教育局、县市场监管局、县卫健局负责落实。"),
        (s(&[]), s(&["县教育局", "县市场监管局", "县卫健局"]))
    );
    let n = parse(
        "一、工作任务\n1.开展校园食品安全检查。\n县教育局牵头，各中小学配合。\n2.完善补贴制度。由县财政局会同县人社局研究制定补贴办法。\n",
    );
    let i = item(&n, &["一", "1"]);
    assert_eq!((lead(i), resp(i)), (vec!["县教育局"], vec!["各中小学"]));
    let i = item(&n, &["一", "2"]);
    assert!(i.lead_units.is_empty() && i.responsible_units.is_empty());
}

#[test]
fn huitong_names_the_partner_of_the_lead() {
    assert_eq!(
        roles("修订管理办法。（市司法局会同市住建局负责）"),
        (s(&["市司法局"]), s(&["市住建局"]))
    );
    assert_eq!(
        roles("修订管理办法。（由市司法局会同有关部门负责）"),
        (s(&["市司法局"]), s(&["有关部门"]))
    );
}

#[test]
fn a_deadline_after_a_comma_is_the_deadline() {
    let n = parse("一、工作任务\n1.建成便民服务站。（区民政局牵头，区财政局配合，6月底完成）\n");
    let i = item(&n, &["一", "1"]);
    assert_eq!((lead(i), resp(i)), (vec!["区民政局"], vec!["区财政局"]));
    assert_eq!(i.deadline.as_deref(), Some("6月底完成"));
    let n =
        parse("一、工作任务\n1.建成便民服务站。（责任单位：区民政局、区财政局，2024年9月底前）\n");
    let i = item(&n, &["一", "1"]);
    assert_eq!(resp(i), vec!["区民政局", "区财政局"]);
    assert_eq!(i.deadline.as_deref(), Some("2024年9月底前"));
}

#[test]
fn ji_and_he_between_two_units_split() {
    assert_eq!(
        roles("精简议事机构。（区委编办及区直相关部门负责）"),
        (s(&[]), s(&["区委编办", "区直相关部门"]))
    );
    assert_eq!(
        roles("开展宣传。（区委宣传部和区文旅局负责）"),
        (s(&[]), s(&["区委宣传部", "区文旅局"]))
    );
    // `住房和城乡建设局` is one name: `住房` is not a unit.
    assert_eq!(
        roles("改造老旧小区。（区住房和城乡建设局负责）"),
        (s(&[]), s(&["区住房和城乡建设局"]))
    );
}

#[test]
fn pooled_clauses_list_each_unit_once_in_order() {
    assert_eq!(
        roles(
            "完善物流网络。建设冷链中心（市商务局牵头，市交通局配合）；发展快递进村（市邮政管理局牵头，市交通局、市供销社配合）。"
        ),
        (
            s(&["市商务局", "市邮政管理局"]),
            s(&["市交通局", "市供销社"])
        )
    );
}

#[test]
fn only_bare_department_names_inherit_a_prefix() {
    assert_eq!(
        roles("办好民生实事。（责任单位：市民政局、人社局、高新区管委会、团市委、江东区、各街道）")
            .1,
        s(&[
            "市民政局",
            "市人社局",
            "高新区管委会",
            "团市委",
            "江东区",
            "各街道"
        ])
    );
    assert_eq!(
        roles("办好民生实事。（责任单位：省局法规处、相关业务处室）").1,
        s(&["省局法规处", "相关业务处室"])
    );
}

#[test]
fn collectives_distribute_over_place_levels_but_not_over_other_kinds() {
    assert_eq!(
        roles("推进河长制。（责任单位：各有关县、市、区，各乡镇、县直各单位）").1,
        s(&["各有关县、市、区", "各乡镇", "县直各单位"])
    );
    assert_eq!(
        roles("推进河长制。（县水利局牵头，各专项牵头单位负责）"),
        (s(&["县水利局"]), s(&["各专项牵头单位"]))
    );
}

#[test]
fn truncated_clause_keeps_complete_names_and_warns() {
    let n = parse(
        "一、工作任务\n1.甲项工作。（牵头单位：市发改委）\n2.乙项工作。（牵头单位：市财政局；责任单位：市税务局、各县人民政府〈含园区、",
    );
    let i = item(&n, &["一", "2"]);
    assert_eq!(
        (lead(i), resp(i)),
        (vec!["市财政局"], vec!["市税务局", "各县人民政府"])
    );
    assert!(i.warnings.iter().any(|w| w == "truncated-clause"));
    let n = parse(
        "一、工作任务\n1.甲项工作。（牵头单位：市发改委）\n2.乙项工作。（市商务局牵头，市交通局、市邮",
    );
    let i = item(&n, &["一", "2"]);
    assert_eq!((lead(i), resp(i)), (vec!["市商务局"], vec!["市交通局"]));
    assert!(i.warnings.iter().any(|w| w == "truncated-clause"));
}

#[test]
fn an_item_never_borrows_the_units_of_the_item_before_it() {
    let n = parse("一、工作任务\n1.甲项工作。（市发改委负责）\n2.乙项工作，持续推进。\n");
    let i = item(&n, &["一", "2"]);
    assert!(i.lead_units.is_empty() && i.responsible_units.is_empty());
}

#[test]
fn a_section_clause_in_a_table_cell_is_not_passed_down() {
    // The section's units came from a cell line after its title, not from the
    // title itself: its tasks keep their own units only.
    let n = parse(
        "序号\n工作措施\n责任单位\n一、财税支持\n（一）减免税费\n市税务局\n1.免征个人所得税\n",
    );
    assert!(
        item(&n, &["一", "（一）", "1"])
            .responsible_units
            .is_empty()
    );
}

#[test]
fn every_unit_has_an_evidence_span_into_the_item_text() {
    let n = parse(
        "一、工作任务\n1.推進「一網通辦」。（牽頭單位：市政務服務局；責任單位：市發改委、財政局）\n2.建立台账。县教育局负责落实。\n",
    );
    for it in &n.items {
        let chars: Vec<char> = it.text.chars().collect();
        for u in it.lead_units.iter().chain(&it.responsible_units) {
            let [a, b] = u.span.expect("span");
            let seen: String = chars[a..b].iter().collect();
            assert_eq!(seen, u.raw, "{:?}", it.path);
        }
    }
    assert_eq!(resp(item(&n, &["一", "1"])), vec!["市發改委", "市財政局"]);
}

#[test]
fn labels_in_brackets_of_their_own() {
    let n = parse(
        "一、工作任务\n1.建设口袋公园。\n【牵头单位】区城管局【责任单位】区住建局、各街道\n2.整治背街小巷。【责任单位】区城管局\n",
    );
    let i = item(&n, &["一", "1"]);
    assert_eq!(
        (lead(i), resp(i)),
        (vec!["区城管局"], vec!["区住建局", "各街道"])
    );
    assert_eq!(resp(item(&n, &["一", "2"])), vec!["区城管局"]);
}

#[test]
fn a_scope_note_in_brackets_is_not_part_of_the_name() {
    let n = parse(
        "一、工作任务\n1.建设口袋公园。（牵头单位：市城管局；责任单位：各区人民政府（含开发区管委会，下同）、市财政局）\n",
    );
    let i = item(&n, &["一", "1"]);
    assert_eq!(resp(i), vec!["各区人民政府", "市财政局"]);
    assert_eq!(
        i.responsible_units[0].raw,
        "各区人民政府（含开发区管委会，下同）"
    );
}

#[test]
fn table_rows_under_a_header_row_in_a_section_and_starred_leads() {
    let n = parse(
        "一、重点工作\n序号\n重点工作\n责任单位\n1.地区生产总值增长6.5%。\n区发改局\n2.争取省级专项资金3亿元以上。\n区财政局*、区发改局\n",
    );
    let i = item(&n, &["一", "1"]);
    assert_eq!((lead(i), resp(i)), (vec![], vec!["区发改局"]));
    let i = item(&n, &["一", "2"]);
    assert_eq!((lead(i), resp(i)), (vec!["区财政局"], vec!["区发改局"]));
    assert_eq!(i.lead_units[0].raw, "区财政局");
}
