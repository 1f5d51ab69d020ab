"""Read what a report says about itself: its title, issuing body, places, year and signature date.

Reports arrive as read: full-width spaces, indentation, blank lines, a title over two
lines, "2024 年" with spaces, or the whole report on one line. Everything here works on
that text directly, so the title and date are returned as written.

Decisions worth knowing:
- A report in traditional characters is read folded to simplified, so its title, issuer and
  places are given in simplified characters (its quotes keep the characters as written).
- The title is its lines joined with nothing between them; inside a line, runs of
  whitespace (full-width included) become one ASCII space, so "田镇街道 2024 年度…"
  keeps its spacing as written. A report without a title line gets one built from
  issuer and year ("七马路街道2024年度报告").
- The year is the year reported on: from the title, else from the opening sentence;
  ranges ("2021-2025年") and full dates ("2025年1月3日") never count.
- Places are the place names in the issuer, then their stems (the name less its suffix:
  "铁西区" -> "铁西") when the stem has two or more characters and is not a common word,
  longest first. A common word is one jieba's dictionary lists with a non-place tag and
  a frequency of at least 100 ("解放", "和平", "前进"): a question using it need not mean
  the place.
"""
from __future__ import annotations

import functools
import importlib.resources
import re
from pathlib import PurePath

from qa.errors import ReportReadError
from qa.ingest.cleaning import fold_traditional
from qa.model import ReportInfo

# Raised whenever what is read from a report changes (round 7: autonomous places' short names, news titles;
# round 8: a branch office's district), so an index built before re-reads its reports on the next update
# instead of keeping their old names.
METADATA_VERSION = 3
_CN_DIGITS = "〇零一二三四五六七八九"
_CN_DIGIT_ORDER = "〇一二三四五六七八九"
_YEAR = rf"(?:\d{{4}}|[{_CN_DIGITS}]{{4}})"
_YEAR_RE = re.compile(rf"(?<!\d)({_YEAR})\s*年")
_RANGE_RE = re.compile(rf"{_YEAR}\s*年?\s*[-－—–~～至到]+\s*{_YEAR}\s*年?")
_DAY_RE = re.compile(r"\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日")
_DATE = (
    rf"(?:\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日"
    rf"|[{_CN_DIGITS}]{{4}}\s*年\s*[一二三四五六七八九十]{{1,2}}\s*月\s*[一二三四五六七八九十]{{1,3}}\s*日"
    r"|\d{4}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2})"
)
_SIGNATURE_DATE_RE = re.compile(rf"(?:^|\s)({_DATE})(?:\s*[（(][^（()）]*[）)])*\s*$")
_DATE_LINE_RE = re.compile(rf"^[（(]\s*({_DATE})\s*[）)]$")
_SENTENCE_END = "。！？!?；;"
_TITLE_STOP = "，。；！？,;!?"
_REPORT_WORDS = ("报告", "总结", "汇报", "情况")
_TITLE_IN_LINE_RE = re.compile(r"^\s*([^，。；！？,;!?：:\n]{2,80}?(?:报告|总结|汇报))(?=\s|\d|$)")
_HEADING_RE = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])")
# A web page's trail of links ("首页 > 政务公开 > 法治政府建设") or location label stands above its title.
_NAVIGATION_RE = re.compile(r"[>＞»›→]|^(?:当前位置|您的位置|你的位置|所在位置)[:：]?")
_MAX_TITLE_LINES = 4
_MAX_TITLE_LINE = 60
_MAX_ISSUER = 40

# Longest first where one ends another, so "自治区" wins over "区" at the same position.
_PLACE_SUFFIXES = (
    "高新技术产业开发区", "经济技术开发区", "高新技术开发区", "经济开发区", "开发区", "高新区", "新区",
    "自治区", "自治州", "自治县", "自治旗", "地区", "街道", "社区",
    "省", "市", "州", "盟", "区", "县", "旗", "镇", "乡", "村",
)
_ORG_SUFFIXES = (
    "人民政府", "政府", "管理委员会", "管委会", "工作委员会", "村民委员会", "居民委员会", "委员会", "党工委", "办事处",
    "局", "厅", "办公室",
)
_ORG_PREFIXES = ("中国共产党", "中共")
# Stems that name the speaker rather than a place ("我区", "本街道", "全市").
_DEICTIC = frozenset("我本全该各此辖每")
_MAX_STEM = 8
_MAX_STEM_IN_SENTENCE = 5
_COMMON_FREQ = 100
# An autonomous place is spoken of without its peoples: 管城回族区 -> 管城区, 恩施土家族苗族自治州 -> 恩施州,
# 新疆维吾尔自治区 -> 新疆 (维吾尔 is the one people whose region's name has no 族).
_AUTONOMOUS_RE = re.compile(r"([\u4e00-\u9fff]{2,}?)(?:(?:[\u4e00-\u9fff]{1,3}族)+|维吾尔)(自治)?(区|州|县|旗)")


def extract_info(text: str, source: str, sha256: str = "") -> ReportInfo:
    """Read a report's title, issuer, places, year and signature date from its text.

    Args:
        text: the report as read (decoded, not cleaned).
        source: the report's path, passed through; its file name stands in for the
            issuer when neither title, signature nor opening sentence names one.
        sha256: hash of the file's bytes, passed through.

    Returns:
        The report's metadata. Without a title line the title is built from issuer and
        year ("七马路街道2024年度报告"); year and published are None when the report never
        says them.

    Raises:
        ReportReadError: the text is empty or only whitespace.
    """
    if not text.strip():
        raise ReportReadError(source, "the report is empty; give a file holding the report's text")
    # Names and years are matched against simplified questions: a report in traditional
    # characters is read in simplified ones (one for one), so its labels are simplified too.
    text = fold_traditional(text)
    title_lines, issuer_lines, body = _split_head(text)
    body, dated_line = _take_date_line(body)
    opening = _opening_sentence(body)
    title = "".join(title_lines)
    signature_issuer, published = _signature(text)
    issuer = (
        _issuer_from_title(title_lines)
        or _join_bodies(issuer_lines)
        or signature_issuer
        or _issuer_from_file_name(source)
        or _issuer_from_sentence(opening)
        or _name_of_file(source)
        or PurePath(source).stem
    )
    year = _first_year(title) or _first_year(opening) or _year_of_file_name(source)
    if not title:
        title = f"{issuer}{year}年度报告" if year else f"{issuer}报告"
    return ReportInfo(
        source=source,
        title=title,
        issuer=issuer,
        places=place_names(issuer),
        year=year,
        published=published or dated_line,
        sha256=sha256,
    )


def place_names(issuer: str) -> tuple[str, ...]:
    """List the place names inside an issuer and their safe short forms, longest first.

    Args:
        issuer: the issuing body ("四平市铁西区人民政府").

    Returns:
        Full place names, then stems of two or more characters that are not common
        words, sorted longest first and in order of appearance among equals:
        "四平市铁西区人民政府" -> ("四平市", "铁西区", "四平", "铁西"). Empty when the
        issuer holds no place name.
    """
    # "广州市海珠区人民政府素社街道办事处": the government between the places is an organ, not a place.
    places = _strip_org(re.sub(r"人民政府(?=.)", "", issuer.strip()))
    units = _place_units(places, min_stem=1, max_stem=_MAX_STEM)
    rest = places[len("".join(name for name, _ in units)):]
    if 3 <= len(rest) <= 7 and rest.endswith("街"):
        units.append((rest, rest[:-1]))  # "鹤龙街", a street's short form of 鹤龙街道
    shorts = [short for name, _ in units if (short := _without_peoples(name))]
    names = [name for name, _ in units + shorts]
    common = _common_words()
    names += [stem for _, stem in units + shorts if len(stem) >= 2 and stem not in common]
    # "长治人社局" for 长治市人社局: a stem is safe beside the organ, however common a word it is alone.
    prefix = "".join(name for name, _ in units)
    organ = issuer.strip()[len(prefix):] if prefix and issuer.strip().startswith(prefix) else ""
    if re.fullmatch(r"[\u4e00-\u9fff]{1,12}(?:局|委|办)", organ):
        names += [stem + organ for _, stem in units if len(stem) >= 2]
    # "宿迁市自然资源和规划局宿城分局": a branch is named for the district it serves, which names it alone.
    branch = re.search(r"[局委]([\u4e00-\u9fff]{2,3})分局$", issuer.strip())
    if branch and branch.group(1) not in common:
        names.append(branch.group(1))
    unique = list(dict.fromkeys(names))
    return tuple(sorted(unique, key=len, reverse=True))


def _without_peoples(name: str) -> tuple[str, str] | None:
    """Return an autonomous place's short name and stem (管城回族区 -> 管城区, 管城); None for other places."""
    m = _AUTONOMOUS_RE.fullmatch(name)
    if not m:
        return None
    base, autonomous, level = m.groups()
    return (base, base) if autonomous and level == "区" else (base + level, base)


def _clean_line(line: str) -> str:
    """Collapse whitespace so a line compares as written whatever its indentation."""
    return re.sub(r"\s+", " ", line).strip()


def _is_title_line(line: str) -> bool:
    """Tell a title or issuer line from the salutation, a heading or body text."""
    return (
        len(line) <= _MAX_TITLE_LINE
        and not any(ch in _TITLE_STOP for ch in line)
        and not line.endswith(("：", ":"))
        and not _HEADING_RE.match(line)
    )


def _split_head(text: str) -> tuple[list[str], list[str], str]:
    """Split the leading title lines from the body; return title lines, issuer-only lines, body.

    Leading lines with no sentence punctuation form the head, up to and including the
    first that ends in a report word (报告, 总结, 情况). A head with neither report word
    nor year is only the issuer's name. A first line that runs on into the body (a report
    on one line) gives its title from the text before the first sentence. A navigation
    line before the head (a web page's "首页 > 政务公开" trail) is passed over.
    """
    head: list[str] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        start, pos = pos, pos + len(raw)
        line = _clean_line(raw)
        if not line or (not head and _NAVIGATION_RE.search(line)):
            continue
        if len(head) < _MAX_TITLE_LINES and _is_title_line(line):
            head.append(line)
            if line.endswith(_REPORT_WORDS):
                return head, [], text[pos:]
            continue
        if not _is_title(head):
            inline = _TITLE_IN_LINE_RE.match(raw)
            if inline:
                return head + [_clean_line(inline.group(1))], [], text[start + inline.end():]
        return (head, [], text[start:]) if _is_title(head) else ([], head, text[start:])
    return (head, [], "") if _is_title(head) else ([], head, "")


def _is_title(head: list[str]) -> bool:
    return bool(head) and (head[-1].endswith(_REPORT_WORDS) or _first_year("".join(head)) is not None)


def _take_date_line(body: str) -> tuple[str, str | None]:
    """Take a date written in brackets under the title ("（2025年1月3日）") off the body."""
    stripped = body.lstrip()
    first = stripped.split("\n", 1)[0]
    match = _DATE_LINE_RE.match(_clean_line(first))
    if not match:
        return body, None
    return stripped[len(first):], match.group(1)


def _opening_sentence(body: str) -> str:
    """Return the body's first sentence, past a salutation line ("区委、区政府：")."""
    rest = body.lstrip()
    first = rest.split("\n", 1)[0].strip()
    if first.endswith(("：", ":")) and not any(ch in _TITLE_STOP for ch in first):
        rest = rest[len(rest.split("\n", 1)[0]):].lstrip()
    end = next((i for i, ch in enumerate(rest) if ch in _SENTENCE_END), len(rest))
    return rest[: end + 1]


def _signature(text: str) -> tuple[str, str | None]:
    """Return the issuing body and date of the closing signature block, as written."""
    tail = text.rstrip()
    match = _SIGNATURE_DATE_RE.search(tail)
    published = _clean_line(match.group(1)) if match else None
    block = tail[: match.start(1)] if match else tail
    last_end = max(block.rfind(ch) for ch in _SENTENCE_END)
    pieces = [p for p in block[last_end + 1:].split() if _names_a_body(p)]
    return _join_bodies(pieces), published


_FILE_YEAR = re.compile(r"^(?:19|20)\d{2}\s*(?:年度?)?[\s_\-—.]*")


def _names_a_body(piece: str) -> bool:
    return (
        len(piece) <= _MAX_ISSUER
        and not _HEADING_RE.match(piece)
        and not any(ch in _TITLE_STOP + "、：:" for ch in piece)
        # A suffix alone ("街道" left on the last line of a cut page) names no body.
        and any(piece.endswith(suffix) and len(piece) > len(suffix) for suffix in _ORG_SUFFIXES + _PLACE_SUFFIXES)
    )


def _join_bodies(names: list[str]) -> str:
    """Name one issuer from lines naming it: the government body over the party committee."""
    government = [n for n in names if not n.startswith(_ORG_PREFIXES)]
    return government[-1] if government else (names[-1] if names else "")


def _issuer_from_title(title_lines: list[str]) -> str:
    """Find the issuer in the title: the lines above the title proper, or the words before 关于 or the year."""
    if not title_lines:
        return ""
    if len(title_lines) > 1 and re.match(rf"(?:关于|{_YEAR})", title_lines[-1]):
        return _join_bodies(title_lines[:-1])
    title = "".join(title_lines).removeprefix("关于").lstrip()
    year = _YEAR_RE.search(title)
    cuts = [cut for cut in (title.find("关于"), year.start() if year else -1) if cut > 0]
    if cuts:
        # "应急管理部发布2023年…报告", a news title: the body is before the verb that publishes.
        body = re.sub(r"(?:发布|印发|公布|公开|出台)$", "", title[: min(cuts)].rstrip())
        return _join_bodies(body.split())
    if year and year.start() == 0:
        return _leading_body(title[year.end():].lstrip("度 "), min_stem=1, max_stem=_MAX_STEM)
    return ""


def _issuer_from_file_name(source: str) -> str:
    """Read the issuer from a file named after it ("2023_杭州市上城区清波街道.txt"), a surer sign than
    the opening sentence, whose first place-shaped words may name a superior ("以及市、区…")."""
    stem = _name_of_file(source)
    # "…鹤龙街" is a street's short form of "…鹤龙街道".
    return stem if _names_a_body(stem) or (_names_a_body(stem + "道") and stem.endswith("街")) else ""


def _name_of_file(source: str) -> str:
    """Return a file's name without its extension and the year it may start with ("2024_城口县周溪乡")."""
    return _FILE_YEAR.sub("", PurePath(source).stem).strip()


def _year_of_file_name(source: str) -> int | None:
    """Return the year a file name starts with ("2024_城口县周溪乡.txt"), or any year it names ("…2024年")."""
    stem = PurePath(source).stem
    match = _FILE_YEAR.match(stem)
    return int(stem[:4]) if match and len(stem) > match.end() else _first_year(stem)


def _issuer_from_sentence(sentence: str) -> str:
    """Find the subject of the opening sentence ("2024年，七马路街道在区委……" -> "七马路街道")."""
    clauses = re.split(r"[，,]", sentence, maxsplit=1)
    for clause in clauses:
        body = _leading_body(clause.strip(), min_stem=2, max_stem=_MAX_STEM_IN_SENTENCE)
        if body:
            return body
    return ""


def _leading_body(s: str, *, min_stem: int, max_stem: int) -> str:
    """Return the run of place names that starts s, with an organisation word right after it."""
    units = _place_units(s, min_stem=min_stem, max_stem=max_stem)
    if not units:
        return ""
    end = len("".join(name for name, _ in units))
    org = next((o for o in _ORG_SUFFIXES if s.startswith(o, end)), "")
    return s[: end + len(org)]


def _strip_org(issuer: str) -> str:
    """Drop the organisation words around the places ("中共…工作委员会", "…人民政府")."""
    for prefix in _ORG_PREFIXES:
        issuer = issuer.removeprefix(prefix)
    stripped = True
    while stripped:
        stripped = False
        for suffix in _ORG_SUFFIXES:
            if issuer.endswith(suffix) and len(issuer) > len(suffix):
                issuer, stripped = issuer[: -len(suffix)], True
    return issuer


def _suffix_at(s: str, i: int) -> str:
    return next((suffix for suffix in _PLACE_SUFFIXES if s.startswith(suffix, i)), "")


def _place_units(s: str, *, min_stem: int, max_stem: int) -> list[tuple[str, str]]:
    """Split the run of place names starting s into (name, stem) pairs, stopping at the first non-place.

    A one-character stem joins the suffix after it ("田镇"+"街道", "郑州"+"市"), and a
    name whose stem stays one character counts only where another name or the end of s
    follows, so "乡村振兴局" is no place.
    """
    units: list[tuple[str, str, int]] = []
    i = 0
    while i < len(s):
        j = next((j for j in range(i + 1, min(len(s), i + max_stem + 1)) if _suffix_at(s, j)), None)
        if j is None or not all("\u4e00" <= ch <= "\u9fff" for ch in s[i:j]):
            break
        end = j + len(_suffix_at(s, j))
        if j - i == 1 and _suffix_at(s, end):
            j, end = end, end + len(_suffix_at(s, end))
        stem = s[i:j]
        if len(stem) < min_stem or stem in _DEICTIC:
            break
        units.append((s[i:end], stem, end))
        i = end
    last = len(units) - 1
    return [(name, stem) for k, (name, stem, end) in enumerate(units) if len(stem) > 1 or end == len(s) or k < last]


def _first_year(s: str) -> int | None:
    """Return the first year named in s that is neither part of a range nor of a full date."""
    masked = _RANGE_RE.sub(lambda m: " " * len(m.group()), s)
    for match in _YEAR_RE.finditer(masked):
        if _DAY_RE.match(masked, match.end()):
            continue
        return _to_int(match.group(1))
    return None


def _to_int(year: str) -> int:
    """Read a year written in Arabic, full-width or Chinese digits ("二〇二四")."""
    digits = year.replace("零", "〇")
    return int("".join(str(_CN_DIGIT_ORDER.index(ch)) if ch in _CN_DIGIT_ORDER else ch for ch in digits))


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Load, once, the frequent non-place words of jieba's dictionary that make unsafe short forms."""
    words = set()
    with (importlib.resources.files("jieba") / "dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            parts = line.split()
            word, freq, tag = parts if len(parts) == 3 else ("", "0", "")
            if tag != "ns" and int(freq) >= _COMMON_FREQ and 2 <= len(word) <= _MAX_STEM:
                words.add(word)
    return frozenset(words)
