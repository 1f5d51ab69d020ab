"""Reading questions: kind, comparison, unit and content terms."""
from __future__ import annotations

import pytest

from qa.reader.questions import analyse

PLACES = ("长春市绿园区春城街道", "青山镇", "白河区", "春城街道", "田镇街道")


@pytest.mark.parametrize(
    "text, kind",
    [
        ("田镇街道2024年调处矛盾纠纷多少件", "number"),
        ("青山镇开展了几场法治讲座？", "number"),
        ("白河区行政复议纠错率是多少？", "number"),
        ("青山镇调解成功率", "number"),
        ("白河区的报告是哪天发布的？", "date"),
        ("青山镇什么时候成立调解中心？", "date"),
        ("青山镇法治建设存在哪些不足？", "list"),
        ("白河区普法工作存在什么问题？", "list"),
        ("青山镇2025年工作计划有哪些？", "list"),
        ("春城街道探索实施了什么样的普法方式？", "text"),
        ("青山镇如何化解矛盾纠纷？", "text"),
    ],
)
def test_kind_follows_the_question_words(text: str, kind: str) -> None:
    assert analyse(text, places=PLACES).kind == kind


@pytest.mark.parametrize(
    "text",
    ["各街道2024年调处矛盾纠纷多少件", "哪些报告提到了枫桥经验", "所有报告中行政复议申请分别是多少件", "每个街道开展了几场讲座"],
)
def test_questions_across_reports_are_comparisons(text: str) -> None:
    assert analyse(text, places=PLACES).comparison


@pytest.mark.parametrize("text", ["春城街道举办了多少场各类法律讲座？", "青山镇每季度听取几次汇报？"])
def test_questions_about_one_report_are_not_comparisons(text: str) -> None:
    assert not analyse(text, places=PLACES).comparison


def said(question) -> str:
    """Return the question's content words in the order asked."""
    return "".join((*question.left, *question.right))


def test_terms_leave_out_place_year_question_words_and_unit() -> None:
    question = analyse("田镇街道2024年调处矛盾纠纷多少件？", places=PLACES)
    assert said(question) == "调处矛盾纠纷"
    assert question.unit == "件"
    assert "调处" in question.terms and "纠纷" in question.terms
    assert not any(word in term for term in question.terms for word in ("田镇", "2024", "多少", "件"))


def test_longest_place_is_removed_whole() -> None:
    question = analyse("长春市绿园区春城街道接受法律咨询多少人次？", places=PLACES)
    assert said(question) == "接受法律咨询"
    assert question.unit == "人次"


def test_phrases_split_at_question_words_and_particles() -> None:
    question = analyse("白河区的乡设置了几个内设机构？", places=PLACES)
    assert said(question) == "乡设置内设机构"
    assert question.left == ("乡", "设置") and question.right == ("内设", "机构")
    assert question.unit == "个"


def test_comparison_words_are_not_terms() -> None:
    question = analyse("哪些报告提到了枫桥经验", places=PLACES)
    assert said(question) == "枫桥经验"
    assert question.kind == "text"


def test_a_bare_follow_up_has_no_terms() -> None:
    assert analyse("那春城街道呢？", places=PLACES).terms == ()


def test_full_width_question_reads_like_half_width() -> None:
    half = analyse("青山镇2023年发放宣传资料多少份?", places=PLACES)
    full = analyse("青山镇２０２３年发放宣传资料多少份？", places=PLACES)
    assert half.terms == full.terms and half.unit == full.unit == "份"


def test_the_share_asked_for_is_a_question_word_not_a_term():
    question = analyse("北溪县农业案件占全部案件的比例是多少？", places=("北溪县",))
    assert question.kind == "number"
    assert "比例" not in question.terms
    assert said(question) == "农业案件占"  # each word once; 全部 says the whole, as 总共 does, no topic


def test_asking_for_the_ways_something_was_done_leaves_only_the_subject():
    question = analyse("北溪县深化多元调解的主要做法有哪些？", places=("北溪县",))
    assert said(question) == "深化多元调解"


def test_an_issuer_named_by_its_short_form_is_not_a_term():
    places = ("北溪市市场监督管理局", "北溪市", "北溪")
    assert said(analyse("北溪市场监管局开展专项行动查办案件多少件？", places=places)) == "开展专项行动查办案件"
    # Another body's name is what the question is about, so it stays.
    assert said(analyse("北溪市司法局审查多少件？", places=places)) == "司法局审查"


@pytest.mark.parametrize("text, kind", [("青山镇是啥时候成立调解中心的？", "date"), ("青山镇那个中心叫啥？", "entity")])
def test_spoken_question_words_read_as_written_ones(text: str, kind: str) -> None:
    assert analyse(text, places=PLACES).kind == kind


def test_a_demonstrative_with_its_classifier_is_no_content_word() -> None:
    question = analyse("青山镇是什么时候拿到这块牌子的？", places=PLACES)
    assert "这块" not in question.phrases and "牌子" in question.phrases


def test_money_asked_in_everyday_words_is_asked_in_yuan() -> None:
    question = analyse("青山镇一年律师费花多少钱？", places=PLACES)
    assert question.unit == "元" and "钱" not in question.phrases and "花" not in question.phrases


@pytest.mark.parametrize("text, unit, counted", [
    ("青山镇有几个委办局参与告知承诺？", "个", "委办局"),
    ("青山镇明确了几个方面的任务？", "个", "方面"),
    ("青山镇派了几个人参加培训？", "人", ""),
    ("青山镇一共调解了多少件？", "件", ""),
])
def test_the_noun_a_count_is_of(text: str, unit: str, counted: str) -> None:
    question = analyse(text, places=PLACES)
    assert (question.unit, question.counted) == (unit, counted)


def test_everyday_words_are_said_as_the_reports_say_them() -> None:
    from qa.reader.wording import official_wording

    assert official_wording("青山镇行政诉讼输了几件官司？", ["行政诉讼败诉2件"]) == "青山镇行政诉讼败诉了几件案件？"
    # a report that writes the everyday word itself keeps it, unless a person is asked
    assert official_wording("青山镇一把手述法几次？", ["“一把手”述法3次"]) == "青山镇一把手述法几次？"
    assert official_wording("青山镇一把手是谁？", ["“一把手”工程"]) == "青山镇主要负责人是谁？"
    assert official_wording("交通运输局的情况", []) == "交通运输局的情况"  # word by word, never inside a word


@pytest.mark.parametrize("text, shape", [
    ("青山镇复议决定有没有被法院撤销的？", "yes-no"),
    ("青山镇是否存在败诉案件？", "yes-no"),
    ("青山镇2022年那份报告里有没有说败诉率是多少？", ""),  # a figure is asked, not yes or no
])
def test_a_question_asked_yes_or_no(text: str, shape: str) -> None:
    assert analyse(text, places=PLACES).shape == shape


def test_yiban_before_a_verb_is_a_filler_and_before_a_noun_a_kind() -> None:
    from qa.reader.questions import analyse
    assert "一般" not in analyse("白沙镇夜学一般放在每周哪天？").phrases
    assert "一般" in analyse("白沙镇一般案件办了多少起？").phrases


def test_mianxiang_introduces_an_audience_as_zhendui_does() -> None:
    from qa.reader.questions import analyse
    assert "面向" not in analyse("白沙镇面向青少年的专场活动办了几场？").phrases
