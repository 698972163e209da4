//! One test per numbering, header and segmentation rule of GUIDE.md
//! ("Items", "Items in tables without numbers") and issues #10/#12, each
//! from an invented example, through the library API.

mod common;
use common::*;
use fengong::{Item, Notice};

fn paths(n: &Notice) -> Vec<String> {
    n.items.iter().map(|i| i.path.join("/")).collect()
}

fn item<'a>(n: &'a Notice, path: &[&str]) -> &'a Item {
    n.items
        .iter()
        .find(|i| i.path == path)
        .unwrap_or_else(|| panic!("no item {path:?} in {:?}", paths(n)))
}

fn names(units: &[fengong::Unit]) -> Vec<&str> {
    units.iter().map(|u| u.name.as_str()).collect()
}

#[test]
fn a_label_followed_by_digits_is_read_as_the_next_number() {
    let n = parse(
        "一、重点工程\n5.建设智慧园区。（牵头单位：区科技局）\n6.推进数字乡村。（牵头单位：区农业局）\n7.365便民工程推进到社区。（牵头单位：区民政局）\n",
    );
    assert_eq!(paths(&n), vec!["一", "一/5", "一/6", "一/7"]);
    let seven = item(&n, &["一", "7"]);
    assert_eq!(seven.heading, "365便民工程推进到社区");
    assert_eq!(names(&seven.lead_units), vec!["区民政局"]);
    assert_eq!(names(&item(&n, &["一", "6"]).lead_units), vec!["区农业局"]);
}

#[test]
fn a_decimal_is_never_a_label() {
    // A page break before a number the numbering does not expect (3.5,
    // where 2 is next) joins the pieces of the sentence; a decimal after a
    // sentence end is not cut out as a label either.
    let n = parse(
        "一、目标\n1.扩大有效投资。全年完成全社会固定资产投资\n3.5亿元以上，其中民间投资占比提高。2.3万户企业纳入监测。\n2.稳定就业。\n",
    );
    assert_eq!(paths(&n), vec!["一", "一/1", "一/2"]);
    let one = item(&n, &["一", "1"]);
    assert!(one.text.contains("投资3.5亿元以上"), "{}", one.text);
    assert!(one.text.contains("2.3万户企业"), "{}", one.text);
    assert_eq!(item(&n, &["一", "2"]).heading, "稳定就业");
}

#[test]
fn a_number_starting_a_line_is_not_merged_silently() {
    let n = parse("一、任务\n1.甲。\n2.乙。\n5.365工程。\n");
    assert_eq!(paths(&n), vec!["一", "一/1", "一/2"]);
    let two = item(&n, &["一", "2"]);
    assert!(two.text.contains("5.365工程"));
    assert!(
        two.warnings
            .iter()
            .any(|w| w.starts_with("number-not-label")),
        "{:?}",
        two.warnings
    );
}

#[test]
fn items_numbered_one_thousand_and_up() {
    let mut text = String::from("一、任务清单\n");
    for k in 1..=1002 {
        text.push_str(&format!("{k}.任务{k}。（牵头单位：第{k}局）\n"));
    }
    let n = parse(&text);
    assert_eq!(n.items.len(), 1 + 1002);
    for k in [999, 1000, 1001, 1002] {
        let it = item(&n, &["一", &k.to_string()]);
        assert_eq!(names(&it.lead_units), vec![format!("第{k}局")], "{k}");
        assert!(it.warnings.is_empty(), "{k}: {:?}", it.warnings);
    }
}

#[test]
fn an_unexpected_label_is_kept_with_a_warning() {
    let mut text = String::from("一、任务清单\n");
    for k in 1..=999 {
        text.push_str(&format!("{k}.任务{k}。\n"));
    }
    text.push_str("1005.丙。（牵头单位：区财政局）\n");
    let n = parse(&text);
    let it = item(&n, &["一", "1005"]);
    assert_eq!(names(&it.lead_units), vec!["区财政局"]);
    assert!(
        it.warnings
            .iter()
            .any(|w| w.starts_with("unexpected-label")),
        "{:?}",
        it.warnings
    );
    assert!(item(&n, &["一", "999"]).lead_units.is_empty());
    // Sure labels that skip a number are kept too, and flagged.
    let n = parse("一、任务\n1.甲。\n3.丙。\n");
    assert_eq!(paths(&n), vec!["一", "一/1", "一/3"]);
    assert!(item(&n, &["一", "3"]).warnings[0].starts_with("unexpected-label"));
}

#[test]
fn a_year_in_brackets_is_not_a_label() {
    let n = parse("一、任务\n1.甲。\n（2025）年底前完成全部改造。\n2.乙。\n");
    assert_eq!(paths(&n), vec!["一", "一/1", "一/2"]);
}

#[test]
fn site_chrome_around_the_header_of_a_web_copy() {
    let n = parse(
        "当前位置：首页 > 政务公开 > 通知公告\n【通知公告】青山县人民政府办公室关于印发青山县春耕生产工作方案的通知\n发布时间：2024-03-02 09:30  来源：县政府办公室  浏览次数：318\n【字体：大 中 小】 打印  分享到：\n各乡镇人民政府，县直各单位：\n现将《青山县春耕生产工作方案》印发给你们，请认真贯彻执行。\n青山县人民政府办公室\n2024年3月1日\n青山县春耕生产工作方案\n一、主要任务\n1.抓好备耕。（牵头单位：县农业农村局）\n【打印本页】【关闭窗口】\n扫一扫在手机打开当前页\n",
    );
    let m = &n.meta;
    assert_eq!(
        m.title.as_deref(),
        Some("青山县人民政府办公室关于印发青山县春耕生产工作方案的通知")
    );
    assert_eq!(m.issuer.as_deref(), Some("青山县人民政府办公室"));
    assert_eq!(m.recipients.as_deref(), Some("各乡镇人民政府，县直各单位"));
    assert_eq!(m.date.as_deref(), Some("2024-03-01"));
    assert_eq!(
        m.attachment_title.as_deref(),
        Some("青山县春耕生产工作方案")
    );
    assert_eq!(
        item(&n, &["一", "1"]).text,
        "抓好备耕。（牵头单位：县农业农村局）"
    );
}

#[test]
fn an_info_bar_glued_after_the_title_is_cut() {
    let n = parse(
        "关于做好秋季防火工作的通知 发布时间：2024-09-02 来源：应急管理局\n各乡镇：\n为做好秋季防火工作，通知如下。\n一、压实责任\n1.开展巡查。\n",
    );
    assert_eq!(n.meta.title.as_deref(), Some("关于做好秋季防火工作的通知"));
}

#[test]
fn the_issuer_is_taken_from_the_title_when_no_line_names_it() {
    let n = parse(
        "河谷市发展改革委关于印发节能工作要点的通知\n各县区发展改革局：\n为做好节能工作，制定本要点。\n一、总体要求\n1.控制能耗。\n",
    );
    assert_eq!(n.meta.issuer.as_deref(), Some("河谷市发展改革委"));
    let n = parse(
        "河谷市财政局、河谷市农业农村局关于下达补贴资金的通知\n各县区：\n现下达补贴资金。\n一、分配原则\n1.按面积分配。\n",
    );
    assert_eq!(
        n.meta.issuer.as_deref(),
        Some("河谷市财政局、河谷市农业农村局")
    );
}

#[test]
fn a_covering_letter_without_a_date_does_not_run_into_the_plan() {
    // The letter's own numbered requirements, no signature date, then the
    // plan's first task: the requirements are the letter's body, not items.
    let n = parse(
        "河谷市人民政府办公室关于印发河谷市节水行动分工方案的通知\n各县区人民政府，市政府各部门：\n现将《河谷市节水行动分工方案》印发给你们，请认真贯彻落实。\n一、提高认识。各县区、各部门要把节水行动摆在重要位置，主要负责同志亲自抓。\n二、压实责任。各牵头单位要制定推进方案，明确时间表和路线图，按时报送进展。\n1.完善用水定额标准。（牵头单位：市水利局）\n2.推进农业节水增效。（牵头单位：市农业农村局）\n",
    );
    assert_eq!(paths(&n), vec!["1", "2"]);
    let body = n.meta.body.as_deref().unwrap_or_default();
    assert!(
        body.starts_with("现将") && body.contains("二、压实责任"),
        "{body}"
    );
    assert_eq!(n.meta.preamble, None);

    // A signature without a date: the letter ends there; the plan's title
    // and preamble follow.
    let n = parse(
        "各县区人民政府：\n现将《河谷市节水行动分工方案》印发给你们，请认真贯彻落实。\n特此通知。\n河谷市人民政府办公室\n河谷市节水行动分工方案\n为推进节水行动，制定本方案。\n一、重点任务\n1.完善用水定额标准。\n",
    );
    let m = &n.meta;
    assert_eq!(
        m.body.as_deref(),
        Some("现将《河谷市节水行动分工方案》印发给你们，请认真贯彻落实。\n特此通知。")
    );
    assert_eq!(m.signature.as_deref(), Some("河谷市人民政府办公室"));
    assert_eq!(
        m.attachment_title.as_deref(),
        Some("河谷市节水行动分工方案")
    );
    assert_eq!(m.preamble.as_deref(), Some("为推进节水行动，制定本方案。"));
    assert_eq!(paths(&n), vec!["一", "一/1"]);
}

#[test]
fn a_letter_to_listed_organs_with_a_seal_note_under_the_signature() {
    let n = parse(
        "河谷市发展改革委、河谷市财政局、河谷市统计局：\n现将《年度推进计划》印发给你们，请认真贯彻执行。\n特此通知。\n河谷市节能工作联席会议办公室\n（河谷市发展改革委代章）\n2024年5月6日\n年度推进计划\n一、完善制度\n1.修订节能条例。\n",
    );
    let m = &n.meta;
    assert_eq!(
        m.recipients.as_deref(),
        Some("河谷市发展改革委、河谷市财政局、河谷市统计局")
    );
    assert_eq!(m.signature.as_deref(), Some("河谷市节能工作联席会议办公室"));
    assert_eq!(m.issuer.as_deref(), Some("河谷市节能工作联席会议办公室"));
    assert_eq!(m.date.as_deref(), Some("2024-05-06"));
    assert_eq!(m.attachment_title.as_deref(), Some("年度推进计划"));
    assert_eq!(m.title, None);
}

#[test]
fn a_page_title_with_the_site_name_after_a_dash() {
    let n = parse(
        "河谷市人民政府关于落实重点工作分工的意见-河谷市人民政府门户网站\n河谷市人民政府关于落实重点工作分工的意见\n河政发〔2024〕3号\n市直有关单位：\n为做好今年工作，提出分工意见如下：\n一、稳增长\n1.扩大投资。\n",
    );
    let m = &n.meta;
    assert_eq!(
        m.title.as_deref(),
        Some("河谷市人民政府关于落实重点工作分工的意见")
    );
    assert_eq!(m.recipients.as_deref(), Some("市直有关单位"));
    assert_eq!(m.issuer.as_deref(), Some("河谷市人民政府"));
}

#[test]
fn unnumbered_table_rows_are_items_in_table_order() {
    // A target table flattened one cell per line, empty cells dropped, a
    // group label (经济运行) between the rows.
    let n = parse(
        "各乡镇人民政府：\n现将2024年度目标任务下达你们。\n河谷县人民政府\n2024年2月1日\n河谷县2024年度目标任务分解表\n项目\n分值\n目标任务\n责任单位\n经济运行\n粮食播种面积\n2\n年终综合考核\n县农业农村局\n森林覆盖率\n1\n县林业局\n新增城镇就业\n3\n城镇登记失业率\n2\n低于4.5\n县人社局\n",
    );
    assert_eq!(paths(&n), vec!["1", "2", "3", "4"]);
    let headings: Vec<&str> = n.items.iter().map(|i| i.heading.as_str()).collect();
    assert_eq!(
        headings,
        vec![
            "粮食播种面积",
            "森林覆盖率",
            "新增城镇就业",
            "城镇登记失业率"
        ]
    );
    assert_eq!(names(&item(&n, &["2"]).responsible_units), vec!["县林业局"]);
    assert_eq!(n.meta.date.as_deref(), Some("2024-02-01"));

    // Under a numbered section, the rows are numbered under it.
    let n = parse(
        "一、主要指标\n重点任务\n牵头单位\n完成时限\n建成5G基站\n县工信局\n2024年12月\n新增市场主体\n县市场监管局\n2024年底前\n二、保障措施\n（一）加强领导。\n",
    );
    assert_eq!(paths(&n), vec!["一", "一/1", "一/2", "二", "二/（一）"]);
    let second = item(&n, &["一", "2"]);
    assert_eq!(second.heading, "新增市场主体");
    assert_eq!(names(&second.lead_units), vec!["县市场监管局"]);
}
