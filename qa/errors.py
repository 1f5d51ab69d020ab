"""Errors raised at the public boundary. Each message says what was given, what is allowed, and the fix."""
from __future__ import annotations


class QAError(Exception):
    """Base class for every error this package raises on purpose."""


class ReportReadError(QAError):
    """A report file could not be read or parsed."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class IndexLoadError(QAError):
    """An index folder is missing, damaged, or was built differently from what is asked."""


class QuestionError(QAError):
    """A question or search argument is not usable as given."""


class IndexBusyError(QAError):
    """Another process is writing the same index folder; nothing was changed."""
