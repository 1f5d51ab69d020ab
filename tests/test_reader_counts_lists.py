"""The reader on a third invented report: counts in Chinese numerals ("连续三年", "六大"), two things
asked of "分别", an enumeration that 等, a count or the question's quoted name closes before a second
one, titles that all hold the noun asked for, items that all end with it ("参学率、通过率"), a
passage cut mid-clause by its size, a person asked with 哪位 or by office, and a section heading
that says the scene. Retrieval is simulated as in tests/test_reader.py.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from qa.evaluation import same_text
from qa.reader.answers import extract_answer, is_supported
from qa.reader.questions import analyse
from qa.retrieval.scope import resolve_scope
from qa.ingest.metadata import extract_info
from tests.test_answers import answer_over, search

DONGHU = """东湖街道2023年法治政府建设年度报告
2023年,东湖街道坚持以习近平法治思想为指导,扎实推进法治政府建设。
(一)加强组织领导。将党的二十大精神列为党工委理论学习中心组的重点学习内容。街道党工委开展“学宪法”等六大专题学习活动。组织机关干部职工学法培训6次、会前学法12次。将法治建设与乡村振兴、安全生产、民生保障等中心工作同部署、同推进、同落实。制定印发法治东湖、法治政府、法治社会“一规划两方案”、年度工作要点等文件。
(二)规范行政行为。对原有2件规范性文件进行审核,决定保留1件、废止1件。通过召开座谈会、微信群意见征集等方式对《东湖市物业管理条例(草案)》、《东湖市养犬管理办法(草案送审稿)》、《关于修改〈东湖市街道办事处条例〉的决定(草案)》等法规的制定开展了立法意见征集。全街道干部学法考试参学率、参考率和通过率均达100%。
(三)荣誉。东湖街道连续三年获评全市平安建设先进单位。“法护营商”工作获得省政协副主席严立新调研肯定。街道党工委副书记、主任钱海川带队参加旁听庭审活动。街道在2023年度全市“平安东湖”考核评价中获“优秀”等次。
成立由街道党工委书记任组长、牵头部署工作,街道主任任副组长,各科室负责人具体抓落实的法治建设工作领导小组。
街道党工委、办事处主要负责同志主持召开党工委会议、主任办公会议、法治建设专题会议研究部署法治工作。如有疑问请与街道司法所联系(地址:东湖市和平路18号)。
(四)全方位助推营商环境优化提升
聚焦“法律护航”“创新驱动”“助企服务”三向发力,助推营商环境优化。
为公务员初任培训开设12门法治课程。与经济社会发展同部署、同推进、同考核。完成《东湖市政府合同管理办法》修订工作。街道党政主要负责人严明同志带头述法。
街道党政办负责法治建设工作的组织协调、文件报送等。2023年组织街道干部参加2023年度全区法治理论知识考试。
在“东湖发布”微信公众号上推出“学法用法”专栏。
(五)规范决策程序
严格执行《关于落实重大事项全过程闭环管理的通知》,明确重大行政决策的范围和责任。
"""
SOURCE = "2023_东湖街道.txt"
TEXTS = {SOURCE: DONGHU}
PLACES = ("东湖街道",)


def ask(question: str):
    return answer_over(question, TEXTS, SOURCE, PLACES)


@pytest.mark.parametrize("question, expected", [
    # counts in Chinese numerals, with the unit asked for
    ("东湖街道连续几年获评平安建设先进单位？", "三年"),
    ("东湖街道党工委开展了几大专题学习活动？", "六大"),
    # two things asked of 分别, each with its own figure; a time word ("审核完后") is no topic word
    ("东湖街道机关干部职工学法培训和会前学法分别搞了几次？", "6次；12次"),
    ("东湖街道审核完后保留了几件、废止了几件？", "1件；1件"),
    # the enumeration that 等 closes, not the one after it
    ("东湖街道把法治建设和哪些中心工作放在一起部署？", "乡村振兴、安全生产、民生保障"),
    # an enumeration that ends before the name the question quotes
    ("东湖街道的“一规划两方案”指的是哪几个？", "法治东湖、法治政府、法治社会"),
    # the first enumeration is the methods; the titles that each hold 草案 are the drafts
    ("东湖街道征集立法意见用了哪些办法？", "召开座谈会、微信群意见征集"),
    # a person: with the office before the name, never the quoted name beside; a name after an office
    ("东湖街道“法护营商”工作得到了哪位领导的调研肯定？", "省政协副主席严立新"),
    ("东湖街道带队参加旁听庭审的主任叫什么？", "钱海川"),
    ("东湖街道法治建设工作领导小组由谁当组长？", "街道党工委书记"),
    # a quoted name right before the noun asked ("什么等次"), not the quoted scene before it
    ("东湖街道在“平安东湖”考核评价里拿了什么等次？", "优秀"),
    # a filler of place ("下面") is no topic word
    ("东湖街道下面开展了几大专题学习活动？", "六大"),
    # the question's verbs inside the second item lead into the list ("党工委、办事处…主持召开…")
    ("东湖街道主要负责同志主持召开了哪些会议研究部署法治工作？", "党工委会议、主任办公会议、法治建设专题会议"),
    # a unit the tokenizer splits off ("门"); 各 before the question word asks each thing
    ("东湖街道给公务员初任培训开了多少门法治课？", "12门"),
    ("东湖街道机关干部职工学法培训和会前学法各搞了几次？", "6次；12次"),
    # items that each start with the noun asked ("哪三同")
    ("东湖街道把法治建设和经济社会发展“三同”是哪三同？", "同部署、同推进、同考核"),
    # a head noun with a verb inside ("合同管理办法")
    ("东湖街道修订的是哪个合同管理办法？", "《东湖市政府合同管理办法》"),
    # the noun asked written into a name before the question's words; a 年度 asked as 年度
    ("东湖街道法治建设的组织协调和文件报送归哪个办？", "街道党政办"),
    ("东湖街道干部参加的是哪一年度的全区法治理论知识考试？", "2023年度"),
    # a quoted name a compound away from the noun asked ("“东湖发布”微信公众号")
    ("东湖街道在哪个公众号上推出专栏？", "“东湖发布”"),
    # the section heading says the scene the clause does not repeat
    ("东湖街道规范决策程序执行的是哪份通知？", "《关于落实重大事项全过程闭环管理的通知》"),
])
def test_counts_and_enumerations(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found, question
    assert same_text(expected) in same_text(answer.text or ""), (question, answer.text)
    assert len(same_text(answer.text)) <= max(2 * len(expected), len(expected) + 12), answer.text


def test_titles_that_each_hold_the_noun_asked_are_the_list() -> None:
    answer = ask("东湖街道就哪些草案征集了立法意见？")
    assert answer.found
    assert answer.text.startswith("《东湖市物业管理条例")
    assert answer.text.endswith("的决定(草案)》")
    assert "座谈会" not in answer.text


def test_items_that_all_end_with_the_noun_asked_keep_it() -> None:
    answer = ask("东湖街道学法考试哪几个率达到了100%？")
    assert answer.found
    assert answer.text == "参学率、参考率和通过率"


def test_a_congress_name_is_no_count() -> None:
    answer = ask("东湖街道党工委理论学习中心组学习了几回？")
    assert "二十大" not in (answer.text or "")


def test_a_passage_cut_mid_clause_is_read_to_the_clause_end() -> None:
    question = "东湖街道就哪些草案征集了立法意见？"
    hits = search(question, TEXTS, SOURCE)
    cut = DONGHU.index("的决定(草案)》") + 4  # the passage stops inside the last title, as a size cut does
    holding = next(h for h in hits if h.passage.start < cut < h.passage.end)
    shortened = replace(holding, text=DONGHU[holding.passage.start : cut], passage=replace(holding.passage, end=cut))
    answer = extract_answer(analyse(question, places=PLACES), [shortened], TEXTS.__getitem__)
    assert answer.found and answer.text.endswith("的决定(草案)》")
    assert is_supported(answer, TEXTS.__getitem__)


@pytest.mark.parametrize("question", [
    "东湖街道2023年拿到了什么市级法治荣誉？",
    "东湖街道是哪一年被认定为省依法治校示范校的？",
    "东湖街道在推广哪个线上平台？",
])
def test_question_words_before_a_place_suffix_name_no_place(question: str) -> None:
    scope = resolve_scope(question, [extract_info(DONGHU, SOURCE)], [DONGHU])
    assert scope.unknown_place is None and scope.sources == (SOURCE,)


def test_a_place_after_a_question_word_is_still_read() -> None:
    scope = resolve_scope("哪个桃源县的报告说了调解？", [extract_info(DONGHU, SOURCE)], [DONGHU])
    assert scope.unknown_place and scope.unknown_place.endswith("桃源县")


def test_an_office_after_a_place_stays_in_the_question() -> None:
    question = analyse("静海区长叫什么？", places=("静海区",))
    assert "区长" in question.left and question.asks_person


def test_a_house_number_is_no_count() -> None:
    answer = ask("东湖街道司法所有多少？")
    assert "18" not in (answer.text or "")


def test_as_many_items_as_asked_answer_a_clause_a_little_under_the_bar() -> None:
    answer = ask("东湖街道优化营商环境说是“三向发力”，具体是哪三个方向？")
    assert answer.found and all(item in answer.text for item in ("法律护航", "创新驱动", "助企服务"))


def test_everyday_words_are_read_as_the_reports_write_them() -> None:
    from qa.reader.wording import official_wording
    assert official_wording("东湖街道的一把手是谁？", [DONGHU]) == "东湖街道的主要负责人是谁？"
    assert official_wording("部门“一把手”述法多少人次？", ["部门“一把手”述法93人次"]) == "部门“一把手”述法多少人次？"
