"""Follow-up questions rewritten into standalone ones from the conversation so far."""
from __future__ import annotations

import pytest

from qa.reader.followup import resolve

PLACES = ("长春市绿园区春城街道", "四平市铁西区人民政府", "田镇街道", "春城街道", "青山镇", "铁西区", "铁西")
FIRST = "田镇街道2024年调处矛盾纠纷多少件"


@pytest.mark.parametrize(
    "question, expected",
    [
        ("那春城街道呢？", "春城街道2024年调处矛盾纠纷多少件"),
        ("青山镇呢", "青山镇2024年调处矛盾纠纷多少件"),
        ("2023年呢？", "田镇街道2023年调处矛盾纠纷多少件"),
        ("那铁西区2023年呢", "铁西区2023年调处矛盾纠纷多少件"),
        ("成功率呢？", "田镇街道2024年调处矛盾纠纷成功率是多少"),
        ("它的成功率呢？", "田镇街道2024年调处矛盾纠纷成功率是多少"),
        ("涉及金额呢？", "田镇街道2024年调处矛盾纠纷涉及金额是多少"),
        ("春城街道的成功率呢？", "春城街道2024年调处矛盾纠纷成功率是多少"),
        ("受理信访呢？", "田镇街道2024年受理信访多少"),
        ("同比下降了多少？", "田镇街道2024年同比下降了多少"),
    ],
)
def test_follow_up_takes_place_year_or_subject_from_the_last_question(question: str, expected: str) -> None:
    assert resolve(question, [FIRST], PLACES) == expected


def test_a_full_question_is_returned_unchanged() -> None:
    question = "铁西区收到检察建议多少件？"
    assert resolve(question, [FIRST], PLACES) == question


def test_without_history_the_question_is_unchanged() -> None:
    assert resolve("那春城街道呢？", [], PLACES) == "那春城街道呢？"


def test_a_chain_of_follow_ups_builds_on_each_other() -> None:
    history = [FIRST, "那春城街道呢？"]
    assert resolve("成功率呢？", history, PLACES) == "春城街道2024年调处矛盾纠纷成功率是多少"


def test_follow_up_after_a_list_question_keeps_its_kind() -> None:
    assert resolve("那春城街道呢？", ["田镇街道存在哪些不足？"], PLACES) == "春城街道存在哪些不足？"


def test_history_already_resolved_gives_the_same_result() -> None:
    resolved = ["田镇街道2024年调处矛盾纠纷多少件", "春城街道2024年调处矛盾纠纷多少件"]
    assert resolve("成功率呢？", resolved, PLACES) == "春城街道2024年调处矛盾纠纷成功率是多少"


def test_a_question_after_最后_asks_within_the_last_scene() -> None:
    resolved = resolve("最后保留了几件？", ["青山镇2024年审核了几件规范性文件？"], PLACES)
    assert resolved.startswith("青山镇2024年审核了几件规范性文件") and resolved.endswith("保留了几件")


def test_that_year_is_the_year_of_the_last_question() -> None:
    assert resolve("青山镇那年举办了几场讲座？", ["2022年田镇街道和青山镇调处矛盾纠纷各多少件"], PLACES) == "青山镇2022年举办了几场讲座？"


@pytest.mark.parametrize("question, expected", [
    ("那山东的春城街道呢？", "春城街道2024年调处矛盾纠纷多少件"),  # parent places locate, they ask nothing
    ("换成春城街道呢？", "春城街道2024年调处矛盾纠纷多少件"),
    ("去年呢？", "田镇街道2023年调处矛盾纠纷多少件"),  # a year relative to the last question's
    ("那前年呢？", "田镇街道2022年调处矛盾纠纷多少件"),
])
def test_follow_ups_with_locators_fillers_and_relative_years(question: str, expected: str) -> None:
    assert resolve(question, [FIRST], PLACES) == expected


def test_these_two_are_the_last_two_places_named() -> None:
    history = ["田镇街道2024年调处矛盾纠纷多少件", "那春城街道呢？"]
    assert resolve("这两个街道调处矛盾纠纷次数对比一下", history, PLACES) == "田镇街道和春城街道调处矛盾纠纷次数对比一下，各多少件"


def test_a_follow_up_counting_in_another_unit_asks_within_the_last_scene() -> None:
    from qa.reader.followup import resolve_followup

    asked = resolve_followup("一共开了多少次？", ["青山镇2024年在几个村开了法治课堂？"], PLACES)
    assert asked.within_scene and "几个村开了法治课堂" in asked.text and asked.text.endswith("一共开了多少次")
    same_unit = resolve_followup("一共开了多少个？", ["青山镇2024年在几个村开了法治课堂？"], PLACES)
    assert not same_unit.within_scene


def test_these_two_years_are_the_last_two_years_named_of_the_last_place() -> None:
    history = ["田镇街道2023年调处矛盾纠纷多少件", "2024年呢？"]
    assert resolve("把这两年的调处数对比一下", history, PLACES) == "田镇街道把2023年和2024年的调处数对比一下"


def test_a_whole_comparison_naming_its_place_and_years_is_not_a_follow_up() -> None:
    history = ["田镇街道2024年调处矛盾纠纷多少件", "前年呢？"]
    question = "把2022年和2024年田镇街道的调处件数列一下"
    assert resolve(question, history, PLACES) == question


def test_a_measure_of_a_subject_of_its_own_replaces_the_last_subject() -> None:
    assert resolve("学法考试的优秀率呢？", [FIRST], PLACES) == "田镇街道2024年学法考试的优秀率是多少"
    assert resolve("成功率呢？", [FIRST], PLACES) == "田镇街道2024年调处矛盾纠纷成功率是多少"


def test_a_body_of_the_place_named_is_no_subject_of_its_own() -> None:
    history = ["铁西区2024年中心组学法几次？", "2023年的时候多久学一次？"]
    assert resolve("青山镇交通局呢？", history, PLACES) == resolve("青山镇呢？", history, PLACES)


def test_a_new_place_with_a_measure_of_its_own_subject_asks_that_measure() -> None:
    history = ["铁西区执法资格考试通过率多少？", "多少人参加了宪法网上测试？"]
    assert resolve("那青山镇的执法人员持证率呢？", history, PLACES) == "青山镇执法人员持证率是多少"


def test_a_new_place_with_its_body_replaces_the_old_place_and_body() -> None:
    places = (*PLACES, "铁西区司法局", "青山镇司法所")
    assert resolve("铁西区司法局呢？", ["青山镇人社局一把手叫什么？"], places) == "铁西区司法局一把手叫什么？"


def test_these_two_towns_are_the_last_two_places_whatever_word_names_them() -> None:
    history = ["田镇街道2024年调处矛盾纠纷多少件？", "青山镇呢？"]
    assert resolve("这两个乡镇下村宣讲的次数放一起比比", history, PLACES).startswith("田镇街道和青山镇下村")


def test_a_follow_up_in_another_unit_asks_the_last_question_in_its_unit() -> None:
    history = ["田镇街道和青山镇去年执法培训各有多少人次参加？"]
    assert resolve("那各自培训了几次？", history, PLACES) == "田镇街道和青山镇去年执法培训各有多少次参加？"


def test_a_rate_of_the_word_last_asked_is_the_rate_of_the_whole_scene() -> None:
    history = ["田镇街道好差评里非常满意的有多少条？"]
    assert resolve("满意率呢？", history, PLACES) == "田镇街道好差评满意率是多少"


def test_these_three_are_the_last_three_places_named() -> None:
    history = ["田镇街道2024年学法几次？", "青山镇呢？", "铁西区呢？"]
    assert resolve("把这三家的学法次数列一下比比", history, PLACES) == "把田镇街道和青山镇和铁西区的学法次数列一下比比，各几次"
    assert "田镇街道" not in resolve("这两个地方比一比", history, PLACES)


def test_a_comparison_asking_nothing_asks_the_last_questions_question_word() -> None:
    history = ["田镇街道2024年开展法治宣讲多少场？", "春城街道呢？"]
    assert resolve("把这两个街道的宣讲场次对比一下", history, PLACES) == "把田镇街道和春城街道的宣讲场次对比一下，各多少场"
    history = ["田镇街道法治建设领导小组组长是谁？", "春城街道呢？"]
    assert resolve("两边的组长列一下", history, PLACES) == "田镇街道和春城街道的组长列一下，各是谁"


def test_two_places_asked_the_same_of_each_stand_alone_and_ask_each_one_thing() -> None:
    from qa.reader.questions import analyse
    asked = "田镇街道和春城街道的法治领导小组组长分别是谁？"
    assert resolve(asked, ["春城街道的法治领导小组谁当组长？"], PLACES) == asked
    assert analyse(asked, places=PLACES).kind == "entity"  # one person of each, not a list


def test_a_place_said_to_locate_the_next_is_not_the_place_switched_to_or_counted() -> None:
    places = ("西湖区", "古荡街道", "良渚街道", "杭州", "大竹县")
    assert resolve("那西湖区的古荡街道呢？", ["良渚街道持有执法证的有多少人？"], places) == "古荡街道持有执法证的有多少人？"
    history = ["大竹县2023年县政府常务会会前学法几次？", "杭州西湖区2024年区政府常务会议上讲了几次法？"]
    assert resolve("这两个地方常务会上学法的次数对比一下", history, places).startswith("大竹县和西湖区")


def test_the_old_places_parents_go_with_it_and_two_reports_are_the_last_two_places() -> None:
    places = ("荆门市", "西湖区", "杭州")
    history = ["湖北荆门市2024年法治政府建设情况报告是哪天发布的？"]
    assert resolve("杭州西湖区的2024年报告呢？", history, places).startswith("西湖区2024年")
    history.append("杭州西湖区的2024年报告呢？")
    assert resolve("两份报告的发布日期对比一下", history, places).startswith("荆门市和西湖区")
