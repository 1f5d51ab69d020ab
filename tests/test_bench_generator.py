"""The benchmark corpus generator: seeded, varied, and parseable as the issuer and year it claims."""
from __future__ import annotations

import re
from pathlib import Path

from benchmarks.generate import generate
from qa.ingest.reports import read_corpus, read_report

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def _files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt"))}


def test_same_seed_writes_identical_files(tmp_path):
    generate(CORPUS, tmp_path / "a", 6, seed=7)
    generate(CORPUS, tmp_path / "b", 6, seed=7)
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert len(first) == 6
    assert first == second


def test_different_seeds_give_different_reports(tmp_path):
    generate(CORPUS, tmp_path / "a", 6, seed=1)
    generate(CORPUS, tmp_path / "b", 6, seed=2)
    assert set(_files(tmp_path / "a").values()).isdisjoint(_files(tmp_path / "b").values())


def test_each_report_parses_as_its_new_issuer_and_year(tmp_path):
    written = generate(CORPUS, tmp_path, 12, seed=3)
    real = {report.info.issuer for report in read_corpus(CORPUS)[0]}
    for item in written:
        report = read_report(item.path)
        assert report.info.issuer == item.issuer
        assert report.info.issuer not in real
        assert report.info.year == item.year
        assert len(report.passages) >= 5
        # The issuer's own names replace the source report's, so a scoped question finds this report.
        assert item.issuer.split("市")[-1][:2] in report.text[len(item.issuer) :]


def test_figures_change_but_sentences_are_real(tmp_path):
    written = generate(CORPUS, tmp_path, 20, seed=4)
    real_text = "".join(path.read_text(encoding="utf-8") for path in CORPUS.glob("*.txt"))
    real_figures = re.findall(r"[\u4e00-\u9fff]{4}\s*\d+\s*[件次场人个家条]", real_text)
    generated = "".join(item.path.read_text(encoding="utf-8") for item in written)
    # Sentences come from the real reports, with their figures replaced.
    assert "法治政府建设" in generated
    same_figures = [figure for figure in real_figures if figure in generated]
    assert len(same_figures) < len(real_figures) / 2
