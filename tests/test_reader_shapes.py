"""The reader on a second invented report: figures listed clause by clause, totals, answers of a
written shape (文号, 第几, 哪年, 每周几), who holds a role, a person inside a title, a name before
the question's words, lists joined by 和. Retrieval is simulated as in tests/test_reader.py.
"""
from __future__ import annotations

import pytest

from qa.evaluation import same_text
from qa.ingest.metadata import extract_info
from qa.reader.answers import extract_answer, is_supported
from qa.reader.questions import analyse
from tests.test_answers import answer_over, search

TAOYUAN = """2024年,桃源街道坚持以习近平法治思想为指导,认真贯彻落实《江湾区2024年法治政府建设工作要点》(江政办函〔2024〕7号)要求。
(一)加强组织领导。调整法治政府建设领导小组,明确由街道党工委书记为组长,街道主任和政法委员为副组长,司法所所长任办公室主任。合法性审查中心主任由分管党政办的副主任担任。坚持每周三组织机关干部集中学法。2023年成立街道公共法律服务站。
(二)提升服务质效。政务服务“好差评”非常满意612条,满意88条,合计700条。执法人员持证比例95%以上。邀请市委宣讲团成员林志远教授专题授课。在辖区望江广场组织开展“宪法进万家”宣传月启动仪式。
打造“江湾e”综合服务中心,全量承接公安“互联网+政务服务”职能。制定并学习了《中共江湾区桃源街道党工委议事规则》、《关于规范“三重一大”事项集体决策机制建设的规定》。
为群众提供法律服务1.2万余次,为企业提供法治服务150余次。推动《江湾区支持民营经济发展条例》落地落实。利用“网信江湾”平台,通过图文、短视频等形式宣传学习贯彻习近平法治思想的成效。
鹤山社区、三元社区在全区法治社区培育验收中包揽前两名。在官方微博、办事大厅显示屏等,推送法治解读文章、公益视频。
(三)深化普法宣传。组织干部前往市监狱和区廉政教育馆开展警示教育。坚持公开、公平、公正原则办理审批事项。开展“法润桃源”普法直播36场,覆盖率达80%以上。街道矛盾纠纷化解工作考核位居全区第二,“桃源调解”案例获评第四批优秀案例。
"""
SOURCE = "2024_江湾区桃源街道.txt"
TEXTS = {SOURCE: TAOYUAN}
PLACES = ("桃源街道", "江湾区")


def ask(question: str):
    return answer_over(question, TEXTS, SOURCE, PLACES)


def assert_answered_over(texts: dict[str, str], cases) -> None:
    """Assert that each question is answered over `texts` with exactly its expected direct answer, supported."""
    for question, expected in cases:
        answer = extract_answer(analyse(question, places=PLACES), search(question, texts, SOURCE), texts.__getitem__)
        assert answer.found and answer.text == expected, (question, answer.text)
        assert is_supported(answer, texts.__getitem__)


@pytest.mark.parametrize("question, expected", [
    # figures listed clause by clause: the label the question says exactly, the total asked for
    ("桃源街道“好差评”里评“满意”的有多少条？", "88条"),
    ("桃源街道“好差评”非常满意的有多少条？", "612条"),
    ("桃源街道“好差评”总共收到多少条？", "700条"),
    # the report's approximation stays with the figure
    ("桃源街道执法人员持证比例是多少？", "95%以上"),
    # answers of a written shape
    ("桃源街道落实的区里工作要点文号是多少？", "江政办函〔2024〕7号"),
    ("桃源街道“桃源调解”案例获评第几批优秀案例？", "第四批"),
    ("桃源街道矛盾纠纷化解考核排全区第几？", "全区第二"),
    ("桃源街道公共法律服务站是哪一年成立的？", "2023年"),
    ("桃源街道每周几集中学法？", "每周三"),
    # who holds a role, in either order; a person cut from the title around the name
    ("桃源街道法治政府建设领导小组的副组长由谁担任？", "街道主任和政法委员"),
    ("桃源街道领导小组办公室主任由谁来当？", "司法所所长"),
    ("桃源街道合法性审查中心主任由谁担任？", "分管党政办的副主任"),
    ("桃源街道请谁来专题授课？", "林志远"),
    # a quoted brand with its noun, a full name asked for by the part the user knows
    ("桃源街道承接公安“互联网+政务服务”的综合服务中心叫什么？", "“江湾e”综合服务中心"),
    ("桃源街道党工委的议事规则全称是什么？", "《中共江湾区桃源街道党工委议事规则》"),
    # the noun a "哪个/哪部" question names: right after it, or after 的 when a description comes first
    ("桃源街道通过哪个平台宣传学习习近平法治思想的成效？", "网信江湾"),
    ("桃源街道推动落地的是哪部支持民营经济的条例？", "《江湾区支持民营经济发展条例》"),
    # a place named before the words the question puts first
    ("桃源街道“宪法进万家”宣传月启动仪式是在哪个地方办的？", "望江广场"),
])
def test_short_answers_of_each_shape(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found, question
    assert same_text(expected) in same_text(answer.text or ""), (question, answer.text)
    assert len(same_text(answer.text)) <= max(2 * len(expected), len(expected) + 12), answer.text


def test_two_parts_each_take_their_own_unit() -> None:
    answer = ask("桃源街道“法润桃源”普法直播办了多少场？覆盖率多少？")
    assert answer.found and answer.text == "36场；80%以上"


def test_two_items_joined_by_he_are_a_list() -> None:
    answer = ask("桃源街道组织干部去哪些地方接受警示教育？")
    assert answer.found and "市监狱" in answer.text and "区廉政教育馆" in answer.text
    assert not answer.text.endswith("开展")


def test_a_list_leaves_out_the_noun_asked_for() -> None:
    answer = ask("桃源街道办理审批事项坚持哪些原则？")
    assert answer.found and answer.text == "公开、公平、公正"


def test_a_title_less_file_takes_issuer_and_year_from_its_name() -> None:
    info = extract_info(TAOYUAN.replace("2024年,", "一年来,"), "2024_江湾区桃源街道.txt")
    assert info.issuer == "江湾区桃源街道" and info.year == 2024
    street = extract_info("一年来,鹤山街坚持依法行政。\n街道", "2024_江湾区鹤山街.txt")
    assert street.issuer == "江湾区鹤山街" and "鹤山街" in street.places


def test_the_government_between_places_is_no_place() -> None:
    info = extract_info("广州市海珠区人民政府素社街道办事处关于2024年度法治政府建设情况的报告\n正文。", "a.txt")
    assert "素社街道" in info.places and not any("人民政府" in place for place in info.places)


def test_a_count_before_a_place_suffix_is_no_unknown_place() -> None:
    from qa.retrieval.scope import resolve_scope
    info = extract_info(TAOYUAN, SOURCE)
    for question in ("桃源街道编制公布了几项市县两级许可事项？", "桃源街道2024年请区法院给干部作了几次专题报告？"):
        scope = resolve_scope(question, [info], [TAOYUAN])
        assert scope.unknown_place is None and scope.sources == (SOURCE,), question


def test_a_last_part_that_names_only_what_changes_asks_the_first_parts_question() -> None:
    answer = ask("桃源街道为群众提供了多少次法律服务？为企业呢？")
    assert answer.found and answer.text == "1.2万余次；150余次"


def test_the_reports_own_date_and_document_number_come_from_its_head() -> None:
    head = "江湾区桃源街道2024年法治政府建设情况报告\n发文字号 江桃字〔2025〕2号\n发布日期: 2025-02-19 14:59 信息来源:街道办\n"
    texts = {SOURCE: head + TAOYUAN}
    assert_answered_over(texts, (("桃源街道这份报告是什么时候发布的？", "2025-02-19"),
                                 ("桃源街道2024年法治政府建设报告的文号是什么？", "江桃字〔2025〕2号")))


def test_a_covering_letter_gives_the_reports_number_addressee_and_date() -> None:
    from qa.retrieval.scope import resolve_scope
    letter = ("2024年桃源街道法治政府建设工作总结\n江桃发〔2025〕3号\n区政府:\n"
              "现将《2024年桃源街道法治政府建设工作总结》随文呈报,请审阅。\n桃源街道办事处\n2025年1月8日\n")
    texts = {SOURCE: letter + TAOYUAN.replace("。\n(一)", ",深入实施《法治政府建设实施纲要(2021-2025年)》。\n(一)", 1)}
    assert_answered_over(texts, (("桃源街道报送2024年法治政府建设总结用的文号是多少？", "江桃发〔2025〕3号"),
                                 ("桃源街道2024年的法治政府建设总结是呈报给谁的？", "区政府"),
                                 ("桃源街道是哪天把2024年法治政府建设总结报给区政府的？", "2025年1月8日")))
    # "报给区政府": a verb and a body's name, no unknown place "天报给区"
    scope = resolve_scope("桃源街道是哪天报给区政府的？", [extract_info(texts[SOURCE], SOURCE)], [texts[SOURCE]])
    assert scope.unknown_place is None


def test_a_published_pages_source_and_time_lines_say_who_put_the_report_out_and_when() -> None:
    head = "江湾区桃源街道2024年法治政府建设情况报告\n来源:区司法局 时间:2025-03-04 15:28:11 浏览次数:\n"
    texts = {SOURCE: head + TAOYUAN}
    assert_answered_over(texts, (("桃源街道2024年法治政府建设报告是哪个部门发的？", "区司法局"),
                                 ("桃源街道2024年法治政府建设情况报告是哪天挂出来的？", "2025-03-04")))


def test_its_number_after_a_question_about_the_report_asks_in_that_questions_scene() -> None:
    from qa.reader.followup import resolve_followup
    asked = resolve_followup("它的文号是多少", ["桃源街道2024年的法治政府建设总结是哪天报给区政府的？"], ["桃源街道"])
    assert asked.within_scene and asked.text.startswith("桃源街道2024年的法治政府建设总结") and asked.text.endswith("文号是多少")


def test_a_follow_up_saying_only_old_words_switches_the_scope() -> None:
    from qa.reader.followup import resolve_followup
    standalone = resolve_followup("那2023年那份报告里说的是连续几年？", ["江湾区2024年网格化考评连续几年全市第一？"],
                                  ["江湾区"]).text
    assert standalone.startswith("江湾区2023年") and "网格化考评" in standalone and "2024" not in standalone


def test_a_who_question_with_its_own_place_stands_alone() -> None:
    from qa.reader.followup import resolve_followup
    standalone = resolve_followup("那桃源街道的领导小组组长是谁？", ["江湾区领导小组开了几次专题会？"],
                                  ["桃源街道", "江湾区"]).text
    assert "桃源街道" in standalone and "谁" in standalone and "多少" not in standalone


@pytest.mark.parametrize("question, expected", [
    # the last item stops before the question's own words that follow the list
    ("桃源街道哪两个社区在全区法治社区培育验收中拿了前两名？", "鹤山社区、三元社区"),
    # a list of the question's own words is its scene: the list beside it answers
    ("桃源街道在哪些渠道推送法治解读文章和公益视频？", "官方微博、办事大厅显示屏"),
])
def test_a_list_is_the_items_the_question_does_not_say(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found and answer.text == expected, (question, answer.text)


def test_the_end_or_the_start_of_a_period_is_the_date_marked_so() -> None:
    texts = {SOURCE: TAOYUAN + "本报告所列数据的期限自2024年1月1日起,至2024年12月31日止。\n"}
    for question, expected in (("桃源街道报告的数据统计到哪一天为止？", "2024年12月31日"),
                               ("桃源街道报告的数据是从哪一天开始统计的？", "2024年1月1日")):
        answer = extract_answer(analyse(question, places=PLACES), search(question, texts, SOURCE), texts.__getitem__)
        assert answer.found and answer.text == expected, (question, answer.text)
