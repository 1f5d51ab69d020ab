"""The corpus folder is a boundary: links out of it are not followed, and nothing is left out silently.

Real symbolic links in tmp_path; a folder that cannot be read is simulated where the tests run as root.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from qa import ReportIndex
from qa.ingest.corpus_folder import scan_folder
from qa.__main__ import main

from support import NEW_REPORT

REPO = Path(__file__).resolve().parents[1]
TIAN = "2024_田镇街道.txt"
SECRET = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copyfile(REPO / "corpus" / TIAN, folder / TIAN)
    (folder / "2024_青石镇.txt").write_text(NEW_REPORT, encoding="utf-8")
    return folder


def reasons(failures) -> dict[str, str]:
    return {failure.path: failure.reason for failure in failures}


def test_links_out_of_the_folder_are_not_followed(corpus: Path, tmp_path: Path, fake_encoder):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(SECRET, encoding="utf-8")
    (outside / "2024_外部.txt").write_text(NEW_REPORT.replace("青石镇", "白沙镇"), encoding="utf-8")
    (corpus / "passwd.txt").symlink_to(outside / "passwd.txt")
    (corpus / "etc.txt").symlink_to("/etc/passwd")
    (corpus / "elsewhere").symlink_to(outside, target_is_directory=True)
    (corpus / "relative.txt").symlink_to(Path("..") / "outside" / "passwd.txt")

    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)

    assert sorted(info.source for info in index.reports) == ["2024_田镇街道.txt", "2024_青石镇.txt"]
    why = reasons(index.failures)
    for name in ("passwd.txt", "etc.txt", "elsewhere", "relative.txt"):
        assert "outside the corpus folder, not followed" in why[name], name
    assert not any("root:x" in passage.text or "白沙镇" in passage.text for passage in index.passages)
    assert not any("root:x" in hit.text for hit in index.search("root daemon bin bash", k=5))


def test_a_link_inside_the_folder_is_read_as_the_report_it_points_to(corpus: Path):
    (corpus / "sub").mkdir()
    (corpus / "sub" / "latest.txt").symlink_to(corpus / "2024_青石镇.txt")
    (corpus / "again").symlink_to(corpus / "sub", target_is_directory=True)
    scan = scan_folder(corpus)
    assert [path.relative_to(corpus).as_posix() for path in scan.files] == [
        "2024_田镇街道.txt", "2024_青石镇.txt", "sub/latest.txt",
    ]
    assert "searched where it is" in reasons(scan.skipped)["again"]


def test_hidden_entries_broken_links_and_lock_files_are_named(corpus: Path):
    (corpus / ".draft.txt").write_text(NEW_REPORT, encoding="utf-8")
    (corpus / ".DS_Store").write_bytes(b"\x00\x01")
    (corpus / ".git").mkdir()
    (corpus / ".git" / "report.txt").write_text(NEW_REPORT, encoding="utf-8")
    (corpus / "~$report.docx").write_bytes(b"lock")
    (corpus / "gone.txt").symlink_to(corpus / "deleted.txt")
    os.mkfifo(corpus / "pipe.txt")

    scan = scan_folder(corpus)

    assert [path.name for path in scan.files] == ["2024_田镇街道.txt", "2024_青石镇.txt"]
    why = reasons(scan.skipped)
    assert set(why) == {".draft.txt", ".git", "~$report.docx", "gone.txt", "pipe.txt"}
    assert "hidden file" in why[".draft.txt"] and "rename" in why[".draft.txt"]
    assert "hidden folder" in why[".git"]
    assert "lock file" in why["~$report.docx"]
    assert why["gone.txt"].startswith("broken link") and "deleted.txt" in why["gone.txt"]
    assert "not a regular file" in why["pipe.txt"]


def test_an_unreadable_subfolder_is_named(corpus: Path, monkeypatch):
    locked = corpus / "locked"
    locked.mkdir()
    (locked / "2024_秘.txt").write_text(NEW_REPORT, encoding="utf-8")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: refuse the listing as the kernel would for anyone else
        scandir = os.scandir

        def refuse(path):
            if Path(path) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return scandir(path)

        monkeypatch.setattr(os, "scandir", refuse)
    try:
        scan = scan_folder(corpus)
    finally:
        locked.chmod(0o755)
    assert [path.name for path in scan.files] == ["2024_田镇街道.txt", "2024_青石镇.txt"]
    assert reasons(scan.skipped)["locked"].startswith("folder cannot be read (Permission denied)")


def test_a_report_holding_only_a_title_is_indexed_with_a_warning(
    corpus: Path, tmp_path: Path, fake_encoder, capsys, monkeypatch
):
    (corpus / "2024_空报告.txt").write_text("白沙镇人民政府2024年度法治政府建设情况报告\n", encoding="utf-8")
    (corpus / "blank.txt").write_text("\n\n", encoding="utf-8")
    (corpus / "link.txt").symlink_to("/etc/passwd")
    monkeypatch.setattr("qa.index.load_encoder", lambda name: fake_encoder)

    assert main(["build", "--corpus", str(corpus), "--index", str(tmp_path / "index")]) == 0
    printed = capsys.readouterr().err
    assert "warning 2024_空报告.txt: holds only a title" in printed
    assert "skipped link.txt: link to /etc/passwd, outside the corpus folder" in printed
    assert "skipped blank.txt: file is empty" in printed
    index = ReportIndex.load(tmp_path / "index", encoder=fake_encoder)
    assert "2024_空报告.txt" in [info.source for info in index.reports]
    index = ReportIndex.build(corpus, tmp_path / "index", encoder=fake_encoder)

    assert "2024_空报告.txt" in [info.source for info in index.reports]
    warning = next(failure for failure in index.failures if failure.path == "2024_空报告.txt")
    assert warning.indexed and "only a title" in warning.reason
    assert {failure.path for failure in index.failures if failure.indexed} == {"2024_空报告.txt"}
    assert not next(failure for failure in index.failures if failure.path == "blank.txt").indexed
