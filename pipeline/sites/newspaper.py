"""Newspaper e-papers: People's Daily and other 方正 Founder systems, Guangming Daily, and regional
e-papers (seed 001), as HTML or as text saves."""
from __future__ import annotations

import re

from pipeline import fields
from pipeline.page import Page, text_lines
from pipeline.normalize import normalize_whitespace, to_simplified
from pipeline.record import Record
from pipeline.sites import common
from pipeline.sites.labels import match_label

KIND = "newspaper"
HOSTS = (r"^paper\.people\.com\.cn$", r"^epaper\.", r"^e?paper\.\w+\.", r"^szb\.", r"^dzb\.", r"^sz\.",
         r"^news\.\w+\.com\.cn$", r"^\w+\.scxxb\.com\.cn$", r"(^|\.)gmw\.cn$")

# Founder e-paper systems: an `enpproperty` comment with the metadata, the text in <founder-content>.
ENP_PROPERTY = re.compile(r"<!--\s*enpproperty(.*?)/enpproperty\s*-->", re.S)
ENP_FIELDS = ("title", "subtitle", "introtitle", "author", "date", "nodename")
# Selectors (site-structures.md §d): People's Daily, its older layout, Guangming Daily.
SELECTORS = {
    "title_zh": (".article-box .article h1", ".article h1", "div.text_c > h1", "td.font01", "h1"),
    "subtitle": (".article-box .article h2", ".article h2", "div.text_c > h2"),
    "byline": (".article p.sec", "div.text_c > h4", ".lai > :first-child", "div.lai"),
    "source": (".article p.sec span.date", ".lai > b", "span.newstime", "div.lai"),
    "body": ("#ozoom", "founder-content", "#articleContent", "div.c_c"),
}
# Where the article ends and the e-paper's chrome begins.
END_OF_ARTICLE = re.compile(r"^(?:上篇|下篇|上一篇|下一篇)\s*[:：]|^分享到|^↑\s*TOP$|^©|^版权所有|^返回(?:目录|顶部|版面)|"
                            r"^【?责任编辑|^\(?责编")
LEADING_FURNITURE = re.compile(r"^(?:等待处理…*|加载中…*|正在加载…*|返回|首页|电子版|往期回顾|版面导航)$")
AUTHOR_LINE = re.compile(r"^(?:作者|文|撰文|本报记者|记者|通讯员|□)\s*[□:：]?\s*(?P<who>.+)$")
NEWSPAPER_NAME = (re.compile(r"^(?P<name>\S+?报)\s*电子版$"), re.compile(r"《(?P<name>[^》]+报)》"),
                  re.compile(r"^©\s*\d{4}\s*(?P<name>\S+报)\s*$"))
PAGE_NUMBER = re.compile(r"第\s*0*(\d+)\s*版|(\d+)\s*版\s*[)）]")
TEXT_MARKERS = re.compile(r"电子版$|^↑\s*TOP$|第\s*\d+\s*版|^本报记者")


def looks_like(page: Page) -> bool:
    if page.is_html:
        return bool(ENP_PROPERTY.search(page.text) or common.select(page.tree, "#ozoom, founder-content, .article-box"))
    return sum(bool(TEXT_MARKERS.search(line)) for line in page.lines) >= 2


def extract(page: Page) -> Record:
    return _from_html(page) if page.is_html else _from_text(page.lines)


def _split_byline(text: str) -> tuple[list[str], list[str]]:
    """`作者 □ 贵州财经大学马克思主义学院 李晨曦` → (names, affiliations); `本报记者 陆健 刘习` → names."""
    m = AUTHOR_LINE.match(text.strip())
    who = m.group("who") if m else text
    who = re.sub(r"^(?:本报记者|记者|通讯员)\s*", "", who.strip(" □"))
    parts = [p for p in re.split(r"[\s□]+", who) if p]
    names = [p for p in parts if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", p) and not common.INSTITUTION_WORDS.search(p)]
    orgs = [fields.clean_affiliation(p) for p in parts if common.INSTITUTION_WORDS.search(p)]
    return names, orgs


def _from_text(lines: list[str]) -> Record:
    rec = Record(source_kind=KIND)
    rec.journal = _newspaper_name(lines)
    content = [line for line in lines if not LEADING_FURNITURE.match(line)]
    end = next((i for i, line in enumerate(content) if END_OF_ARTICLE.search(line)), len(content))
    article = content[:end]
    rec.cleaning["boilerplate_lines"] = len(lines) - len(article)
    header, body_start = article[:6], 0
    for i, line in enumerate(header):
        if AUTHOR_LINE.match(line) and not rec.authors:
            rec.authors, rec.affiliations = _split_byline(line)
            body_start = i + 1
        elif (date := fields.parse_date(line)) and len(line) <= 40 and not rec.date:
            rec.date, rec.year = date, int(date[:4])
            rec.pages = _page_number(line)
            body_start = i + 1
        elif rec.title_zh is None and not fields.parse_date(line):
            rec.title_zh = line
            body_start = i + 1
    body = _take_fund(rec, article[body_start:])
    rec.body = "\n".join(body)
    return rec


def _take_fund(rec: Record, lines: list[str]) -> list[str]:
    """Move a `基金项目：` paragraph (label alone, value on the next line) out of the body."""
    body: list[str] = []
    pending = False
    for line in lines:
        found = match_label(line)
        if found and found[0] == "fund":
            pending = not found[1]
            if found[1]:
                rec.fund = fields.join_fund([found[1]])
            continue
        if pending:
            rec.fund = fields.join_fund([line])
            pending = False
            continue
        body.append(line)
    return body


def _newspaper_name(lines: list[str]) -> str | None:
    for pattern in NEWSPAPER_NAME:
        for line in reversed(lines):
            if m := pattern.search(line):
                return m.group("name").strip()
    return None


def _page_number(text: str) -> str | None:
    m = PAGE_NUMBER.search(text)
    return (m.group(1) or m.group(2)) if m else None


def _from_html(page: Page) -> Record:
    tree = page.tree
    rec = Record(source_kind=KIND)
    enp = _enp_properties(page.text)
    title = common.first_text(tree, *SELECTORS["title_zh"]) or enp.get("title")
    subtitle = common.first_text(tree, *SELECTORS["subtitle"]) or enp.get("subtitle")
    rec.title_zh = f"{title}——{subtitle.lstrip('—')}" if title and subtitle else title
    byline = common.first_text(tree, *SELECTORS["byline"]) or enp.get("author")
    if byline:
        rec.authors, rec.affiliations = _split_byline(re.sub(r"《.*$", "", byline))
    source = common.first_text(tree, *SELECTORS["source"]) or ""
    if m := re.search(r"《\s*([^》]+?)\s*》", source):
        rec.journal = m.group(1)
    date = fields.parse_date(source) or fields.parse_date(enp.get("date", "")) or _date_from_url(page.page_url)
    if date:
        rec.date, rec.year = date, int(date[:4])
    rec.pages = _page_number(source) or _page_from_url(page.page_url)
    body_el = next((found[0] for sel in SELECTORS["body"] if (found := common.select(tree, sel))), None)
    lines = text_lines(body_el) if body_el is not None else []
    lines = normalize_whitespace(to_simplified("\n".join(lines))).split("\n") if lines else []
    rec.body = "\n".join(_take_fund(rec, [line for line in lines if line]))
    return rec


def _enp_properties(text: str) -> dict[str, str]:
    m = ENP_PROPERTY.search(text)
    if not m:
        return {}
    out = {}
    for name in ENP_FIELDS:
        found = re.search(rf"<{name}>(.*?)</{name}>", m.group(1), re.S)
        if found and found.group(1).strip():
            out[name] = re.sub(r"<!\[CDATA\[|\]\]>", "", found.group(1)).strip()
    return out


def _date_from_url(url: str | None) -> str | None:
    m = re.search(r"/(20\d{2})-?(\d{2})/(\d{2})/", url or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None


def _page_from_url(url: str | None) -> str | None:
    m = re.search(r"_\d{8}_\d+-0*(\d+)\.htm", url or "")
    return m.group(1) if m else None
