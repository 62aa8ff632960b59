"""维普 CQVIP: qikan.cqvip.com article pages (and the older WeiPu markup), the newer www.cqvip.com/doc
pages, and text saves of them (labels alone on their lines: 摘要 / 作者 / 出处 / 基金 / 关键词)."""
from __future__ import annotations

import re

from pipeline import fields
from pipeline.page import Page
from pipeline.record import Record
from pipeline.sites import common
from pipeline.sites.labels import match_label, split_sections

KIND = "cqvip"
HOSTS = (r"(^|\.)cqvip\.com$", r"(^|\.)vipinfo\.com\.cn$")

# Selectors verified from the Zotero translators (see ../shared/docs/site-structures.md §c).
SELECTORS = {
    "title_zh": (".article-title > h1",),
    "title_en": (".article-title > em",),
    "authors": (".author > span:nth-child(2) > span > a", "div.author > span > span > a > span"),
    "authors_en": (".author > em",),
    "journal": (".journal > span.from > a[title]",),
    "source": (".journal > .from > .vol",),
    "journal_en": (".journal > em",),
    "abstract": (".abstract",),
    "abstract_en": ("div.abstract > em:last-of-type > span",),
    "keywords": (".subject > span > a",),
    "affiliations": (".organ > span > a", ".organ"),
    "fund": (".fund > span > a", ".fund"),
}
# The newer Nuxt site: rows of label + value.
ROW_SELECTORS = ((".horizontalData-f", ".horizontalData-name", ".horizontalData-content"),
                 (".mainContainerDataList-item", ".Container-item-title", ".Container-item-title + *"))
TITLE_NOISE = re.compile(r"\s*(认领|被引量[:：]?\s*\d+)\s*")
TEXT_MARKERS = re.compile(r"^(?:出处|共\d+页)$|年第\d+期[\d,+\-~]*,共\d+页")


def looks_like(page: Page) -> bool:
    if page.is_html:
        return bool(common.select(page.tree, ".article-title") and common.select(page.tree, ".journal .from"))
    labels = {line.strip() for line in page.lines[:200]}
    return "出处" in labels and bool({"摘要", "作者", "关键词"} & labels) or any(
        TEXT_MARKERS.search(line) for line in page.lines[:200]) and "摘要" in labels


def extract(page: Page) -> Record:
    return _from_html(page) if page.is_html else _from_text(page.lines)


def _from_text(lines: list[str]) -> Record:
    rec = Record(source_kind=KIND)
    sec = split_sections(lines, follow={}, default_follow=None)
    first_label = next((i for i, line in enumerate(lines) if match_label(line)), len(lines))
    heading = [line for line in lines[:first_label] if not line.startswith("http")]
    rec.title_zh = next((line for line in heading if not common.is_latin(line)), None)
    rec.title_en = next((line for line in heading if common.is_latin(line)), None)
    for line in sec.fields.get("authors", []):
        if common.is_latin(line):
            rec.authors_en, affiliations = fields.parse_english_author_line(line)
            rec.affiliations = rec.affiliations or affiliations
        else:
            rec.authors += fields.split_authors(line)
    for line in sec.fields.get("source", []):
        if common.is_latin(line):
            rec.journal_en = line
        elif re.match(r"^[《〈].+[》〉]$", line):
            rec.journal = fields.clean_journal(line)
        else:
            common.apply_source(rec, line)
    common.apply_sections(rec, sec)
    rec.body = rec.abstract_zh or ""
    return rec


def _from_html(page: Page) -> Record:
    tree = page.tree
    rec = Record(source_kind=KIND)
    title = common.first_text(tree, *SELECTORS["title_zh"])
    rec.title_zh = TITLE_NOISE.sub("", title).strip() if title else None
    rec.title_en = common.first_text(tree, *SELECTORS["title_en"])
    rec.authors = [a for t in common.all_texts(tree, *SELECTORS["authors"]) for a in fields.split_authors(t)]
    english = common.first_text(tree, *SELECTORS["authors_en"])
    if english:
        rec.authors_en, english_affiliations = fields.parse_english_author_line(english)
    else:
        english_affiliations = []
    journal = common.select(tree, SELECTORS["journal"][0])
    rec.journal = journal[0].get("title") or journal[0].text_content().strip() if journal else None
    rec.journal_en = common.first_text(tree, *SELECTORS["journal_en"])
    source = common.first_text(tree, *SELECTORS["source"])
    if source:
        common.apply_source(rec, source)
    for text in common.all_texts(tree, *SELECTORS["abstract"]):
        text = re.sub(r"^\s*摘\s*要\s*[:：]?\s*", "", text)
        if fields.has_han(text) and not rec.abstract_zh:
            rec.abstract_zh = fields.clean_abstract(text)
    rec.abstract_en = common.first_text(tree, *SELECTORS["abstract_en"])
    rec.keywords_zh = [kw.get("title") or kw.text_content().strip() for kw in common.select(tree, SELECTORS["keywords"][0])]
    rec.affiliations = [a for t in common.all_texts(tree, *SELECTORS["affiliations"])
                        for a in fields.split_affiliations(re.sub(r"^机构地区[:：]?", "", t))]
    rec.affiliations = rec.affiliations or english_affiliations
    fund = common.all_texts(tree, *SELECTORS["fund"])
    rec.fund = fields.join_fund([re.sub(r"^基金[:：]?", "", f) for f in fund]) if fund else None
    rows = [f"{name}：{value}" for row_sel, name_sel, value_sel in ROW_SELECTORS
            for row in common.select(tree, row_sel)
            for name in [common.first_text(row, name_sel)] for value in [common.first_text(row, value_sel)]
            if name and value]
    common.apply_sections(rec, split_sections(rows, follow={}))
    rec.body = rec.abstract_zh or ""
    return rec
