"""The report/year rule: a question naming a report is answered from that report only."""
from qa.model import ReportInfo
from qa.retrieval.scope import normalise_question, resolve_scope

REPORTS = (
    ReportInfo("a.txt", "", "四平市铁西区人民政府", ("四平市", "铁西区", "四平", "铁西"), 2024),
    ReportInfo("b.txt", "", "四平市铁东区七马路街道办事处", ("四平市", "铁东区", "七马路街道", "四平", "铁东", "七马路"), 2024),
    ReportInfo("c.txt", "", "田镇街道", ("田镇街道", "田镇"), 2024),
    ReportInfo("d.txt", "", "田镇街道", ("田镇街道", "田镇"), 2023),
    ReportInfo("e.txt", "", "解放区上白作街道办事处", ("解放区", "上白作街道", "上白作"), 2023),
)
TEXTS = tuple(normalise_question(t) for t in ("辖区内社区", "", "2024年度工作计划", "", "2024年度工作计划"))


def scope(question):
    return resolve_scope(question, REPORTS, TEXTS)


def test_no_name_searches_everything():
    assert scope("调处矛盾纠纷多少件").sources is None


def test_short_form_names_one_report():
    assert scope("铁西区收到检察建议多少件？").sources == ("a.txt",)
    assert scope("铁西收到检察建议多少件？").sources == ("a.txt",)
    assert scope("上白作有几个行政村").sources == ("e.txt",)


def test_shared_city_is_narrowed_by_the_district():
    assert scope("四平市铁东区七马路街道走访企业多少次").sources == ("b.txt",)
    assert set(scope("四平市法治政府建设").sources) == {"a.txt", "b.txt"}


def test_year_decides_between_two_reports_of_one_issuer():
    assert scope("田镇街道2024年调处矛盾纠纷多少件").sources == ("c.txt",)
    assert scope("田镇街道2023年调处矛盾纠纷多少件").sources == ("d.txt",)
    assert set(scope("田镇街道调处矛盾纠纷多少件").sources) == {"c.txt", "d.txt"}


def test_year_as_subject_keeps_the_named_report():
    # 上白作's only report is for 2023 but speaks of its 2024 plans.
    assert scope("上白作街道2024年度工作计划有哪些？").sources == ("e.txt",)


def test_full_width_and_spaces_are_folded():
    assert scope("田镇街道 ２０２３ 年调处矛盾纠纷多少件").sources == ("d.txt",)


def test_unknown_place_is_out_of_scope():
    result = scope("北京市朝阳区2024年调处矛盾纠纷多少件")
    assert result.out_of_scope and result.unknown_place == "北京市"
    assert scope("红旗街道受理信访多少件").out_of_scope


def test_generic_place_words_are_not_places():
    assert not scope("各街道2024年调处矛盾纠纷多少件").out_of_scope
    assert not scope("辖区内社区有多少个").out_of_scope


def test_year_no_report_covers_is_out_of_scope():
    # 上白作's only report is for 2023 and never speaks of 2021: its figures are not 2021's.
    result = scope("上白作街道2021年有几个行政村")
    assert result.out_of_scope and result.sources == ()
    # Two reports of one issuer, neither of 2019 nor speaking of it.
    assert scope("田镇街道2019年调处矛盾纠纷多少件").out_of_scope


def test_year_written_with_other_digits_around_is_not_a_mention():
    reports = (ReportInfo("z.txt", "", "柳河镇人民政府", ("柳河镇", "柳河"), 2024),)
    texts = (normalise_question("全年受理12022件，２０２５年工作打算"),)
    assert resolve_scope("柳河镇2022年受理多少件", reports, texts).out_of_scope
    assert resolve_scope("柳河镇2025年工作打算有哪些", reports, texts).sources == ("z.txt",)


def test_a_county_named_alone_means_its_own_report_not_a_town_within():
    reports = (
        ReportInfo("county.txt", "", "柳河县人民政府", ("柳河县", "柳河"), 2024),
        ReportInfo("town.txt", "", "柳河县白杨镇人民政府", ("柳河县", "白杨镇", "柳河", "白杨"), 2024),
    )
    assert resolve_scope("柳河县持证执法人员有多少名", reports).sources == ("county.txt",)
    assert resolve_scope("柳河持证执法人员有多少名", reports).sources == ("county.txt",)
    assert resolve_scope("柳河县白杨镇持证执法人员有多少名", reports).sources == ("town.txt",)
    assert resolve_scope("白杨镇持证执法人员有多少名", reports).sources == ("town.txt",)


def test_a_year_only_inside_a_span_does_not_keep_another_years_report():
    reports = (ReportInfo("x.txt", "", "四平市铁西区人民政府", ("四平市", "铁西区", "铁西"), 2024),)
    texts = (normalise_question("贯彻落实《全面深化法治领域改革纲要（2023-2027）》和《实施纲要（2021—2025年）》"),)
    assert resolve_scope("铁西区2023年收到行政复议申请多少件？", reports, texts).out_of_scope
    assert resolve_scope("铁西区2025年收到行政复议申请多少件？", reports, texts).out_of_scope
    plans = (normalise_question("四、2025 年度工作计划"),)
    assert resolve_scope("铁西区2025年度工作计划有哪些？", reports, plans).sources == ("x.txt",)


def test_a_generic_word_shaped_like_a_place_is_not_an_unknown_place():
    texts = (normalise_question("推动执法权限向乡镇下放，赋权事项32项"),)
    assert not resolve_scope("向乡镇下放了多少项执法权限？", REPORTS, texts).out_of_scope
    assert resolve_scope("红旗街道受理信访多少件", REPORTS, texts).out_of_scope


def test_a_parent_place_one_years_report_does_not_write_keeps_the_other_years_report():
    reports = (
        ReportInfo("2022.txt", "", "西安市未央区", ("西安市", "未央区", "西安", "未央"), 2022),
        ReportInfo("2024.txt", "", "未央区", ("未央区", "未央"), 2024),
    )
    assert resolve_scope("西安未央区2024年审结了多少件行政应诉案件？", reports).sources == ("2024.txt",)
    assert resolve_scope("西安未央区2022年审结了多少件行政应诉案件？", reports).sources == ("2022.txt",)


def test_a_year_given_by_two_digits_is_written_in_full():
    from qa.retrieval.scope import simplified

    assert simplified("田镇街道24年调处矛盾纠纷多少件") == "田镇街道2024年调处矛盾纠纷多少件"
    assert simplified("田镇街道24年度调处多少件") == "田镇街道2024年度调处多少件"
    assert simplified("近10年来调处多少件") == "近10年来调处多少件"  # a count of years stays
    assert simplified("服务期12.5年") == "服务期12.5年"


def test_a_stem_that_is_a_common_word_names_a_report_where_the_question_opens_with_it():
    reports = (
        ReportInfo("zj.txt", "", "紫金县卫生健康局", ("紫金卫生健康局", "紫金县"), 2025),
        ReportInfo("hf.txt", "", "海丰县卫生健康局", ("海丰卫生健康局", "海丰县", "海丰"), 2025),
    )
    assert resolve_scope("紫金卫健局专题培训搞了几回？", reports).sources == ("zj.txt",)
    assert resolve_scope("报告里说的紫金是什么？", reports).sources != ("zj.txt",)  # inside a question it is a word


def test_an_autonomous_district_is_named_without_its_people():
    from qa.ingest.metadata import place_names
    reports = (*REPORTS, ReportInfo("f.txt", "", "北岭市南川回族区人民政府", place_names("北岭市南川回族区人民政府"), 2022))
    assert resolve_scope("北岭南川区2022年开了几次常务会议", reports).sources == ("f.txt",)
    assert resolve_scope("南川区开了几次常务会议", reports).sources == ("f.txt",)


def test_a_stem_that_is_a_common_word_names_the_second_of_two_places_joined() -> None:
    from qa.retrieval.scope import ScopeResolver
    reports = (*REPORTS, ReportInfo("g.txt", "", "长安市城市管理局", ("长安城市管理局", "长安市"), 2023))
    resolver = ScopeResolver(reports, ())
    assert resolver._opening_stems.get("长安") == ["g.txt"]  # 长安 is a common word: a name only where a place opens
    assert set(resolver.resolve("田镇街道和长安城管局各发了多少宣传资料").sources) >= {"g.txt", "c.txt"}
    assert resolver.resolve("田镇街道2024年平安长安建设搞了几次").sources == ("c.txt",)  # not after a join


def test_a_place_said_as_what_another_lies_in_only_locates_it() -> None:
    assert scope("四平下面铁西区收到检察建议多少件？").sources == ("a.txt",)
    assert scope("四平市铁西区和七马路街道各收到多少件").sources == ("a.txt", "b.txt")  # two places joined stay two


def test_a_verb_before_a_bodys_name_is_no_unknown_place():
    # "报送市人大常委会" is 报送 and 市人大常委会: no place 报送市 is named, so nothing is ruled out.
    assert not scope("田镇街道2024年报送市人大常委会的议案有几件").out_of_scope
    assert scope("田镇街道2024年报送市人大常委会的议案有几件").sources == ("c.txt",)
    assert scope("桃源县人大常委会审议了几件议案").out_of_scope  # a real name before the body still is one


def test_a_place_written_with_the_place_it_lies_in_is_still_its_own():
    reports = (
        ReportInfo("a.txt", "", "青山区人民政府东风街道办事处", ("东风街道", "青山区", "东风", "青山"), 2022),
        ReportInfo("b.txt", "", "河西区红旗街道", ("红旗街道", "河西区", "河西"), 2025),
    )
    assert set(resolve_scope("东风街道和河西区红旗街道各有几个社区？", reports).sources) == {"a.txt", "b.txt"}


def test_a_place_with_a_report_of_its_own_written_right_before_another_only_locates_it():
    from qa.retrieval.scope import topic_of
    reports = (
        ReportInfo("x.txt", "", "杭州市西湖区人民政府", ("杭州市", "西湖区", "杭州", "西湖"), 2024),
        ReportInfo("y.txt", "", "古荡街道", ("古荡街道", "古荡"), 2024),
    )
    asked = "杭州西湖区古荡街道累计有多少人持证？"
    chosen = resolve_scope(asked, reports)
    assert chosen.sources == ("y.txt",)
    assert "西湖" not in topic_of(asked, chosen) and "持证" in topic_of(asked, chosen)  # a locator is no topic either
