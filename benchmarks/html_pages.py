"""Write government-style web pages around held-out reports, for measuring main-content extraction.

Usage: .venv/bin/python benchmarks/html_pages.py   (writes tests/data/html/*.html)

Each page wraps one report's paragraphs in the chrome such sites carry: a site banner, a menu
naming the district's other bodies, a "当前位置" trail, a side column of other reports, an
information bar (date, views, font size), a share bar and a footer with the site's owner.
Three layouts: HTML5 elements (<header>/<nav>/<aside>/<footer>), the <div class="…"> layout of
most Chinese government content systems, and an old table layout without any hint.
"""
from __future__ import annotations

import html
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "html"
HELDOUT = ROOT / "tests" / "data" / "heldout"
HELDOUT2 = ROOT / "tests" / "data" / "heldout2"


def paragraphs(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def body(lines: list[str]) -> str:
    return "\n".join(f"<p>{html.escape(line)}</p>" for line in lines)


def semantic(lines: list[str]) -> str:
    title = "".join(lines[:2])
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}_青山区人民政府</title>
<script>var _hmt = _hmt || [];</script><style>.nav li {{ float: left; }}</style></head>
<body>
<header class="site-header"><div class="logo">青山区人民政府</div><div class="search"><form><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="top-links">无障碍浏览 | 长者模式 | 简体 | 繁體</div></header>
<nav class="main-nav"><ul><li><a href="/">首页</a></li><li><a href="/zjqs">走进青山</a></li><li><a href="/zwgk">政务公开</a></li>
<li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li></ul>
<ul class="sub"><li>青山区</li><li>青山区司法局</li><li>青山区东湖街道</li><li>青山区西湖街道</li><li>青山区南湖镇</li></ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 法治政府建设</div>
<main><article>
<h1>{html.escape(title)}</h1>
<div class="meta">发布时间：2025-01-12 来源：青山区东湖街道办事处 浏览次数：1024 字号：[大 中 小]</div>
{body(lines[2:])}
<div class="share">分享到：微信 微博 QQ空间 【打印本页】【关闭窗口】</div>
</article></main>
<aside><h3>相关文章</h3><ul><li>青山区2023年度法治政府建设情况报告</li><li>青山区司法局2024年工作总结</li>
<li>西湖街道2024年度法治政府建设工作情况报告</li><li>关于开展2024年度法治政府建设督察的通知</li></ul></aside>
<footer><p>主办单位：青山区人民政府办公室 承办：青山区大数据中心</p><p>地址：青山区人民路1号 邮编：123456 电话：0431-88886666</p>
<p>网站标识码：2201060001 吉ICP备12345678号-1 吉公网安备22010602000123号</p></footer>
</body></html>
"""


def content_system(lines: list[str]) -> str:
    title = "".join(lines[:2])
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><title>河川县人民政府门户网站</title>
<script src="/js/jquery.js"></script></head>
<body>
<div class="header"><div class="wrap"><div class="logo">河川县人民政府门户网站</div><div class="weather">今天是2025年1月16日 星期四</div></div></div>
<div class="nav"><ul><li><a href="/">网站首页</a></li><li><a>政务公开</a></li><li><a>河川县人民政府</a></li><li><a>县直部门</a></li>
<li><a>河川县柳林镇人民政府</a></li><li><a>河川县杨庄乡人民政府</a></li><li><a>政民互动</a></li></ul></div>
<div class="location">您的位置：<a href="/">首页</a> &gt; <a>信息公开</a> &gt; <a>法定主动公开内容</a> &gt; 法治政府建设</div>
<div class="main clearfix">
<div class="left"><div class="tit">信息公开目录</div><ul><li>河川县人民政府</li><li>河川县司法局</li><li>河川县柳林镇人民政府</li>
<li>河川县杨庄乡人民政府</li><li>机构职能</li><li>政策文件</li><li>规划计划</li><li>财政信息</li></ul></div>
<div class="right">
<table class="xxgk-info"><tr><td>索 引 号：</td><td>11220123MB1234567X/2025-00012</td><td>发布机构：</td><td>河川县柳林镇人民政府</td></tr>
<tr><td>成文日期：</td><td>2025-01-15</td><td>发布日期：</td><td>2025-01-16</td></tr></table>
<div class="article-title"><h2>{html.escape(title)}</h2></div>
<div class="info">发布时间：2025-01-16 09:30 来源：柳林镇 浏览次数：356 【字体：大 中 小】</div>
<div class="TRS_Editor" id="zoom">{body(lines[2:])}</div>
<div class="bdsharebuttonbox">分享到：<a>微信</a><a>微博</a></div>
<div class="print">【打印】【关闭】</div>
</div></div>
<div class="footer"><div class="links">友情链接：中国政府网 | 省人民政府 | 市人民政府</div>
<p>版权所有：河川县人民政府 主办：河川县人民政府办公室 技术支持：河川县信息中心</p><p>备案号：冀ICP备05001234号</p></div>
</body></html>
"""


def tables(lines: list[str]) -> str:
    title = "".join(lines[:2])
    cells = "".join(f"<tr><td class=\"menu\"><a>{name}</a></td></tr>" for name in
                    ["江阳市人民政府", "市政府办公室", "市司法局", "市发展改革委", "江阳区", "临川市", "政务公开", "网上办事"])
    return f"""<html><head><meta charset="utf-8"><title>江阳市人民政府</title></head>
<body><table width="1000" align="center"><tr><td colspan="2"><img src="banner.jpg" alt="江阳市人民政府"> 江阳市人民政府 主办</td></tr>
<tr><td width="200" valign="top"><table>{cells}</table></td>
<td valign="top"><table><tr><td>首页 » 政务公开 » 法治政府建设</td></tr>
<tr><td align="center"><b>{html.escape(title)}</b></td></tr>
<tr><td>{"<br>".join(html.escape(line) for line in lines[2:])}</td></tr></table></td></tr>
<tr><td colspan="2" align="center">江阳市人民政府版权所有 地址：江阳市建设路88号 电话：0817-2222222 蜀ICP备0000000号</td></tr></table>
</body></html>
"""


PAGES = {
    "2024_青山区东湖街道.html": (semantic, HELDOUT / "2024_青山区东湖街道.txt"),
    "2024_河川县柳林镇人民政府.html": (content_system, HELDOUT / "2024_河川县柳林镇人民政府.txt"),
    "2024_江阳市人民政府.html": (tables, HELDOUT2 / "2024_江阳市人民政府.txt"),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (layout, source) in PAGES.items():
        (OUT / name).write_text(layout(paragraphs(source)), encoding="utf-8")
        print("wrote", OUT / name)


if __name__ == "__main__":
    main()
