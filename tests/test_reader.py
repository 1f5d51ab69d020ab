"""The reader on questions in users' own words (issue: short answers to what / which / who / how many).

One invented report with distinctive figures; retrieval is simulated by test_answers.search, so
each test checks the reader alone: the span it cuts, the figure it binds, the parts it answers.
"""
from __future__ import annotations

import pytest

from qa.evaluation import same_text
from qa.reader.answers import extract_answer, is_supported
from qa.reader.followup import FollowUp, resolve_followup
from qa.reader.questions import analyse
from qa.reader.enumerations import items_span
from qa.reader.spans import entity_span
from tests.test_answers import search

LIUSHU = """柳树镇2024年度法治政府建设情况报告

一、主要工作

（一）加强组织领导。全年召开领导班子会议17次，专题研究法治建设工作。每季度听取一次法治工作汇报，每半年召开一次法治工作会议。成立以镇长为组长的法治政府建设领导小组，合法性审查中心主任由分管党政办的副镇长担任。

（二）规范行政决策。严格执行重大行政决策公众参与、专家论证、风险评估、合法性审查、集体讨论决定等法定程序。构建“一线排查+分级处置+跟踪回访”机制，司法所全程列席镇党政联席会议。将镇综合服务中心更名为镇便民服务和数字化管理中心。

（三）深化普法宣传。组织干部集中观看《守望》等警示教育片3场次，举办法治讲座41场，接受法律咨询230余人次。开展“法律七进”活动58场次，覆盖群众3万余人次。通过会前学法、专题讲座、网络自学等方式组织干部学法。

（四）化解矛盾纠纷。收到行政复议申请23件，受理21件，办结20件。召开31次党组会、12次中心组理论学习。帮助群众挽回经济损失96.5万元。组织镇村干部赴市法治教育基地参观学习2次。目前全镇有专（兼）职调解员44名。

柳树镇人民政府
2025年1月8日
"""

PLACES = ("柳树镇",)
TEXTS = {"柳树镇.txt": LIUSHU}


def ask(question: str, history: tuple[str, ...] = ()):
    followup = resolve_followup(question, list(history), PLACES) if history else FollowUp(question)
    parsed = analyse(followup.text, places=PLACES)
    answer = extract_answer(parsed, search(followup.text, TEXTS, "柳树镇.txt"), TEXTS.__getitem__,
                            last_part=followup.within_scene)
    assert not answer.found or is_supported(answer, TEXTS.__getitem__)
    return answer


def assert_answer(question: str, expected: str, quote_holds: str | None = None, **kwargs) -> None:
    answer = ask(question, **kwargs)
    assert answer.found, f"{question} was not answered"
    assert answer.text is not None and same_text(expected) in same_text(answer.text), (question, answer.text)
    assert len(same_text(answer.text)) <= max(2 * len(same_text(expected)), len(same_text(expected)) + 12), answer.text
    if quote_holds:
        assert any(same_text(quote_holds) in same_text(q.text) for q in answer.quotes)


# 1. Paraphrase: the clause is found although the question says it in other words.
@pytest.mark.parametrize("question, expected", [
    ("柳树镇一共开了几回班子会？", "17次"),
    ("柳树镇办了几场讲座？", "41场"),
    ("柳树镇帮群众挽回多少损失？", "96.5万元"),
    ("柳树镇现在有多少名专兼职调解员？", "44名"),
])
def test_paraphrased_questions_find_the_figure(question: str, expected: str) -> None:
    assert_answer(question, expected)


# 2. Names and short facts: the span, not the sentence.
@pytest.mark.parametrize("question, expected", [
    ("柳树镇组织干部看的警示教育片叫什么名字？", "《守望》"),
    ("柳树镇排查矛盾搞的是个什么机制？", "一线排查+分级处置+跟踪回访"),
    ("柳树镇司法所要全程列席什么会？", "镇党政联席会议"),
    ("柳树镇的综合服务中心改名叫什么了？", "镇便民服务和数字化管理中心"),
    ("柳树镇多久听取一次法治工作汇报？", "每季度"),
    ("柳树镇合法性审查中心主任由谁担任？", "分管党政办的副镇长"),
    ("柳树镇法治政府建设领导小组的组长是谁？", "镇长"),
])
def test_names_and_short_facts_are_the_span(question: str, expected: str) -> None:
    assert_answer(question, expected)


def test_a_place_question_answers_with_the_place() -> None:
    assert_answer("柳树镇带镇村干部去哪儿参观学习了？", "市法治教育基地")


# 3. Inline enumerations: the items of the one sentence, in the report's order.
def test_inline_enumeration_gives_the_sentences_items() -> None:
    answer = ask("柳树镇重大行政决策要走哪些法定程序？")
    assert answer.found and answer.kind == "list"
    assert same_text(answer.text) == same_text("公众参与、专家论证、风险评估、合法性审查、集体讨论决定")


def test_enumeration_keeps_the_first_item_whole() -> None:
    assert_answer("柳树镇用了哪几种方式组织干部学法？", "会前学法、专题讲座、网络自学")


def test_items_span_stops_before_etc_and_counts() -> None:
    question = analyse("从哪几个方面做的", places=())
    clause = "从落实惠企政策、深化简政放权和彰显执法温度三个方面做出公开承诺"
    start, end = items_span(question, clause)
    assert clause[start:end] == "落实惠企政策、深化简政放权和彰显执法温度"


# 4. Two questions in one: every part, in order, each with its own quote span.
def test_two_questions_in_one_answer_both_in_order() -> None:
    answer = ask("柳树镇办了多少场法律讲座、接受了多少人次法律咨询？")
    assert answer.found and answer.text == "41场；230余人次"
    assert len(answer.quotes) >= 1 and all(q.answer_span is not None for q in answer.quotes)


def test_second_part_without_a_noun_takes_the_first_parts_scene() -> None:
    assert_answer("柳树镇收到多少件行政复议申请？受理了多少件？", "23件；21件")


def test_question_splits_at_its_question_words() -> None:
    question = analyse("柳树镇“法律七进”活动开展了多少场次，覆盖多少人次？", places=PLACES)
    assert [p.unit for p in question.parts] == ["场次", "人次"]


# 5. One figure among several: the one bound to the asked predicate.
@pytest.mark.parametrize("question, expected", [
    ("柳树镇受理了多少件行政复议申请？", "21件"),
    ("柳树镇办结了几件行政复议？", "20件"),
    ("柳树镇中心组理论学习搞了几次？", "12次"),
    ("柳树镇召开了几次党组会？", "31次"),
])
def test_the_figure_bound_to_the_asked_words(question: str, expected: str) -> None:
    assert_answer(question, expected)


# 6. Words that locate: parent places, relative time, fillers.
def test_parent_places_and_relative_time_are_not_content() -> None:
    question = analyse("某某省某某市某某县柳树镇去年一共开了几回班子会？", places=PLACES)
    assert "".join((*question.left, *question.right)) == "班子会"


def test_leading_locator_without_a_suffix_is_dropped() -> None:
    question = analyse("重庆巫溪柳树镇今年办了几场讲座", places=PLACES)
    assert question.phrases == ("讲座",)


# 7. Unit words that differ: the asked predicate finds the figure, the report's unit is kept.
@pytest.mark.parametrize("question, expected", [
    ("柳树镇“法律七进”搞了几次？", "58场次"),
    ("柳树镇开了几回党组会？", "31次"),
    ("柳树镇接受法律咨询大概多少人？", "230余人次"),
])
def test_the_reports_unit_and_approximation_are_kept(question: str, expected: str) -> None:
    assert_answer(question, expected)


# 8. Conversations.
def test_follow_up_within_the_last_questions_scene() -> None:
    history = ("柳树镇收到多少件行政复议申请？",)
    assert_answer("其中办结了多少？", "20件", history=history)


def test_a_follow_up_to_a_two_part_question_keeps_both_parts() -> None:
    # The previous question's own "？" does not make the follow-up one asked within its scene.
    assert_answer("那柳树镇呢？", "23件；21件", history=("柳树镇收到多少件行政复议申请？受理了多少件？",))


def test_a_full_new_question_is_read_on_its_own() -> None:
    history = ("柳树镇收到多少件行政复议申请？",)
    assert_answer("柳树镇举办法治讲座多少场？", "41场", history=history)


# 9. Still honest.
@pytest.mark.parametrize("question", [
    "柳树镇2024年办理了多少件人大代表建议？",
    "柳树镇的财政收入是多少？",
    "柳树镇的律师事务所叫什么名字？",
])
def test_what_the_report_does_not_say_is_not_found(question: str) -> None:
    answer = ask(question)
    assert not answer.found and answer.text is None


def test_entity_span_prefers_the_title_beside_the_named_noun() -> None:
    question = analyse("警示教育片叫什么名字", places=())
    clause = "组织干部集中观看《守望》等警示教育片3场次"
    start, end = entity_span(question, clause)
    assert clause[start:end] == "《守望》"


# At the boundary of ReportIndex.answer: history, lone surrogates, the year filter (issue 13, items 2 and 8).
@pytest.fixture(scope="module")
def small_index(tmp_path_factory):
    from qa import ReportIndex
    from tests.conftest import FakeEncoder

    corpus = tmp_path_factory.mktemp("liushu")
    (corpus / "2024_柳树镇.txt").write_text(LIUSHU, encoding="utf-8")
    return ReportIndex.build(corpus, tmp_path_factory.mktemp("index") / "index", encoder=FakeEncoder())


def test_only_the_last_history_items_are_read(small_index) -> None:
    recent = ["柳树镇收到多少件行政复议申请？"]
    flood = ["无关的问题" * 500] * 50  # far more, and far longer, than the boundary keeps
    plain = small_index.answer("其中办结了多少？", history=recent)
    buried = small_index.answer("其中办结了多少？", history=flood + recent)
    assert plain.found and plain.text == buried.text == "20件"
    kept = small_index._check_history(flood + recent)
    assert len(kept) == small_index.config.max_history
    assert all(len(item) <= small_index.config.max_question_chars for item in kept)


@pytest.mark.parametrize("question, history", [("柳树镇办了几场讲座\ud800", ()), ("柳树镇办了几场讲座", ("前一问\udc00",))])
def test_a_lone_surrogate_is_a_question_error(small_index, question: str, history) -> None:
    from qa import QuestionError

    with pytest.raises(QuestionError, match="surrogate"):
        small_index.answer(question, history=history)


@pytest.mark.parametrize("history", ["柳树镇收到多少件行政复议申请？", [1, 2]])
def test_history_must_be_a_list_of_questions(small_index, history) -> None:
    from qa import QuestionError

    with pytest.raises(QuestionError, match="history"):
        small_index.answer("其中办结了多少？", history=history)


@pytest.mark.parametrize("year", ["2024", 2024.0, True, 12])
def test_a_year_that_is_not_a_whole_year_is_refused(small_index, year) -> None:
    from qa import QuestionError

    with pytest.raises(QuestionError, match="year"):
        small_index.answer("柳树镇办了几场讲座", year=year)
