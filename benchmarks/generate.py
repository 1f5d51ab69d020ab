"""Make a synthetic corpus for scale tests: real report paragraphs recombined under new issuers, years and figures.

Usage: .venv/bin/python benchmarks/generate.py OUT_FOLDER --count 1000 [--seed 0] [--corpus corpus]

Each generated report takes the heading skeleton of one real report and fills it with body
paragraphs drawn from all real reports. Every paragraph is rewritten for its new report:
the source report's place names become the new issuer's, years move to the new year, and
every other figure is replaced by a random one of the same number of digits. The same seed
always gives the same files, so a benchmark can be rerun on an identical corpus.
"""
from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

from qa.model import ReportInfo
from qa.ingest.reports import read_corpus

# Characters that read like place names; two or three make a name.
_NAME_CHARACTERS = (
    "安宝北滨昌崇川德丰福海和河红华怀惠吉佳建江金锦靖康兰乐黎临龙隆鹿明南宁"
    "青庆泉瑞山胜石顺松泰桃通万文祥兴延阳永裕云泽州益沅岳嘉朝盛枫桦柳"
)
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．])")
_FIGURE = re.compile(r"(?<![0-9.])([0-9]+)(?![0-9]*\s*[月日])")
_YEARS = range(2019, 2026)
_BODY_MIN_CHARS = 40
_SWAP_SHARE = 0.6
# Where a source place name's suffix says which level of the new issuer replaces it.
_LEVELS = (("街道", "street"), ("镇", "street"), ("乡", "street"), ("区", "district"), ("县", "district"), ("市", "city"))


@dataclass(frozen=True)
class Issuer:
    """A made-up issuing body: its city, district and street names without suffixes."""

    city: str
    district: str
    street: str
    form: int

    @property
    def name(self) -> str:
        """Return the issuer as a title writes it, in one of three forms real reports use."""
        if self.form == 0:
            return f"{self.city}市{self.district}区{self.street}街道办事处"
        if self.form == 1:
            return f"{self.city}市{self.district}区人民政府"
        return f"{self.district}区{self.street}街道"

    def full(self, level: str) -> str:
        return {"city": f"{self.city}市", "district": f"{self.district}区", "street": f"{self.street}街道"}[level]

    def stem(self, level: str) -> str:
        return {"city": self.city, "district": self.district, "street": self.street}[level]


@dataclass(frozen=True)
class SourceReport:
    """A real report cut into lines: its metadata, its opening (title, greeting) and body lines."""

    info: ReportInfo
    body: tuple[str, ...]


@dataclass(frozen=True)
class GeneratedReport:
    """One file written by generate(): where it is and what it should parse as."""

    path: Path
    issuer: str
    year: int


def load_sources(corpus: str | Path) -> list[SourceReport]:
    """Read the real reports and keep their body lines (after the title, before the signature).

    Raises:
        ValueError: the corpus holds no readable report.
    """
    reports, _ = read_corpus(corpus)
    if not reports:
        raise ValueError(f"{corpus} holds no readable report; give the folder of real .txt reports.")
    sources = []
    for report in reports:
        lines = [line.strip(" \u3000\t") for line in report.text.splitlines()]
        lines = [line for line in lines if line]
        first = next((i for i, line in enumerate(lines) if len(line) >= _BODY_MIN_CHARS or _HEADING.match(line)), 0)
        last = max(i for i, line in enumerate(lines) if len(line) >= _BODY_MIN_CHARS or _HEADING.match(line))
        sources.append(SourceReport(report.info, tuple(lines[first : last + 1])))
    return sources


def generate(corpus: str | Path, out: str | Path, count: int, *, seed: int = 0) -> list[GeneratedReport]:
    """Write `count` synthetic reports into `out`, the same files for the same seed.

    Args:
        corpus: folder of real reports whose paragraphs are recombined.
        out: folder to write into (created if needed); existing files of the same names are replaced.
        count: how many reports, at least 1.
        seed: chooses issuers, years, paragraphs and figures.

    Returns:
        What each written file should parse as, in file order.

    Raises:
        ValueError: count is below 1 or the corpus holds no readable report.
    """
    if count < 1:
        raise ValueError(f"count of {count} is below 1; ask for at least one report.")
    sources = load_sources(corpus)
    taken = {place for source in sources for place in source.info.places}
    pool = [(source, line) for source in sources for line in source.body if not _HEADING.match(line)]
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    used: set[str] = set()
    for number in range(count):
        issuer = _new_issuer(rng, taken, used)
        year = rng.choice(_YEARS)
        text = _compose(rng, rng.choice(sources), pool, issuer, year)
        path = out / f"{seed:03d}-{number:05d}_{year}_{issuer.name}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(GeneratedReport(path, issuer.name, year))
    return written


def _new_issuer(rng: random.Random, taken: set[str], used: set[str]) -> Issuer:
    """Draw an issuer no earlier report has, with a street name of its own, so reports can be told apart.

    Cities and districts have two-character names and may repeat, as many streets share a
    district; streets have three, so a street is never mistaken for a district.
    """
    while True:
        city, district = ("".join(rng.sample(_NAME_CHARACTERS, 2)) for _ in range(2))
        street = "".join(rng.sample(_NAME_CHARACTERS, 3))
        issuer = Issuer(city, district, street, rng.randrange(3))
        if city != district and not {city, district, street} & taken and issuer.name not in used:
            taken.add(street)
            used.add(issuer.name)
            return issuer


def _compose(rng: random.Random, skeleton: SourceReport, pool, issuer: Issuer, year: int) -> str:
    """Return a report: a title, the skeleton's headings, body paragraphs from anywhere, a signature."""
    lines = [issuer.name, f"关于{year}年度法治政府建设情况的报告", ""]
    for line in skeleton.body:
        source = skeleton
        if not _HEADING.match(line) and rng.random() < _SWAP_SHARE:
            source, line = rng.choice(pool)
        lines.extend((_rewrite(rng, line, source.info, issuer, year), ""))
    lines.extend((issuer.name, f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日", ""))
    return "\n".join(lines)


def _rewrite(rng: random.Random, line: str, info: ReportInfo, issuer: Issuer, year: int) -> str:
    """Move a line from its source report to the new one: places, years and figures."""
    names = {}
    for place in info.places:
        level = next((lvl for suffix, lvl in _LEVELS if place.endswith(suffix)), None)
        if level is not None:
            names[place] = issuer.full(level)
            names[place[: -len(next(s for s, lvl in _LEVELS if place.endswith(s)))]] = issuer.stem(level)
    for place in info.places:
        names.setdefault(place, issuer.stem("street"))
    names = {old: new for old, new in names.items() if old}
    if names:
        pattern = re.compile("|".join(re.escape(old) for old in sorted(names, key=len, reverse=True)))
        line = pattern.sub(lambda match: names[match.group(0)], line)
    shift = year - (info.year or year)

    def figure(match: re.Match) -> str:
        digits = match.group(1)
        value = int(digits)
        if len(digits) == 4 and 1990 <= value <= 2035:
            return str(value + shift)
        if len(digits) == 1:
            return str(rng.randint(1, 9))
        return str(rng.randint(10 ** (len(digits) - 1), 10 ** len(digits) - 1))

    return _FIGURE.sub(figure, line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    args = parser.parse_args()
    written = generate(args.corpus, args.out, args.count, seed=args.seed)
    print(f"wrote {len(written)} reports to {args.out}")


if __name__ == "__main__":
    main()
