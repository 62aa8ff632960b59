"""维普 CQVIP: qikan.cqvip.com article pages (and the older WeiPu markup), the newer www.cqvip.com/doc
pages, and text saves of them (labels alone on their lines: 摘要 / 作者 / 出处 / 基金 / 关键词)."""
from __future__ import annotations

import re

from pipeline.ingest import fields
from pipeline.ingest.page import Page
from pipeline.record import Record
from pipeline.ingest.sites import assign, dom
from pipeline.ingest.sites.labels import match_label, split_sections

KIND = "cqvip"
HOSTS = (r"(^|\.)cqvip\.com$", r"(^|\.)vipinfo\.com\.cn$")

# Selectors verified from the Zotero translators (see ../shared/docs/site-structures.md §c); the newer
# www.cqvip.com/doc pages put everything in labelled rows and the title in the page's heading.
SELECTORS = {
    "title_zh": (".article-title > h1", "h1"),
    "title_en": (".article-title > em",),
    "authors": (".author > span:nth-child(2) > span > a", "div.author > span > span > a > span"),
    "authors_en": (".author > em",),
    "journal": (".journal > span.from > a[title]",),
    "source": (".journal > .from > .vol",),
    "journal_en": (".journal > em",),
    "journal_box": (".journal",),
    "abstract": (".abstract",),
    "abstract_en": ("div.abstract > em:last-of-type > span",),
    "keywords": (".subject > span > a",),
    "affiliations": (".organ > span > a", ".organ"),
    "fund": (".fund > span > a", ".fund"),
}
# The newer Nuxt site: rows of label + value (the first two `.horizontalData-f` are counts).
ROW_SELECTORS = ((".horizontalData-f", ".horizontalData-name", ".horizontalData-content"),
                 (".mainContainerDataList-item", ".Container-item-title", ".Container-item-title + *"))
PAGE_TITLE_SUFFIX = re.compile(r"\s*(?:--.*)?[-_|]+\s*(?:维普网|维普期刊.*|中文期刊服务平台)\s*$")
TITLE_NOISE = re.compile(r"\s*(认领|被引量[:：]?\s*\d+)\s*")
TEXT_MARKERS = re.compile(r"^(?:出处|共\d+页)$|年第\d+期[\d,+\-~]*,共\d+页")
HTML_MARKERS = ".journal .from .vol, .horizontalData-f, .mainContainerDataList-item"
NUXT_ID = re.compile(r"vipdc:\d+")


def looks_like(page: Page) -> bool:
    if page.is_html:
        return bool(dom.select(page.tree, HTML_MARKERS) or dom.select(page.tree, ".article-title")
                    and dom.select(page.tree, ".journal .from") or NUXT_ID.search(page.text))
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
    rec.title_zh = next((line for line in heading if not assign.is_latin(line)), None)
    rec.title_en = next((line for line in heading if assign.is_latin(line)), None)
    for line in sec.fields.get("authors", []):
        if assign.is_latin(line):
            rec.authors_en, affiliations = fields.parse_english_author_line(line)
            rec.affiliations = rec.affiliations or affiliations
        else:
            rec.authors += fields.split_authors(line)
    for line in sec.fields.get("source", []):
        if assign.is_latin(line):
            rec.journal_en = line
        elif re.match(r"^[《〈].+[》〉]$", line):
            rec.journal = fields.clean_journal(line)
        else:
            assign.apply_source(rec, line)
    assign.apply_sections(rec, sec)
    rec.body = rec.abstract_zh or ""
    return rec


def _from_html(page: Page) -> Record:
    tree = page.tree
    rec = Record(source_kind=KIND)
    title = dom.first_text(tree, *SELECTORS["title_zh"]) or PAGE_TITLE_SUFFIX.sub("", tree.findtext(".//title") or "")
    rec.title_zh = TITLE_NOISE.sub("", title).strip() or None
    rec.title_en = dom.first_text(tree, *SELECTORS["title_en"])
    rec.authors = [a for t in dom.all_texts(tree, *SELECTORS["authors"]) for a in fields.split_authors(t)]
    english = dom.first_text(tree, *SELECTORS["authors_en"])
    if english:
        rec.authors_en, english_affiliations = fields.parse_english_author_line(english)
    else:
        english_affiliations = []
    journal = dom.select(tree, SELECTORS["journal"][0])
    rec.journal = fields.clean_journal(journal[0].get("title") or journal[0].text_content()) if journal else None
    rec.journal_en = dom.first_text(tree, *SELECTORS["journal_en"])
    if source := dom.first_text(tree, *SELECTORS["source"]):
        assign.apply_source(rec, source)
    rec.indexing = fields.find_indexing(dom.first_text(tree, *SELECTORS["journal_box"]) or "")
    for text in dom.all_texts(tree, *SELECTORS["abstract"]):
        text = assign.strip_label(text)
        if fields.has_han(text) and not rec.abstract_zh:
            rec.abstract_zh = fields.clean_abstract(text)
    rec.abstract_en = dom.first_text(tree, *SELECTORS["abstract_en"])
    for link in dom.select(tree, SELECTORS["keywords"][0]):
        term = (link.get("title") or link.text_content()).strip()
        target = rec.keywords_en if assign.is_latin(term) else rec.keywords_zh
        if term and term not in target:
            target.append(term)
    rec.affiliations = [a for t in dom.all_texts(tree, *SELECTORS["affiliations"])
                        for a in fields.split_affiliations(assign.strip_label(t))]
    rec.affiliations = rec.affiliations or english_affiliations
    fund = dom.all_texts(tree, *SELECTORS["fund"])
    rec.fund = fields.join_fund([assign.strip_label(f) for f in fund]) if fund else None
    assign.apply_rows(rec, [pair for selectors in ROW_SELECTORS for pair in dom.row_pairs(tree, *selectors)])
    rec.body = rec.abstract_zh or ""
    return rec
