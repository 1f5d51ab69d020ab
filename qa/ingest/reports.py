"""Turn report files into parsed reports: metadata, sections and passages that know their offsets."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Mapping

from qa.errors import ReportReadError
from qa.ingest.metadata import extract_info
from qa.model import ReadFailure, Report
from qa.ingest.passages import MAX_CHARS, split_passages
from qa.ingest.corpus_folder import scan_folder
from qa.ingest.reading import read_text
from qa.ingest.sections import parse_sections

# Fewer letters and digits than this beside the title, and a report says nothing to answer from.
MIN_BODY_CHARS = 20
TITLE_ONLY = (
    f"holds only a title (fewer than {MIN_BODY_CHARS} characters beside it); indexed, but it answers "
    "nothing: check that the whole report was saved"
)


def parse_report(text: str, source: str, sha256: str = "", *, max_chars: int = MAX_CHARS) -> Report:
    """Parse a report's text into metadata, sections and passages.

    Args:
        text: the report as read (decoded, not cleaned).
        source: the report's path as it should be shown and cited.
        sha256: hash of the file's bytes, kept so a rebuild can skip unchanged reports.
        max_chars: the largest passage, in cleaned characters.

    Returns:
        The parsed report; every offset in it points into ``text``.

    Raises:
        ReportReadError: the text is empty or only whitespace.
    """
    if not isinstance(text, str):
        raise TypeError(f"{source}: the report text must be str, got {type(text).__name__}; decode it with read_text()")
    if not text.strip():
        raise ReportReadError(source, "the report holds no text; give a file with the report's words in it")
    info = extract_info(text, source, sha256)
    sections = parse_sections(text)
    passages = split_passages(text, source, sections, max_chars=max_chars)
    return Report(info=info, text=text, sections=sections, passages=passages)


def read_report(path: str | os.PathLike, source: str | None = None, *, max_chars: int = MAX_CHARS) -> Report:
    """Read and parse one report file.

    Args:
        path: a report file (.txt, .docx, .pdf, .html).
        source: the name to cite it by; the path as given when None.

    Returns:
        The parsed report, with the sha256 of the file's bytes in its metadata.

    Raises:
        ReportReadError: the file is missing, unreadable, of an unsupported type, or empty.
    """
    path = Path(path)
    text = read_text(path)
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:  # the file went away between reading and hashing
        reason = f"cannot be read ({error.strerror or error}); check that the file exists and can be opened"
        raise ReportReadError(str(path), reason) from error
    return parse_report(text, str(path) if source is None else source, digest, max_chars=max_chars)


def read_corpus(
    folder: str | os.PathLike, *, reuse: Mapping[str, Report] | None = None, max_chars: int = MAX_CHARS
) -> tuple[list[Report], list[ReadFailure]]:
    """Read every report under a folder, keeping a reason for each file that could not be used.

    Args:
        folder: the folder holding the reports, searched recursively.
        reuse: reports parsed before, by source; one whose file bytes are unchanged is
            taken as it is instead of being read and parsed again, and one whose file can no
            longer be read is kept as it was (with a failure saying so). A file that is gone
            is dropped: removing a report from the folder removes it from the index.
        max_chars: the largest passage, in cleaned characters.

    Returns:
        (reports, failures). Sources are paths relative to ``folder`` written with "/". A file
        whose bytes equal an earlier file's is a failure "duplicate of <source>"; entries the
        folder scan left out (links out of the folder, hidden files…) come first. A report
        holding little more than its title is indexed, with a failure marked ``indexed``
        as its warning.

    Raises:
        ReportReadError: the folder does not exist or is not a folder.
    """
    root = Path(folder)
    scan = scan_folder(root)
    reports: list[Report] = []
    failures: list[ReadFailure] = list(scan.skipped)
    seen: dict[str, str] = {}
    for path in scan.files:
        source = path.relative_to(root).as_posix()
        try:
            report = _unchanged(path, source, reuse) or read_report(path, source, max_chars=max_chars)
        except ReportReadError as error:
            earlier = reuse.get(source) if reuse else None
            if earlier is None or not path.exists():
                failures.append(ReadFailure(source, error.reason))
                continue
            # A report already indexed is not lost because its file went bad: keep the old version.
            failures.append(ReadFailure(source, f"{error.reason} (the version indexed before is kept)"))
            report = earlier
        if admitted(report, source, seen, failures):
            reports.append(report)
    return reports, failures


def admitted(report: Report, source: str, seen: dict[str, str], failures: list[ReadFailure]) -> bool:
    """Tell whether a report read is indexed: not a copy of one seen before (by SHA-256; `seen` maps each
    hash to its first source). A copy, or a report holding only its title, is noted in `failures`."""
    first = seen.setdefault(report.info.sha256, source)
    if first != source:
        failures.append(ReadFailure(source, f"duplicate of {first}; remove one of the two copies"))
        return False
    if title_only(report):
        failures.append(ReadFailure(source, TITLE_ONLY, indexed=True))
    return True


def title_only(report: Report) -> bool:
    """Tell whether a report holds little more than its title, which no question can be answered from."""
    words = "".join(ch for ch in report.text if ch.isalnum())
    title = "".join(ch for ch in report.info.title if ch.isalnum())
    # A title built from issuer and year is not in the text, so it takes nothing away.
    return len(words) - (len(title) if title in words else 0) < MIN_BODY_CHARS


def _unchanged(path: Path, source: str, reuse: Mapping[str, Report] | None) -> Report | None:
    """Return the earlier parse of this file when its bytes have not changed."""
    earlier = reuse.get(source) if reuse else None
    if earlier is None:
        return None
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    return earlier if digest == earlier.info.sha256 else None
