"""Shared by the tests that run the app: a small report no seed resembles, and a free port."""
from __future__ import annotations

import socket

# A report no seed resembles: its issuer and figure can only come from the upload.
NEW_REPORT = """青石镇人民政府2024年度法治政府建设情况报告

2024年，青石镇人民政府深入推进依法行政，现将主要工作情况报告如下：

一、主要举措

（一）加强行政复议工作。全年办理行政复议案件4217件，纠错率12%。

（二）深化普法宣传。开展送法下乡活动36场次。

二、存在的不足

基层法治力量仍需加强。

青石镇人民政府
2025年1月8日
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
