"""中国知网 CNKI article pages: the current kcms2 layout, the older KCMS `detail.aspx` layout, and text
saves of them (title, author line with index numbers, `1.机构` lines, `摘要：`, `关键词：`, `基金资助：`,
`DOI：`, `刊名. 2023,39(04)`)."""
from __future__ import annotations

import re

from pipeline.ingest import fields
from pipeline.ingest.page import Page
from pipeline.record import Record
from pipeline.ingest.sites import assign, dom
from pipeline.ingest.sites.labels import match_label, split_sections

KIND = "cnki"
HOSTS = (r"(^|\.)cnki\.net$", r"(^|\.)cnki\.com\.cn$")

# site-structures.md §a. Meta tags first where present (they survive redesigns), then the DOM.
SELECTORS = {
    "title_zh": (".wx-tit > h1", "div.wxTitle > h2"),
    "title_en": (".wx-tit > h1 > br + span", "div.wxTitle > h2 > br + span"),  # standards and theses
    "authors": ("h3.author#authorpart > span > a", "#authorpart > span", ".author span a", "#authorpart"),
    "affiliations": (".wx-tit > h3:nth-of-type(2) > span > a", ".wx-tit > h3:nth-of-type(2) > a",
                     ".wx-tit > h3:nth-of-type(2) > span", "div.orgn span"),
    "source": (".top-tip", ".sourinfo"),
    "abstract_zh": ("#ChDivSummary",),
    "keywords_zh": ("p.keywords > a", "a[onclick*=kw]"),
    "fund": ("p.funds > span > a", "p.funds"),
}
# Labelled rows: (row, label, value); rows without a label element are split at their colon (`页码：58-71`).
ROW_SELECTORS = ((".row", "span.rowtit", "span.rowtit + *"),
                 ("li.top-space", "span.rowtit", "span.rowtit + *"),
                 (".total-inform > span", None, None),
                 (".wxBaseinfo p", None, None),  # older KCMS: `<label id="catalog_KEYWORD">关键词：</label><a>…`
                 (".total > span", None, None))
TITLE_NOISE = ("#corr-video", ".type", "span[style*='display:none']")
HIDDEN_ABSTRACT = "input#abstract_text"
TEXT_MARKERS = re.compile(r"中国知网|知网节|^基金资助[:：]|^专辑[:：]|^专题[:：]|^分类号[:：]|CNKI")
# Text saves: the source line `刊名. 2023,39(04)` heads the record; site navigation and buttons around it.
TEXT_SOURCE_LINE = re.compile(r"^[^.．\s]{2,40}\s*[.．]\s*(?:19|20)\d{2}\s*[,，(（]")
TEXT_FURNITURE = re.compile(r"^(?:首页|学术期刊|学位论文|博硕|会议|报纸|年鉴|图书|专利|标准|成果|网络首发|增强出版|"
                            r"PDF下载|CAJ下载|HTML阅读|在线阅读|手机阅读|整本下载|分章下载|引用|收藏|分享|打印|"
                            r"记笔记|关注|下载：.*|.*知网节.*|.*中国知网.*)$")
TEXT_PAGES = re.compile(r"页码[:：]\s*(\d[\d\s,，+~～-]*)")


def looks_like(page: Page) -> bool:
    if page.is_html:
        return bool(dom.select(page.tree, "#paramdbcode, input#paramfilename, .wx-tit, div.wxTitle, #ChDivSummary"))
    return sum(bool(TEXT_MARKERS.search(line)) for line in page.lines[:80]) >= 2


def extract(page: Page) -> Record:
    return _from_html(page) if page.is_html else _from_text(page.lines)


def _from_text(lines: list[str]) -> Record:
    rec = Record(source_kind=KIND)
    first_label = next((i for i, line in enumerate(lines) if match_label(line)), len(lines))
    for line in lines[:first_label]:
        if TEXT_FURNITURE.match(line) or line.startswith("http"):
            continue
        if TEXT_SOURCE_LINE.match(line) and rec.year is None:
            assign.apply_source(rec, line)
            rec.indexing = fields.find_indexing(line)
        elif rec.title_zh is None:
            rec.title_zh = line
        elif (sub := assign.SUBTITLE_LINE.match(line)) and not rec.authors:
            rec.title_zh = assign.join_subtitle(rec.title_zh, sub.group("subtitle"))
        elif re.match(r"^\d+\s*[.、．]", line) or assign.INSTITUTION_WORDS.search(line):
            rec.affiliations += fields.split_affiliations(line)
        elif not rec.authors:
            rec.authors = fields.split_authors(line)
    sec = split_sections(lines[first_label:], follow={"abstract_zh": 1, "keywords_zh": 1, "fund": 1})
    assign.apply_sections(rec, sec)
    for line in sec.rest:
        if m := TEXT_PAGES.search(line):
            rec.pages = rec.pages or fields.parse_pages(m.group(1))
        elif fields.parse_source_line(line)["year"] and rec.year is None:
            assign.apply_source(rec, line)
    rec.body = rec.abstract_zh or ""
    return rec


def _from_html(page: Page) -> Record:
    tree = page.tree
    rec = Record(source_kind=KIND)
    dom.drop(tree, *TITLE_NOISE)
    rec.title_en = dom.first_text(tree, *SELECTORS["title_en"])
    if rec.title_en:
        dom.drop(tree, *SELECTORS["title_en"])
    rec.title_zh = (dom.meta(tree, "citation_title") or [None])[0] or dom.first_text(tree, *SELECTORS["title_zh"])
    if not rec.title_zh and (title := tree.findtext(".//title")):
        rec.title_zh = re.sub(r"\s*[-_]\s*中国知网\s*$", "", title.strip()) or None
    authors = dom.meta(tree, "citation_author") or dom.all_texts(tree, *SELECTORS["authors"])
    rec.authors = [a for t in authors for a in fields.split_authors(t)]
    rec.affiliations = [a for t in dom.all_texts(tree, *SELECTORS["affiliations"]) for a in fields.split_affiliations(t)]
    source = dom.first_text(tree, *SELECTORS["source"])
    if source:
        assign.apply_source(rec, source)
    rec.journal = rec.journal or (dom.meta(tree, "citation_journal_title") or [None])[0]
    hidden = dom.select(tree, HIDDEN_ABSTRACT)
    abstract = (hidden[0].get("value") if hidden else None) or dom.first_text(tree, *SELECTORS["abstract_zh"]) or (
        dom.meta(tree, "citation_abstract", "DC.Description") or [None])[0]
    rec.abstract_zh = fields.clean_abstract(abstract)
    rec.keywords_zh = [k for t in dom.all_texts(tree, *SELECTORS["keywords_zh"]) for k in fields.split_keywords_zh(t)]
    fund = dom.all_texts(tree, *SELECTORS["fund"])
    rec.fund = fields.join_fund([re.sub(r"^基金资助[:：]", "", f) for f in fund]) if fund else None
    rec.doi = fields.normalize_doi(" ".join(dom.meta(tree, "citation_doi", "DC.Identifier")))
    date = (dom.meta(tree, "citation_publication_date", "citation_date") or [None])[0]
    if date and rec.year is None:
        rec.year = int(date[:4]) if date[:4].isdigit() else None
    rec.issn = fields.normalize_issn(source) if source and "ISSN" in source else None
    assign.apply_rows(rec, [pair for selectors in ROW_SELECTORS for pair in dom.row_pairs(tree, *selectors)])
    rec.body = rec.abstract_zh or ""
    return rec

