"""Extractive answers: direct answers by kind, quotes as written, the figure check, refusals, comparison."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from qa.reader.answers import compare, extract_answer, is_supported
from qa.ingest.cleaning import clean
from qa.evaluation import answer_pieces, short_enough
from qa.evaluation import same_text as same
from qa.reader.figures import figures_in, find_figures
from qa.model import Answer, Hit, Passage, Quote
from qa.reader.questions import analyse
from qa.reader.wording import official_wording

ROOT = Path(__file__).resolve().parents[1]

QINGSHAN = """青山镇2023年度法治政府建设情况报告

2023年，青山镇坚持以法治思维推进基层治理，现将有关情况报告如下：

一、主要工作和成效

（一）化解矛盾纠纷。全镇建成调解室12个，全年调解各类纠纷312起，调解成功率96.5%，涉及金额87.6万元。受理来信来访 27 件，同比下降 12%。

（二）开展普法宣传。创新推出“法治夜市”普法品牌，举办法治讲座１５场，发放宣传手册3500余册，覆盖群众１２０余人次。组织干部学法考试2次，参考率100％。

（三）规范行政执法。聘任18名行政执法监督员，办理行政处罚案件41件，其中简易程序案件9件。

二、存在的不足

一是法治队伍力量薄弱。专职法治人员仅3名。二是普法覆盖不均衡。偏远村组群众参与度不高。三是执法信息化水平不高。

三、2024年工作计划

（一）加强法治队伍建设。
（二）深化“法治夜市”普法品牌。
（三）推进执法数字化。

青山镇人民政府
2024年2月6日
"""

BAIHE = """白河区2023年法治政府建设工作报告

一、工作成效

全区坚持和发展新时代“枫桥经验”，全年调解各类纠纷 95 起，调解成功率91%。办理行政复议案件7件。

二、存在问题

一是执法队伍年轻化不足。二是法治宣传形式单一。
"""

PLACES = ("青山镇", "白河区", "柳河镇", "田镇街道", "七马路街道", "春城街道", "上白作街道", "铁西区")


def passages(source: str, text: str) -> list[Passage]:
    """Cut a report into paragraphs, the way a simple indexer would."""
    return [
        Passage(source, (), clean(m.group()).text, m.start(), m.end())
        for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text)
        if m.group().strip()
    ]


def search(question: str, texts: dict[str, str], first: str | None = None, k: int = 6) -> list[Hit]:
    """Rank paragraphs by bigrams shared with the question; the `first` report's best three lead."""
    q = clean(question).text
    grams = {q[i : i + 2] for i in range(len(q) - 1)}
    ranked = []
    for source, text in texts.items():
        for p in passages(source, text):
            ranked.append((sum(g in p.text for g in grams), source == first, p))
    ranked.sort(key=lambda r: (-r[0], not r[1]))
    if first is not None:
        lead = [r for r in ranked if r[1]][:3]
        ranked = lead + [r for r in ranked if r not in lead]
    return [
        Hit(texts[p.source][p.start : p.end], float(score), p.source, p.source.split(".")[0], "", p)
        for score, _, p in ranked[:k]
    ]


def answer_over(question: str, texts: dict[str, str], first: str, places: tuple[str, ...]) -> Answer:
    """Answer over invented reports as ReportIndex.answer does once it has searched: the search above,
    everyday words said as the reports say them, then the reader. A found answer must be supported."""
    hits = search(question, texts, first)
    official = official_wording(question, (hit.text for hit in hits))
    answer = extract_answer(analyse(official, places=places), hits, texts.__getitem__)
    assert not answer.found or is_supported(answer, texts.__getitem__)
    return answer


def ask(question: str, texts: dict[str, str] | None = None, first: str | None = "青山镇.txt") -> Answer:
    texts = texts or {"青山镇.txt": QINGSHAN, "白河区.txt": BAIHE}
    return extract_answer(analyse(question, places=PLACES), search(question, texts, first), texts.__getitem__)


def assert_quoted(answer: Answer, texts: dict[str, str]) -> None:
    """Every quote is the report's own words, and the direct answer is the marked span of the first."""
    for quote in answer.quotes:
        assert texts[quote.source][quote.start : quote.start + len(quote.text)] == quote.text
    if answer.text is not None and answer.kind in ("number", "date"):
        start, end = answer.quotes[0].answer_span
        assert answer.quotes[0].text[start:end] == answer.text


TEXTS = {"青山镇.txt": QINGSHAN, "白河区.txt": BAIHE}


@pytest.mark.parametrize(
    "question, expected, quoted",
    [
        ("青山镇2023年调解各类纠纷多少起？", "312起", "全年调解各类纠纷312起"),
        ("青山镇调解成功率是多少？", "96.5%", "调解成功率96.5%"),
        ("青山镇调解纠纷涉及金额多少？", "87.6万元", "涉及金额87.6万元"),
        ("青山镇受理来信来访多少件？", "27 件", "受理来信来访 27 件"),
        ("青山镇来信来访同比下降了多少？", "12%", "同比下降 12%"),
        ("青山镇举办了几场法治讲座？", "１５场", "举办法治讲座１５场"),
        ("青山镇发放宣传手册多少册？", "3500余册", "发放宣传手册3500余册"),
        ("青山镇覆盖群众多少人次？", "１２０余人次", "覆盖群众１２０余人次"),
        ("青山镇干部学法考试参考率是多少？", "100％", "参考率100％"),
        ("青山镇聘任了多少名行政执法监督员？", "18名", "聘任18名行政执法监督员"),
        ("青山镇办理行政处罚案件多少件？", "41件", "办理行政处罚案件41件"),
        ("青山镇建成了几个调解室？", "12个", "全镇建成调解室12个"),
    ],
)
def test_number_answer_is_the_figure_as_written_in_the_matching_clause(question, expected, quoted) -> None:
    answer = ask(question)
    assert answer.found and answer.kind == "number"
    assert answer.text == expected
    assert answer.quotes[0].source == "青山镇.txt"
    assert quoted in answer.quotes[0].text
    assert_quoted(answer, TEXTS)


def test_issue_example_quotes_the_clause_exactly_and_marks_the_answer() -> None:
    text = (ROOT / "corpus" / "2024_田镇街道.txt").read_text(encoding="utf-8")
    texts = {"田镇.txt": text}
    answer = ask("田镇街道2024年调处矛盾纠纷多少件", texts, "田镇.txt")
    assert answer.text == "806件"
    quote = answer.quotes[0]
    assert quote.text == "全年调处矛盾纠纷806件，调处成功率98%，涉及金额225.34万元，实现“小事不出村、大事不出镇”"
    assert quote.text[quote.answer_span[0] : quote.answer_span[1]] == "806件"
    assert text[quote.start : quote.start + len(quote.text)] == quote.text
    rate = ask("田镇街道2024年调处矛盾纠纷成功率是多少", texts, "田镇.txt")
    assert rate.text == "98%"


def test_the_quote_is_the_matching_clause_not_the_first_sentence() -> None:
    answer = ask("青山镇聘任了多少名行政执法监督员？")
    assert not answer.quotes[0].text.startswith("（三）规范行政执法")
    assert answer.quotes[0].text.startswith("聘任18名")


def test_date_answer_is_the_signature_date() -> None:
    answer = ask("青山镇的报告是哪天发布的？")
    assert answer.found and answer.kind == "date"
    assert answer.text == "2024年2月6日"
    assert_quoted(answer, TEXTS)


def test_list_answer_gives_the_items_of_the_matching_section() -> None:
    answer = ask("青山镇法治建设存在哪些不足？")
    assert answer.found and answer.kind == "list"
    assert [q.text for q in answer.quotes] == ["一是法治队伍力量薄弱", "二是普法覆盖不均衡", "三是执法信息化水平不高"]
    assert all(q.source == "青山镇.txt" for q in answer.quotes)
    assert_quoted(answer, TEXTS)


def test_list_answer_reads_numbered_headings_under_the_plan_section() -> None:
    answer = ask("青山镇2024年工作计划有哪些？")
    assert answer.kind == "list"
    assert [q.text for q in answer.quotes] == ["（一）加强法治队伍建设", "（二）深化“法治夜市”普法品牌", "（三）推进执法数字化"]
    assert answer.text == "加强法治队伍建设；深化“法治夜市”普法品牌；推进执法数字化"


def test_text_answer_quotes_the_matching_clause_and_marks_the_named_thing() -> None:
    answer = ask("青山镇创新推出了什么普法品牌？")
    assert answer.found and answer.kind == "entity"
    assert "创新推出“法治夜市”普法品牌" in answer.quotes[0].text
    # The brand as the report names it, with the noun the question asks for right after its quote.
    assert answer.text in ("法治夜市", "“法治夜市”普法品牌")
    assert_quoted(answer, TEXTS)


@pytest.mark.parametrize("question", ["青山镇2023年财政收入是多少？", "青山镇有多少名律师？", "青山镇地区生产总值是多少？"])
def test_question_the_report_does_not_answer_is_not_found(question: str) -> None:
    answer = ask(question)
    assert not answer.found and answer.text is None and answer.kind == "none"
    assert answer.quotes, "the nearest passages are shown as related reading"
    assert all(q.answer_span is None for q in answer.quotes)


def test_not_found_never_borrows_another_reports_figure() -> None:
    texts = {"青山镇.txt": QINGSHAN}
    answer = ask("青山镇办理行政复议案件多少件？", texts, "青山镇.txt")
    assert not answer.found
    assert "7件" not in "".join(q.text for q in answer.quotes)


def test_no_hits_is_not_found() -> None:
    answer = extract_answer(analyse("青山镇调解多少起", places=PLACES), [], TEXTS.__getitem__)
    assert not answer.found and answer.quotes == ()


def test_comparison_gives_one_row_per_report_with_its_own_figure() -> None:
    question = analyse("各地2023年调解各类纠纷多少起？", places=PLACES)
    assert question.comparison
    by_report = {source: search(question.text, {source: text}) for source, text in TEXTS.items()}
    answer = compare(question, by_report, TEXTS.__getitem__)
    assert answer.kind == "comparison" and answer.found
    rows = {row.quotes[0].source: row.text for row in answer.rows}
    assert rows == {"青山镇.txt": "312起", "白河区.txt": "95 起"}
    for row in answer.rows:
        assert_quoted(row, TEXTS)


def test_comparison_of_a_mention_finds_only_the_reports_that_make_it() -> None:
    question = analyse("哪些报告提到了枫桥经验", places=PLACES)
    by_report = {source: search(question.text, {source: text}) for source, text in TEXTS.items()}
    answer = compare(question, by_report, TEXTS.__getitem__)
    found = [row for row in answer.rows if row.found]
    assert [row.quotes[0].source for row in found] == ["白河区.txt"]
    assert "枫桥经验" in found[0].quotes[0].text
    assert answer.rows[-1].found is False


# ----------------------------------------------------------------------------- the figure check


def test_figures_in_reads_digits_across_width_and_spaces() -> None:
    assert figures_in("受理信访 48 件，同比下降 16%") == ("48", "16")
    assert figures_in("举办法治讲座１５场，涉及金额225.34万元") == ("15", "225.34")
    assert figures_in("普法形式单一") == ()


def test_find_figures_skips_years_ranges_and_list_numbers() -> None:
    text = "2024年以来，依据《纲要（2021-2025年）》，2.严格落实制度，走访企业20余次"
    assert [(text[f.start : f.end], f.unit) for f in find_figures(text)] == [("20余次", "余次")]


def test_is_supported_denies_a_figure_its_quote_does_not_hold() -> None:
    quote = Quote("全年调解各类纠纷312起", "青山镇.txt", "青山镇", "", (8, 12), QINGSHAN.index("全年调解各类纠纷312起"))
    good = Answer("q", "312起", True, (quote,), kind="number")
    assert is_supported(good, TEXTS.__getitem__)
    assert not is_supported(replace(good, text="313起"), TEXTS.__getitem__)
    assert not is_supported(replace(good, quotes=(replace(quote, answer_span=(0, 2)),)), TEXTS.__getitem__)
    moved = replace(quote, start=quote.start + 1)
    assert not is_supported(replace(good, quotes=(moved,)), TEXTS.__getitem__)


# ----------------------------------------------------------------------------- public questions


def corpus_texts() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "corpus").glob("*.txt"))}


def public_questions() -> list[dict]:
    lines = (ROOT / "tests" / "data" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def named_report(record: dict, texts: dict[str, str]) -> str:
    name = record["report"] or next(p for p in PLACES if p in record["question"])
    return next(source for source in texts if name in source)


def test_public_questions_answered_with_figure_in_quote_and_no_false_refusal() -> None:
    """Simulated good retrieval (the named report's best paragraphs first, other reports after)."""
    texts = corpus_texts()
    right = refused_right = answerable = unanswerable = 0
    missed = []
    for record in public_questions():
        source = named_report(record, texts)
        # The index scopes a question naming a report to that report: so does this simulation.
        answer = ask(record["question"], {source: texts[source]}, source)
        if answer.found and answer.text:
            assert set(figures_in(answer.text)) <= set(figures_in(" ".join(q.text for q in answer.quotes)))
        if record["kind"] == "none":
            unanswerable += 1
            refused_right += not answer.found
            continue
        answerable += 1
        quotes = [same(q.text) for q in answer.quotes if q.source == source]
        if record["answer"] is None or record["kind"] == "text":
            ok = any(same(record["quote"]) in q for q in quotes)
        else:
            ok = answer.text is not None and short_enough(answer.text, record["answer"]) and all(
                piece in same(answer.text) and any(piece in q for q in quotes) for piece in answer_pieces(record["answer"])
            )
        right += answer.found and ok
        missed.append(record["id"]) if not (answer.found and ok) else None
    # The golden test holds the real pipeline to 0.95; this simulated ranking is cruder (measured 47/52).
    assert right / answerable >= 0.90, missed
    assert refused_right == unanswerable


LIUHE = """柳河镇2024年度法治政府建设情况报告

一、主要工作

（一）压实责任。2024年4月9日，镇政府召开全镇法治建设推进会，印发年度工作要点。
（二）便民服务。镇级“一站式”调解中心正式启用，2024年6月1日起对外服务。

柳河镇人民政府
2025年1月8日
"""


@pytest.mark.parametrize(
    "question, expected, quoted",
    [
        ("柳河镇全镇法治建设推进会是哪天召开的？", "2024年4月9日", "2024年4月9日，镇政府召开全镇法治建设推进会"),
        ("柳河镇一站式调解中心什么时候正式启用？", "2024年6月1日", "“一站式”调解中心正式启用，2024年6月1日起对外服务"),
    ],
)
def test_date_in_the_clause_beside_the_event_is_its_date(question, expected, quoted) -> None:
    texts = {"柳河镇.txt": LIUHE}
    answer = ask(question, texts, "柳河镇.txt")
    assert answer.found and answer.kind == "date"
    assert answer.text == expected
    assert quoted in answer.quotes[0].text
    assert_quoted(answer, texts)


def test_units_of_files_and_animals_are_counted_and_asked() -> None:
    text = "评查执法案卷186卷，收容流浪犬62只"
    assert [(text[f.start : f.end], f.unit) for f in find_figures(text)] == [("186卷", "卷"), ("62只", "只")]
    assert analyse("白河区评查了多少卷执法案卷？", places=PLACES).unit == "卷"
    texts = {"白河区.txt": BAIHE.replace("办理行政复议案件7件。", "评查执法案卷186卷，收容流浪犬62只。")}
    answer = ask("白河区评查了多少卷执法案卷？", texts, "白河区.txt")
    assert answer.found and answer.text == "186卷"


def test_a_word_the_report_writes_split_up_still_matches_its_clause() -> None:
    # The report never writes "税费": it writes "减税降费"; the question is still answered from it.
    texts = {"白河区.txt": BAIHE.replace("办理行政复议案件7件。", "为小微企业减税降费860万元，兑现奖补资金120万元。")}
    answer = ask("白河区给小微企业减了多少税费？", texts, "白河区.txt")
    assert answer.found and answer.text == "860万元"
    assert "减税降费860万元" in answer.quotes[0].text
    # A word whose characters the report does not hold together still counts against the clause.
    assert not ask("白河区地区生产总值是多少？", texts, "白河区.txt").found


LONGGANG = """龙岗镇2024年法治政府建设情况报告

一、主要工作

（一）规范执法。组织开展执法案卷评查，抽查案卷64卷，优秀率为78.5%，比上年提高3.5个百分点。全年办理行政处罚案件88件，其中道路交通案件22件，占全部案件的25%。

（二）优化服务。全年办理政务服务事项4.6万件，同比增长17.2%，群众满意率99%。
"""


@pytest.mark.parametrize(
    "question, expected",
    [
        # The rate of change, not the count that changed.
        ("龙岗镇办理政务服务事项同比增长了多少？", "17.2%"),
        # Percentage points are their own unit, asked with "几个百分点".
        ("龙岗镇执法案卷评查优秀率比上年提高了几个百分点？", "3.5个百分点"),
        # A clause opening with a comparison takes its subject from the clause before it.
        ("龙岗镇道路交通案件占全部案件的比例是多少？", "25%"),
    ],
)
def test_changes_shares_and_percentage_points(question, expected):
    texts = {"龙岗镇.txt": LONGGANG}
    answer = extract_answer(
        analyse(question, places=("龙岗镇",)), search(question, texts, "龙岗镇.txt"), texts.__getitem__
    )
    assert answer.found and answer.text == expected
    assert_quoted(answer, texts)


SHUIKOU = """水口镇2024年法治政府建设情况报告

一、主要工作

（一）化解矛盾。全年排查矛盾纠纷230件，调解成功率97.4%。第一，健全调解网络。全镇建立村级调解委员会15个，配备调解员60名；打造“和事佬”调解室8个，就地化解纠纷410件。第二，畅通信访渠道。受理来信来访52件次。

二、2025年工作计划

（一）深化基层治理。完善多元化解机制，力争调解成功率保持在95%以上。
"""


def test_a_result_beats_a_target_and_an_item_label_is_answered_by_its_points():
    texts = {"水口镇.txt": SHUIKOU}

    def ask_here(question):
        return extract_answer(analyse(question, places=("水口镇",)), search(question, texts, "水口镇.txt"),
                              texts.__getitem__)

    rate = ask_here("水口镇调解成功率是多少？")
    assert rate.found and rate.text == "97.4%"
    target = ask_here("水口镇力争调解成功率保持在多少？")
    assert target.found and target.text == "95%以上"  # the report's approximation is kept
    ways = ask_here("水口镇健全调解网络的主要做法有哪些？")
    assert ways.found
    assert ways.quotes[0].text == "全镇建立村级调解委员会15个，配备调解员60名；打造“和事佬”调解室8个，就地化解纠纷410件"
    assert_quoted(ways, texts)


HUAXI = """华溪县2024年法治政府建设情况报告

一、主要工作

（一）规范执法
（1）农业执法。检查农资门店150家次，查处案件12件。
（2）城管执法。规范流动摊点300处，查处案件45件，拆除违法建设1.5万平方米。
（二）维护市场秩序。查处不正当竞争案件6件，罚没款21.5万元。

二、存在的问题

第一，乡镇法治力量薄弱。第二，执法人员素质不高。第三，普法方式传统。
"""


def test_inline_labels_ordinals_and_fines():
    texts = {"华溪县.txt": HUAXI}

    def ask_here(question):
        return extract_answer(analyse(question, places=("华溪县",)), search(question, texts, "华溪县.txt"),
                              texts.__getitem__)

    # The item's label ("（2）城管执法。") gives its sentences their subject.
    built = ask_here("华溪县城管执法查处案件多少件？")
    assert built.found and built.text == "45件"
    # A fine is an amount of money, not the count of cases beside it.
    fine = ask_here("华溪县查处不正当竞争案件罚没款多少？")
    assert fine.found and fine.text == "21.5万元"
    # Items enumerated "第一，……第二，……" are a list like "一是……二是……".
    problems = ask_here("华溪县存在哪些问题？")
    assert problems.kind == "list"
    assert problems.text == "乡镇法治力量薄弱；执法人员素质不高；普法方式传统"
    assert_quoted(built, texts)
    assert_quoted(fine, texts)


def test_item_labels_hold_for_the_rest_of_their_line_only():
    from qa.reader.clauses import clauses, item_labels

    text = "（1）农业执法。检查门店15家。查处案件2件。\n全年培训3次。"
    units = clauses(text)
    labels = item_labels(units, text)
    by_text = {u.text: labels.get(u.sentence) for u in units}
    assert by_text["检查门店15家"] == "（1）农业执法"
    assert by_text["查处案件2件"] == "（1）农业执法"
    assert by_text["全年培训3次"] is None


JINSHI = """金石县2024年法治政府建设情况报告

一、2024年度主要工作

（一）加强学法。县政府常务会议会前学法10次。

二、2025年度的主要安排

（一）健全学法制度，全年组织常务会议学法不少于11次。
（二）深化执法改革，推进综合执法。
"""


def test_a_plan_asked_as_a_verb_and_a_plan_section_under_a_synonym():
    texts = {"金石县.txt": JINSHI}

    def ask_here(question):
        return extract_answer(analyse(question, places=("金石县",)), search(question, texts, "金石县.txt"),
                              texts.__getitem__)

    # "计划组织…" says when, not what; the plan is written "不少于11次".
    planned = ask_here("金石县2025年计划组织常务会议学法多少次？")
    assert planned.found and planned.text == "11次"
    # A section headed "主要安排" answers a question about the 计划.
    plans = ask_here("金石县2025年计划有哪些？")
    assert plans.kind == "list" and plans.found
    assert [q.text for q in plans.quotes] == ["（一）健全学法制度，全年组织常务会议学法不少于11次", "（二）深化执法改革，推进综合执法"]
