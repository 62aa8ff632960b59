"""Newspaper e-papers: People's Daily and other 方正 Founder systems, Guangming Daily, and regional
e-papers (seed 001), as HTML or as text saves."""
from __future__ import annotations

import copy
import re

import lxml.etree
import lxml.html

from pipeline.ingest import fields
from pipeline.ingest.page import Page, text_lines
from pipeline.text.normalize import normalize_whitespace, to_simplified
from pipeline.record import Record
from pipeline.ingest.sites import assign, data, dom
from pipeline.ingest.sites.labels import match_label

KIND = "newspaper"
# E-paper hosts only: news portals (news.sina.com.cn, www.gmw.cn) are not e-papers and go to `generic`.
HOSTS = (r"^paper\.people\.com\.cn$", r"^e?paper\.\w+\.", r"^szb\.", r"^dzb\.",
         r"^\w+\.scxxb\.com\.cn$")

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
# The newspaper's name: a masthead line (`市场信息报电子版`), the citation (`《光明日报》`), a copyright line, or
# the page title of an e-paper platform (`南湖晚报数字报刊平台`).
NEWSPAPER_NAME = (re.compile(r"^(?P<name>\S+?报)\s*(?:电子版|数字报|数字报刊平台|数字报刊)$"),
                  re.compile(r"《(?P<name>[^》]+报)》"),
                  re.compile(r"^©\s*\d{4}\s*(?P<name>\S+报)\s*$"),
                  re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,8}报)(?:社|数字报|电子版|\s*[-_|])"))
MASTHEAD = NEWSPAPER_NAME[0]
_NAMES = r"[\u4e00-\u9fff·]{2,4}(?:[\s、，,]+[\u4e00-\u9fff·]{2,4})*"
REPORTER = re.compile(rf"^(?:本报)?(?:记者|通讯员)\s*[:：]?\s*(?P<who>{_NAMES})$|"
                      rf"[(（](?:本报)?记者\s*(?P<who2>{_NAMES})[)）]|记者\s*(?P<who3>[\u4e00-\u9fff]{{2,4}})\s*[/／]\s*文")
PAGE_HEADING = re.compile(r"^第\s*\d+\s*版\s*[:：]?.{0,10}$")
PAGE_NUMBER = re.compile(r"第\s*0*(\d+)\s*版|0*(\d+)\s*版\s*[)）]")
# Text that only e-papers print: the masthead, `↑ TOP`, a page heading `第05版：理论`, a reporter line, and
# the citation `《光明日报》（ 2025年02月12日 04版）`.
TEXT_MARKERS = re.compile(rf"^\S+报\s*(?:电子版|数字报)$|^↑\s*TOP$|{PAGE_HEADING.pattern}|^本报记者|"
                          r"《[^》]{2,12}报\s*》\s*[(（]\s*(?:19|20)\d{2}\s*年\s*\d+\s*月\s*\d+\s*日\s*(?:第\s*)?\d+\s*版")
# Founder's body box, People's Daily's date line, Guangming Daily's citation line. Not `.article-box` or
# `#articleContent` alone: news portals (Toutiao …) use them too.
HTML_MARKERS = "#ozoom, founder-content, .article-box .article p.sec, .lai b, div.text_c div.lai"


# Founder's CMS also runs news portals (光明网's tech.gmw.cn): its metadata comment makes an e-paper only with
# a printed paper's marks: paper fields in the comment, a 版 in its node name, or a newspaper in the <title>.
ENP_PAPER_FIELDS = re.compile(r"<(?:paperid|paperarticleid|pagenum|pagename)>")
TITLE_NEWSPAPER = re.compile(rf"^[\u4e00-\u9fff]{{2,8}}报$|{MASTHEAD.pattern}")


def looks_like(page: Page) -> bool:
    if page.is_html and (dom.select(page.tree, HTML_MARKERS) or _founder_e_paper(page)):
        return True
    return sum(bool(TEXT_MARKERS.search(line)) for line in page.lines) >= 2


def _founder_e_paper(page: Page) -> bool:
    m = ENP_PROPERTY.search(page.text)
    if not m:
        return False
    title = " ".join((page.tree.findtext(".//title") or "").split())
    return bool(ENP_PAPER_FIELDS.search(m.group(1)) or PAGE_NUMBER.search(_enp_properties(page.text).get("nodename", ""))
                or any(TITLE_NEWSPAPER.match(part) for part in re.split(r"\s*[-_|]+\s*", title)))


def extract(page: Page) -> Record:
    return _from_html(page) if page.is_html else _from_text(page.lines)


_BYLINE = data.values()["byline"]
_LEADS = "|".join(map(re.escape, sorted(_BYLINE["lead_words"], key=len, reverse=True)))
AUTHOR_LINE = re.compile(rf"^(?:{_LEADS}|□)\s*[□:：]?\s*(?P<who>.+)$")
# `（作者单位：东江市委党校）`, `（作者系…）` inside a by-line.
BYLINE_NOTE = re.compile(_BYLINE["affiliation_note"])
HEADER_LINES = 4  # how far below the title a page's subtitle and by-line may sit


def _split_byline(text: str) -> tuple[list[str], list[str]]:
    """`作者 □ 贵州财经大学马克思主义学院 李晨曦` → (names, affiliations); `本报记者 陆健 刘习` → names;
    `作者：宁可为（作者单位：东江市委党校）` → (names, the noted institution)."""
    noted = [fields.clean_affiliation(a) for m in BYLINE_NOTE.finditer(text)
             for a in re.split(r"[;；、]", m.group("org")) if a.strip()]
    text = BYLINE_NOTE.sub(" ", text)
    m = AUTHOR_LINE.match(text.strip())
    who = m.group("who") if m else text
    who = re.sub(r"^(?:本报记者|记者|通讯员)\s*", "", who.strip(" □"))
    parts = [p for p in re.split(r"[\s□]+", who) if p]
    names = [p for p in parts if re.fullmatch(r"[\u4e00-\u9fff·]{2,4}", p) and not assign.INSTITUTION_WORDS.search(p)]
    orgs = [fields.clean_affiliation(p) for p in parts if assign.INSTITUTION_WORDS.search(p)]
    return names, orgs + [a for a in noted if a not in orgs]


def _from_text(lines: list[str]) -> Record:
    rec = Record(source_kind=KIND)
    rec.journal = _newspaper_name(lines)
    content = [line for line in lines if not LEADING_FURNITURE.match(line) and not MASTHEAD.match(line)]
    end = next((i for i, line in enumerate(content) if END_OF_ARTICLE.search(line)), len(content))
    article = content[:end]
    rec.cleaning["boilerplate_lines"] = len(lines) - len(article)
    titles, body_start, dated_after_title = [], 0, False
    # The header: masthead, date and page lines, 引题 / title / `——副题`, byline, citation. It ends at the
    # first other line after a byline or date that follows the titles (seed 001's `一、…` heading).
    for i, line in enumerate(article[:12]):
        if AUTHOR_LINE.match(line) and not rec.authors:
            rec.authors, rec.affiliations = _split_byline(line)
        elif (date := fields.parse_date(line)) and len(line) <= 40:
            rec.date, rec.year = rec.date or date, rec.year or int(date[:4])
            rec.pages = rec.pages or _page_number(line)
        elif PAGE_HEADING.match(line):
            rec.pages = rec.pages or _page_number(line)
        elif line == rec.journal:
            pass
        elif dated_after_title or len(line) > 60:
            break
        else:
            titles.append(line)
        dated_after_title = dated_after_title or (bool(titles) and line not in titles)
        body_start = i + 1
    subtitle = titles.pop() if len(titles) > 1 and assign.SUBTITLE_LINE.match(titles[-1]) else None
    if titles:
        rec.title_zh = assign.join_subtitle(titles[-1], subtitle)
    body = _take_notes(rec, article[body_start:])
    rec.body = "\n".join(body)
    return rec


def _take_notes(rec: Record, lines: list[str]) -> list[str]:
    """Move a `基金项目：` paragraph (label alone, value on the next line) and author notes (`（作者为…）`)
    out of the body."""
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
        if not assign.take_author_note(rec, line):
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
    title = dom.first_text(tree, *SELECTORS["title_zh"]) or enp.get("title")
    subtitle = dom.first_text(tree, *SELECTORS["subtitle"]) or enp.get("subtitle")
    below_title = _lines_below(page.lines, title)
    subtitle = subtitle or next((m.group("subtitle") for line in below_title if (m := assign.SUBTITLE_LINE.match(line))), None)
    rec.title_zh = assign.join_subtitle(title, subtitle)
    byline = dom.first_text(tree, *SELECTORS["byline"]) or enp.get("author") or next(
        (line for line in below_title if AUTHOR_LINE.match(line)), None)
    if byline:
        rec.authors, rec.affiliations = _split_byline(re.sub(r"《.*$", "", byline))
    source = dom.first_text(tree, *SELECTORS["source"]) or ""
    if m := re.search(r"《\s*([^》]+?)\s*》", source):
        rec.journal = m.group(1)
    date = fields.parse_date(source) or fields.parse_date(enp.get("date", "")) or _date_from_url(page.page_url)
    if date:
        rec.date, rec.year = date, int(date[:4])
    rec.pages = _page_number(source) or _page_number(enp.get("nodename", "")) or _page_from_url(page.page_url) or next(
        (_page_number(line) for line in page.lines if PAGE_HEADING.match(line)), None)
    rec.journal = rec.journal or _newspaper_name([tree.findtext(".//title") or "", *page.lines])
    body_el = next((found[0] for sel in SELECTORS["body"] if (found := dom.select(tree, sel))), None)
    if body_el is None:
        body_el = _enp_content(tree)
    if body_el is None:  # a regional e-paper without the Founder markup: read it like its text save
        return _from_text(page.lines)
    lines = text_lines(body_el)
    lines = normalize_whitespace(to_simplified("\n".join(lines))).split("\n") if lines else []
    body = _take_notes(rec, [line for line in lines if line])
    rec.authors = rec.authors or _reporters(body)
    rec.body = "\n".join(body)
    return rec


def _lines_below(lines: list[str], title: str | None) -> list[str]:
    """The few page lines below the title line (older Founder pages put the subtitle and by-line there)."""
    if not title or title not in lines:
        return []
    start = lines.index(title) + 1
    return lines[start:start + HEADER_LINES]


def _enp_content(tree) -> lxml.html.HtmlElement | None:
    """The body between Founder's `<!--enpcontent-->` and `<!--/enpcontent-->` comments, as one element."""
    for comment in tree.iter(lxml.etree.Comment):
        if (comment.text or "").strip() != "enpcontent":
            continue
        content = lxml.html.Element("div")
        for sibling in comment.itersiblings():
            if isinstance(sibling, lxml.etree._Comment) and (sibling.text or "").strip() == "/enpcontent":
                break
            if isinstance(sibling.tag, str):
                content.append(copy.deepcopy(sibling))
        if len(content):
            return content
    return None


def _reporters(body: list[str]) -> list[str]:
    """Reporters named in the first or last lines when the page has no byline: `记者 刘涛`,
    `（记者 格桑边觉）`, `河南商报记者马俊峰/文`."""
    for line in body[:2] + body[-2:]:
        if m := REPORTER.search(line):
            who = m.group("who") or m.group("who2") or m.group("who3")
            return [name for name in re.split(r"[\s、，,]+", who) if name]
    return []


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
