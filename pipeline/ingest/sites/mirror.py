"""Journal-article mirror sites: fx361.com / 参考网 and its clones (often in traditional characters,
sometimes with SEO spam around the article), as HTML or text saves.

Text order (site-structures.md §e): title; `2019-09-09金泽龙` (date glued to the author); `刊名 2019年24期`;
`摘要 …` / `【摘要】…` / `摘" 要" …`; `关键词 …`; body; `参考文献`; `本文系…`; `（作者系…）`; `【责任编辑：…】`.
"""
from __future__ import annotations

import re

from pipeline.ingest import fields
from pipeline.ingest.page import Page, text_lines
from pipeline.text.normalize import normalize_whitespace, to_simplified
from pipeline.record import Record
from pipeline.ingest.sites import assign, dom
from pipeline.ingest.sites.labels import match_label, split_sections

KIND = "mirror"
HOSTS = (r"(^|\.)fx361\.(com|cc)$", r"(^|\.)victorzhang\.cn$", r"(^|\.)jizihe\.com$", r"(^|\.)handmsg\.com$")
URL_SHAPE = re.compile(r"/page/\d{4}/\d{4}/\d+\.shtml|/news/\d{4}/\d{4}/\d+\.html")

SELECTORS = {"container": ("div.main", "div.article", "article"), "title": (".bt", "h1", "h3")}
DATE_AUTHOR = re.compile(r"^(?P<date>(?:19|20)\d{2}-\d{1,2}-\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*(?P<who>.*)$")
SOURCE_LINE = re.compile(r"^(?P<journal>\S.{0,40}?)\s*(?:19|20)\d{2}\s*年\s*(?:第\s*)?[\dA-Za-z]+\s*期")
FUND_SENTENCE = re.compile(r"^(?:本文(?:系|为|是)|本研究(?:系|为|是)|基金项目[:：]).*(?:成果|资助|项目|\))")
FURNITURE = re.compile(r"^APP下载$|^【?责任编辑|^\(?责编")
# Some clones gloss converted characters with pinyin: `黨建引領(lǐng)`, `區(qū)`.
PINYIN_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（](?=[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])"
                          r"[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
# Labels after which a mirror page's sections stop (so the reference list ends at the fund note).
SECTION_STOP = re.compile(f"{FUND_SENTENCE.pattern}|{assign.AUTHOR_NOTE.pattern}|{FURNITURE.pattern}")


def looks_like(page: Page) -> bool:
    if URL_SHAPE.search(page.page_url or ""):
        return True
    # The article's head: `2019-09-09金泽龙` directly above `法制与社会 2019年24期`, below any navigation.
    head = page.lines[:80]
    return any(DATE_AUTHOR.match(line) and SOURCE_LINE.match(following)
               for line, following in zip(head, head[1:]))


def extract(page: Page) -> Record:
    if page.is_html:
        container = next((found[0] for sel in SELECTORS["container"] if (found := dom.select(page.tree, sel))), None)
        lines = text_lines(container) if container is not None else []
        lines = normalize_whitespace(to_simplified("\n".join(lines))).split("\n") if lines else list(page.lines)
        rec = _from_lines(lines)
        title = dom.first_text(container if container is not None else page.tree, *SELECTORS["title"])
        rec.title_zh = PINYIN_GLOSS.sub("", to_simplified(title)) if title else rec.title_zh
        return rec
    return _from_lines(page.lines)


def _from_lines(lines: list[str]) -> Record:
    rec = Record(source_kind=KIND)
    lines = [PINYIN_GLOSS.sub("", line) for line in lines if line and not FURNITURE.search(line)]
    header_end = 0
    for i, line in enumerate(lines[:8]):
        if match_label(line):
            break
        if m := DATE_AUTHOR.match(line):
            rec.date = fields.parse_date(m.group("date"))
            rec.year = int(rec.date[:4]) if rec.date else None
            rec.authors = fields.split_authors(m.group("who")) if m.group("who") else []
        elif SOURCE_LINE.match(line):
            assign.apply_source(rec, line)
            rec.journal = SOURCE_LINE.match(line).group("journal").strip()
        elif rec.title_zh is None:
            rec.title_zh = line
        elif (sub := assign.SUBTITLE_LINE.match(line)) and rec.date is None:
            rec.title_zh = assign.join_subtitle(rec.title_zh, sub.group("subtitle"))
        else:
            break
        header_end = i + 1
    rest = lines[header_end:]
    sec = split_sections(rest, follow={"abstract_zh": 1, "keywords_zh": 1, "fund": 1, "bio": 1, "references": None},
                         default_follow=0, stop=SECTION_STOP)
    # fx361 prints the keywords twice, the first time glued together: keep the separable line.
    keyword_lines = sec.fields.get("keywords_zh", [])
    if len(keyword_lines) > 1:
        sec.fields["keywords_zh"] = [max(keyword_lines, key=lambda text: len(fields.split_keywords_zh(text)))]
    body = []
    for line in sec.rest:
        if FUND_SENTENCE.match(line):
            rec.fund = fields.join_fund([line])
        elif not assign.take_author_note(rec, line):
            body.append(line)
    for line in sec.fields.get("bio", []):
        affiliation = assign.affiliation_from_bio("作者系" + line)
        if affiliation and affiliation not in rec.affiliations:
            rec.affiliations.append(affiliation)
    assign.apply_sections(rec, sec)
    rec.body = "\n".join(body)
    return rec
