"""Who may change the corpus: report management needs the administrator password; asking never does.

Without a configured password, management is off: every upload, rescan or delete is refused on
the server, whoever calls it and however (the page or a plain HTTP request).
"""
from __future__ import annotations

import hmac

ADMIN_PASSWORD_VARIABLE = "REPORT_QA_ADMIN_PASSWORD"
MANAGEMENT_OFF = f"报告管理已关闭：启动时用 --admin-password 或环境变量 {ADMIN_PASSWORD_VARIABLE} 设置管理员密码后才能上传、重新扫描或删除报告。"
WRONG_PASSWORD = "管理员密码不正确，报告和索引均未改动。"
MIN_PASSWORD_CHARS = 8


class AdminGate:
    """Check the administrator password given with each management request, in constant time."""

    def __init__(self, password: str | None) -> None:
        """Args:
            password: the configured password; None or "" turns management off.

        Raises:
            ValueError: the password is shorter than MIN_PASSWORD_CHARS characters.
        """
        if password and len(password) < MIN_PASSWORD_CHARS:
            raise ValueError(
                f"the admin password has {len(password)} characters; use at least {MIN_PASSWORD_CHARS}"
            )
        self._password = password or None

    @property
    def enabled(self) -> bool:
        """Tell whether report management is on at all."""
        return self._password is not None

    def refusal(self, given: str | None) -> str:
        """Return why a management request is refused (in Chinese), or "" when it may go ahead."""
        if self._password is None:
            return MANAGEMENT_OFF
        if not isinstance(given, str) or not hmac.compare_digest(given.encode("utf-8"), self._password.encode("utf-8")):
            return WRONG_PASSWORD
        return ""
