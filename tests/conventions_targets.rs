//! One test per target rule of the extraction GUIDE, each from an invented
//! example (not a corpus line), through the library API.

use fengong::{Options, Target, parse_text};

/// The targets of a one-task notice as (value, unit, comparator).
fn targets(task: &str) -> Vec<(f64, String, String)> {
    full(task)
        .into_iter()
        .map(|t| (t.value, t.unit, t.comparator))
        .collect()
}

fn full(task: &str) -> Vec<Target> {
    let n = parse_text(
        &format!("一、任务\n1.推进工作。{task}\n"),
        &Options::default(),
    );
    n.items
        .into_iter()
        .find(|i| i.path == ["一", "1"])
        .expect("the task item")
        .targets
}

fn t(v: f64, u: &str, c: &str) -> (f64, String, String) {
    (v, u.to_string(), c.to_string())
}

#[test]
fn value_and_unit_as_written_with_scaled_value() {
    let got = full("到2030年，全市家庭宽带用户达到320万户。");
    assert_eq!((got[0].value, got[0].unit.as_str()), (320.0, "万户"));
    assert_eq!(got[0].scaled_value, Some(3_200_000.0));
    assert_eq!(got[0].deadline.as_deref(), Some("2030"));
}

#[test]
fn comparator_words() {
    for (text, cmp) in [
        ("示范园区不少于12个。", ">="),
        ("示范园区至少12个。", ">="),
        ("示范园区个数提高到12个。", ">="),
        ("审批事项不超过12项。", "<="),
        ("审批事项降至12项。", "<="),
        ("入驻企业超过12家。", ">"),
        ("空置率低于12%。", "<"),
        ("新建公园约12个。", "≈"),
        ("新建公园12个左右。", "≈"),
        ("新建社区食堂12个。", "="),
    ] {
        assert_eq!(targets(text)[0].2, cmp, "{text}");
    }
}

#[test]
fn approximate_numbers_with_yu_duo_ji() {
    assert_eq!(targets("带动就业300余万人。"), vec![t(300.0, "万人", "≈")]);
    assert_eq!(
        targets("培训家政人员二十多万人次。"),
        vec![t(20.0, "万人次", "≈")]
    );
    assert_eq!(targets("新增绿地三十几公顷。"), vec![t(30.0, "公顷", "≈")]);
    assert!(full("带动就业300余万人。")[0].raw.contains('余'));
}

#[test]
fn one_target_per_number_written() {
    assert_eq!(
        targets("小学、初中入学率分别达到99%和97%。"),
        vec![t(99.0, "%", ">="), t(97.0, "%", ">=")]
    );
    assert_eq!(
        targets("水稻、小麦良种覆盖率均达到96%。"),
        vec![t(96.0, "%", ">=")]
    );
}

#[test]
fn ranges_have_max() {
    for text in ["每县建设3至5个物流节点。", "每县建设3—5个物流节点。"] {
        let got = full(text);
        assert_eq!(
            (got[0].value, got[0].max, got[0].comparator.as_str()),
            (3.0, Some(5.0), "="),
            "{text}"
        );
    }
}

#[test]
fn government_report_forms() {
    let got = full("力争农村居民人均收入翻一番。");
    assert_eq!(
        (got[0].factor, got[0].change.as_deref()),
        (Some(2.0), Some("increase"))
    );
    let got = full("到2035年，全区经济总量翻两番。");
    assert_eq!(got[0].factor, Some(4.0));
    let got = full("外贸进出口额增长1倍。");
    assert_eq!(
        (got[0].value, got[0].unit.as_str(), got[0].factor),
        (1.0, "倍", Some(2.0))
    );
    let got = full("林草覆盖率提高5个百分点。");
    assert_eq!(
        (got[0].value, got[0].unit.as_str(), got[0].change.as_deref()),
        (5.0, "个百分点", Some("increase"))
    );
    assert_eq!(
        targets("孕产妇死亡率控制在千分之三以内。"),
        vec![t(3.0, "‰", "<=")]
    );
    assert_eq!(
        targets("绿色建筑占比达到百分之七十以上。"),
        vec![t(70.0, "%", ">=")]
    );
    assert_eq!(
        targets("群众满意度达到九成以上。"),
        vec![t(90.0, "%", ">=")]
    );
}

#[test]
fn chinese_numerals_need_a_comparator() {
    assert_eq!(
        targets("建成示范基地不少于十个。"),
        vec![t(10.0, "个", ">=")]
    );
    assert!(targets("推动三个片区协同发展。").is_empty());
    assert!(targets("打造一批特色小镇，建设一张网。").is_empty());
}

#[test]
fn not_targets_dates_codes_slogans_vague_amounts() {
    for text in [
        "2026年3月15日前完成。",
        "开通96345服务热线。",
        "推行“一窗受理、一次办好”。",
        "实施“百县千镇万村”行动。",
        "省市县三级联动推进。",
        "培育若干龙头企业。",
        "依据《某某条例（2019年修订）》第12条执行。",
    ] {
        assert!(targets(text).is_empty(), "{text}: {:?}", targets(text));
    }
}

#[test]
fn durations_committed_to_are_targets() {
    assert_eq!(
        targets("不动产登记时限压缩至3个工作日。"),
        vec![t(3.0, "个工作日", "<=")]
    );
    assert_eq!(
        targets("个体户登记1个工作日内办结。"),
        vec![t(1.0, "个工作日", "<=")]
    );
    assert_eq!(
        targets("专利审查周期缩短至6个月以内。"),
        vec![t(6.0, "个月", "<=")]
    );
}

#[test]
fn time_windows_framing_other_commitments_are_not_targets() {
    assert!(targets("三年内完成老旧管网改造。").is_empty());
    assert!(targets("自本方案印发之日起60日内出台配套细则。").is_empty());
    assert!(targets("力争在两年之内建成信息平台。").is_empty());
    assert_eq!(
        targets("5年内培养高技能人才2000名。"),
        vec![t(2000.0, "名", "=")]
    );
}

#[test]
fn scope_conditions_are_not_targets() {
    for text in [
        "对职工超过200人的企业开展专项检查。",
        "10亩以下的零星地块由乡镇统筹利用。",
        "对从业满5年以上的护理人员给予补贴。",
        "年纳税额300万元以下的小型企业减半征收。",
    ] {
        assert!(targets(text).is_empty(), "{text}: {:?}", targets(text));
    }
    // Eligibility conditions and the starting value of a change.
    assert!(targets("企业吸纳就业困难人员10人以上并签订2年以上合同的，可申请补贴。").is_empty());
    assert_eq!(
        targets("将补贴申领条件由参保3年以上放宽至参保1年以上。"),
        vec![t(1.0, "年", ">=")]
    );
    // A commitment verb before the quantity makes it a target.
    assert_eq!(
        targets("培育20家以上的链主企业。"),
        vec![t(20.0, "家", ">=")]
    );
}

#[test]
fn quoted_goals_are_read_short_quotes_skipped() {
    assert_eq!(
        targets("实现“新增就业岗位达到5000个以上、培训覆盖率达到80%”的目标。"),
        vec![t(5000.0, "个", ">="), t(80.0, "%", ">=")]
    );
    assert!(targets("打造“15分钟生活圈”。").is_empty());
}

#[test]
fn compound_measure_units_kept_whole() {
    for (text, unit) in [
        ("新增光伏发电量12万千瓦时。", "万千瓦时"),
        ("港口集装箱吞吐量达到80万标准箱。", "万标准箱"),
        ("接待游客达到600万人次。", "万人次"),
        ("治理水土流失面积30平方公里。", "平方公里"),
        ("建设高标准农田5万标准亩。", "万标准亩"),
        ("单位产值能耗下降至0.5吨标准煤。", "吨标准煤"),
    ] {
        assert_eq!(targets(text)[0].1, unit, "{text}");
    }
}

#[test]
fn comparator_after_the_unit_wins_over_a_neutral_verb() {
    assert_eq!(
        targets("粮食产量稳定在150万吨左右。"),
        vec![t(150.0, "万吨", "≈")]
    );
    assert_eq!(
        targets("城镇调查失业率保持在5.5%以下。"),
        vec![t(5.5, "%", "<=")]
    );
    assert_eq!(
        targets("研发投入强度保持在3%以上。"),
        vec![t(3.0, "%", ">=")]
    );
}

#[test]
fn trailing_deng_is_not_part_of_the_unit() {
    assert_eq!(targets("新建充电桩500个等。"), vec![t(500.0, "个", "=")]);
}

#[test]
fn evidence_span_and_confidence() {
    let task = "全区新建口袋公园达到25个。";
    let got = full(task);
    let [s, e] = got[0].span.expect("span");
    let chars: Vec<char> = format!("推进工作。{task}").chars().collect();
    assert_eq!(chars[s..e].iter().collect::<String>(), got[0].raw);
    assert_eq!(got[0].confidence, 1.0);
    let weak = full("新建25个。");
    assert!(weak[0].confidence < 1.0);
    assert!(
        weak[0]
            .confidence_reason
            .as_deref()
            .unwrap()
            .contains("no comparator")
    );
}

#[test]
fn units_keep_the_characters_of_the_notice() {
    assert_eq!(targets("新增市場主體5萬戶。"), vec![t(5.0, "萬戶", "=")]);
    assert_eq!(targets("合格率達到９８％以上。"), vec![t(98.0, "%", ">=")]);
}

#[test]
fn a_range_with_the_unit_written_twice() {
    let got = full("地区生产总值增长6.5%—7%。");
    assert_eq!(
        (got.len(), got[0].value, got[0].max, got[0].unit.as_str()),
        (1, 6.5, Some(7.0), "%")
    );
}

#[test]
fn anniversaries_horizons_and_distant_verbs() {
    assert!(targets("庆祝建校80周年。").is_empty());
    assert!(targets("再用3年左右时间，建成现代流通体系。").is_empty());
    assert_eq!(targets("企业平均存续期达到6年。"), vec![t(6.0, "年", ">=")]);
    assert_eq!(
        targets("乡镇农贸市场达到“三化”改造率85%。"),
        vec![t(85.0, "%", ">=")]
    );
    assert_eq!(
        targets("累计新增“个转企”3000户。"),
        vec![t(3000.0, "户", "=")]
    );
}
