"""The reader on colloquial wording: 多高 as a question word, directional verb endings (收集上来) and
totals said in words (全部…加起来), a count in the general classifier (24个 for 多少条), a title striven
for (争创…), the figure bound to the words asked, the noun asked ending before what is done with it, and
items closed by 的 and their kind. Retrieval is simulated as in tests/test_reader.py.
"""
from __future__ import annotations

import pytest

from tests.test_answers import answer_over

BAISHA = """2024年,白沙镇坚持以习近平法治思想为指导,积极争创省级法治政府建设示范镇。
(一)强化合法性审查。全年对重大行政决策、规范性文件及村级合同开展全流程审查215件,覆盖率达100%。其中,规范性文件审查3件,村级合同审查198件。
(二)优化政务服务。网上业务量5208宗,申报率高达91.5%。收集群众诉求126件,办结率97%。19个经验做法获市级推广。
(三)规范涉法事务。全年共处理涉法事务征求意见事项88件,复函35件。查处违法行为30起,其中29起已结案(其中警告17家、警告并罚款12家,共处罚金6000元,已全部履行到位)。全年卫生行政处罚案件共45件,简易程序28件,一般程序17件。共审核把关合同326份。每季度由镇分管领导召开普法工作推进会。实行集中学法+班子会前学法+部门自学的形式。通过镇官网、微信公众号、宣传栏等多种渠道,主动、准确发布更新行政审批、公共服务等各类信息。将法治机构设在党政办。成立青年(涉外)律师成长学院。选送12名律师赴英国伦敦研学。各村村委会以村务公开栏为主要阵地公开村务信息。成立以镇长为组长、各站所负责人为成员的镇机关法治建设和“八五”普法工作领导小组。
(五)开展法律服务。积极构建党政主要领导挂帅抓、分管领导统筹抓、驻村干部具体抓的工作格局。邀请县公证处公证员、律师,就土地流转合同中涉及到的法律问题,举办专题讲座。
(四)推进政务公开。召开依法治镇第三次会议暨述法工作专题会议。组织开展白沙湾“法润乡村”论坛。被市司法局授予“2024年度全市法治宣传教育先进集体”。评选出镇级示范项目4个。组织开展执法人员专题培训班、“小课堂、进村居”专项宣传等系列培训活动,坚持“公开为常态”原则。通过镇政府微信公众号等平台,及时公开财政预算、重大项目建设等群众关切的热点信息。
"""


def ask(question: str):
    return answer_over(question, {"2024_白沙镇.txt": BAISHA}, "2024_白沙镇.txt", ("白沙镇",))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("白沙镇网上业务量多少、网上申报率多高？", "5208宗；91.5%"),
        ("白沙镇收集上来多少群众诉求？", "126件"),
        ("白沙镇全部审查加起来一共多少件？", "215件"),
        ("白沙镇在争创一个什么称号？", "省级法治政府建设示范镇"),
        ("白沙镇最后评出了几个镇级示范项目？", "4个"),  # 最后 says when, 评出 is 评选出 said short
    ],
)
def test_colloquial_question_words(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found and answer.text == expected, (question, answer.text)


def test_a_count_in_the_general_classifier_answers_a_count_in_another() -> None:
    answer = ask("白沙镇有多少条经验做法被市里推广？")
    assert answer.found and answer.text.startswith("19个"), answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("白沙镇村级合同审查弄了多少件？", "198件"),  # not the total of the clause that also names 村级合同
        ("白沙镇处理涉法事务征求意见后复函了多少件？", "35件"),  # the word before the question word binds
        # 家 is asked, not money; "警告并罚款" is the label, not 警告's; a bracketed clause's commas bound labels
        ("白沙镇警告并罚款的有几家？一共罚了多少钱？", "12家；6000元"),
        ("白沙镇卫生行政处罚案件里走一般程序的有多少件？", "17件"),  # the part named after 里, not the whole
        ("白沙镇帮着把关了多少份合同？", "326份"),
        ("白沙镇普法工作推进会多久开一次？由谁来开？", "每季度；镇分管领导"),  # 由谁: who does it, after 由
        ("白沙镇的法治机构放在哪个科室？", "党政办"),  # 放在 asks B of "将A设在B"; 党政办 is an office
        ("白沙镇成立的律师培养学院叫什么名字？", "青年(涉外)律师成长学院"),  # a short bracket is the name's own
        ("白沙镇选送了多少名律师出国研学？去的哪座城市？", "12名律师；英国伦敦"),  # 赴 shows where: its place names
        ("白沙镇各个村主要靠啥公开村务信息？", "村务公开栏"),  # X of 以X为主要阵地; 公开… is the deed, no kind
        ("白沙镇成立的法治和普法领导小组全称叫啥？", "镇机关法治建设和“八五”普法工作领导小组"),  # back to 的
        ("白沙镇就土地流转合同的法律问题请了哪些人来？", "县公证处公证员、律师"),  # 人来 is 人 and 来
    ],
)
def test_the_figure_whose_own_label_says_the_question(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found and answer.text == expected, (question, answer.text)


def test_the_noun_asked_ends_before_what_is_done_with_it() -> None:
    from qa.reader.questions import analyse
    assert analyse("白沙镇主要通过什么平台公开政务信息？", places=("白沙镇",)).head == "平台"
    assert analyse("白沙镇重大决策要走哪几道程序？", places=("白沙镇",)).head == "程序"
    answer = ask("白沙镇主要通过什么平台公开政务信息？")
    assert answer.found and answer.text.startswith("镇政府微信公众号"), answer.text


def test_items_closed_by_de_and_their_kind_enumerate_that_kind() -> None:
    from qa.reader.kinds import lists_kind
    assert lists_kind("程序", "坚持部门提议案、主管领导审查、班子集体决策的程序")
    assert lists_kind("热点信息", "公开财政预算、重大项目建设等群众关切的热点信息")
    assert not lists_kind("程序", "公开财政预算、重大项目建设等群众关切的热点信息")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("白沙镇述法工作专题会议是跟第几次依法治镇会议一起开的？", "依法治镇第三次会议"),
        ("白沙镇组织开了个什么论坛？", "白沙湾“法润乡村”论坛"),
        ("白沙镇被市司法局评为普法先进集体，是哪一年的称号？", "2024年度"),  # the thing whose year is asked
        ("白沙镇给执法人员搞的那个进村宣传活动叫什么？", "“小课堂、进村居”专项宣传"),
    ],
)
def test_the_names_own_words_around_an_ordinal_or_before_a_quote(question: str, expected: str) -> None:
    answer = ask(question)
    assert answer.found and answer.text == expected, (question, answer.text)


def test_the_means_asked_and_items_joined_by_plus_or_listed_beside_what_is_done() -> None:
    from qa.reader.questions import analyse
    asked = analyse("白沙镇学法是哪几种方式搭配着来的？", places=("白沙镇",))
    assert asked.head == "方式" and "种" not in asked.terms and "搭配" in asked.phrases
    joined = ask("白沙镇学法采取了哪几种形式？")
    assert joined.found and joined.text == "集中学法+班子会前学法+部门自学", joined.text
    listed = ask("白沙镇通过哪些渠道发布信息？")  # the clause listing the channels, not the one saying what is sent
    assert listed.found and listed.text == "镇官网、微信公众号、宣传栏", listed.text


def test_how_a_thing_is_done_said_as_items_closed_by_that_thing_is_answered_with_the_items() -> None:
    answer = ask("白沙镇的法治工作格局是怎么分工抓的？")
    assert answer.found and answer.text == "党政主要领导挂帅抓、分管领导统筹抓、驻村干部具体抓", answer.text
