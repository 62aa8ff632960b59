"""What every extractor does the same way: turn labelled sections and selected values into fields."""
from __future__ import annotations

import re

from functools import lru_cache

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from pipeline.ingest import fields
from pipeline.record import Record
from pipeline.ingest.sites.labels import Sections, match_label, split_sections

_LATIN_LINE = re.compile(r"^[\x00-\x7f\u2018-\u201d\u00a0-\u00ff]+$")
INSTITUTION_WORDS = re.compile(r"大学|学院|研究院|研究所|研究中心|党校|科学院|医院|委员会|办公室|政府|公司|中心|学校|"
                               r"出版社|集团|University|College|Institute|School|Academy")
# Titles that follow the institution in an author note (`…学院博士研究生`, `…科学院副院长`).
_AFFILIATION_BIO = re.compile(r"(?:(?:博士|硕士)?研究生|(?:常务)?副?(?:教授|研究员|院长|所长|校长|主任|书记|部长|馆长|主编)|"
                              r"讲师|助理研究员|博士后|博士|硕士)$")
# `（作者系…）`, `（作者为…）`, `作者单位：…` — a note on the author at the end of an article.
AUTHOR_NOTE = re.compile(r"^[(（]?\s*作者(?:系|为|是|单位)")


def is_latin(line: str) -> bool:
    return bool(_LATIN_LINE.match(line)) and bool(re.search(r"[A-Za-z]", line))


def english_vocabulary(*texts: str | None) -> set[str]:
    """Words of the record's own English text: the best guide to cutting glued English keywords."""
    return {w.lower() for t in texts if t for w in re.findall(r"[A-Za-z]+", t)}


def apply_sections(rec: Record, sec: Sections) -> None:
    """Fill the fields whose labels every kind of page shares."""
    abstract = sec.fields.get("abstract_zh", [])
    zh = [line for line in abstract if not is_latin(line)]
    en = [line for line in abstract if is_latin(line)]
    if zh and not rec.abstract_zh:
        rec.abstract_zh = fields.clean_abstract("\n".join(zh))
    if en and not rec.abstract_en:
        rec.abstract_en = fields.clean_abstract("\n".join(en))
    if sec.fields.get("abstract_en") and not rec.abstract_en:
        rec.abstract_en = fields.clean_abstract(" ".join(sec.fields["abstract_en"]))
    keywords = sec.fields.get("keywords_zh", []) + sec.fields.get("keywords_en", [])
    vocabulary = english_vocabulary(rec.abstract_en, rec.title_en)
    for line in keywords:
        if is_latin(line):
            rec.keywords_en += [k for k in fields.split_keywords_en(line, vocabulary)
                                if k not in rec.keywords_en]
        else:
            rec.keywords_zh += [k for k in fields.split_keywords_zh(line) if k not in rec.keywords_zh]
    if sec.fields.get("fund") and not rec.fund:
        rec.fund = fields.join_fund(sec.fields["fund"])
    for name in ("doi", "clc", "doc_code"):  # `中图分类号：… 文献标识码：A DOI:…` often share a line
        for line in sec.fields.get(name, []):
            rec.doi = rec.doi or fields.normalize_doi(line)
    if sec.fields.get("issn") and not rec.issn:
        rec.issn = fields.normalize_issn(sec.text("issn", " "))
    if sec.fields.get("references") and not rec.references:
        rec.references = fields.split_references(sec.fields["references"])
    for line in sec.fields.get("affiliations", []):
        rec.affiliations += [a for a in fields.split_affiliations(line) if a not in rec.affiliations]


def affiliation_from_bio(text: str) -> str | None:
    """The institution in an author note: `（作者系华东政法大学政府管理学院博士研究生）` or
    `金泽龙（1995-），男，吉林长春人，吉林大学行政学院硕士研究生，研究方向：…` → the institution alone."""
    m = re.search(r"作者(?:系|为|是|单位[:：]?|简介[:：]?)\s*(.+?)[)）]?$", text)
    if not m:
        return None
    clauses = [c.strip() for c in re.split(r"[,，;；。]", m.group(1))]
    org = next((c for c in clauses if INSTITUTION_WORDS.search(c)), None)
    if org is None:
        return None
    org = _AFFILIATION_BIO.sub("", org).strip()
    return org or None


def take_author_note(rec: Record, line: str) -> bool:
    """When the line is an author note, record its institution and return True (the line leaves the body)."""
    if not AUTHOR_NOTE.match(line):
        return False
    affiliation = affiliation_from_bio(line)
    if affiliation and affiliation not in rec.affiliations:
        rec.affiliations.append(affiliation)
    return True


def strip_label(text: str | None) -> str | None:
    """The value of `摘要：…` / `【关键词】…`; text without a label as it is."""
    found = match_label(text) if text else None
    return found[1] if found else text


def apply_source(rec: Record, line: str) -> None:
    """Journal/year/volume/issue/pages from a source line, keeping values already found."""
    parsed = fields.parse_source_line(line)
    for key, value in parsed.items():
        if value is not None and getattr(rec, key) in (None, ""):
            setattr(rec, key, value)


@lru_cache(maxsize=512)
def _compiled(selector: str) -> CSSSelector:
    return CSSSelector(selector, translator="html")


def select(tree: lxml_html.HtmlElement, selector: str) -> list:
    """Elements matching a CSS selector (compiled once per process, not per page)."""
    return _compiled(selector)(tree)


def drop(tree: lxml_html.HtmlElement, *selectors: str) -> None:
    """Remove the elements matching any selector (UI widgets inside the fields), keeping their tails."""
    for selector in selectors:
        for el in select(tree, selector):
            el.drop_tree()


def first_text(tree: lxml_html.HtmlElement, *selectors: str) -> str | None:
    """Text of the first element that matches one of the CSS selectors, or None."""
    for selector in selectors:
        for el in select(tree, selector):
            text = " ".join(el.text_content().split())
            if text:
                return text
    return None


def all_texts(tree: lxml_html.HtmlElement, *selectors: str) -> list[str]:
    """Texts of every element matching the first selector that matches anything."""
    for selector in selectors:
        found = [" ".join(el.text_content().split()) for el in select(tree, selector)]
        found = [t for t in found if t]
        if found:
            return found
    return []


def meta(tree: lxml_html.HtmlElement, *names: str) -> list[str]:
    """Values of <meta name=…> / <meta property=…> tags, in page order, stripped."""
    out = []
    for name in names:
        for value in tree.xpath(f"//meta[@name='{name}' or @property='{name}']/@content"):
            value = value.strip()
            if value:
                out.append(value)
    return out


LIST_ITEM_TAGS = frozenset(("a", "span", "li"))


def value_text(el: lxml_html.HtmlElement) -> str:
    """An element's text. A value that is a bare list of links or spans (`<a>乡村振兴</a><a>村级组织</a>`)
    renders glued together; its items are joined with `; ` so that the field parsers can split them."""
    while len(el) == 1 and not (el.text or "").strip() and not (el[0].tail or "").strip():
        el = el[0]
    items = [" ".join(child.text_content().split()) for child in el]
    gaps = [(el.text or "")] + [child.tail or "" for child in el]
    if len(el) > 1 and all(re.fullmatch(r"[\s;；,，、]*", gap) for gap in gaps) and all(items) and all(
            child.tag in LIST_ITEM_TAGS for child in el):
        return "; ".join(item.strip(" ;；,，") for item in items)
    return " ".join(el.text_content().split())


_ROW_TEXT = re.compile(r"^[【\[]?\s*(?P<name>[^:：【】\[\]]{1,16}?)\s*[】\]]?\s*[:：]\s*(?P<value>.+)$")


def row_pairs(tree: lxml_html.HtmlElement, row_selector: str, name_selector: str | None = None,
              value_selector: str | None = None) -> list[tuple[str, str]]:
    """(label, value) of each labelled metadata row. A row whose label is not in an element of its own
    (`<li>DOI：10.…</li>`, `<span>页码：58-71</span>`) is split at its first colon."""
    pairs = []
    for row in select(tree, row_selector):
        names = select(row, name_selector) if name_selector else []
        values = select(row, value_selector) if value_selector else []
        if names and values:
            name, value = " ".join(names[0].text_content().split()), value_text(values[0])
        elif m := _ROW_TEXT.match(" ".join(row.text_content().split())):
            name, value = m.group("name"), m.group("value")
        else:
            continue
        if name and value:
            pairs.append((name, value))
    return pairs


# Row labels of detail pages that text saves do not use as section labels (those are in labels.py).
ROW_LABELS = {
    "页码": "pages", "页数": "page_count", "在线出版日期": "date", "出版日期": "date", "文献发表日期": "date",
    "发表日期": "date", "年,卷(期)": "source", "年，卷(期)": "source", "期刊": "journal", "刊名": "journal",
    "journal": "journal_en", "author": "authors_en", "authors": "authors_en",
}


def apply_rows(rec: Record, pairs: list[tuple[str, str]]) -> None:
    """Fill fields from (label, value) rows, keeping values already found."""
    section_lines = []
    for name, value in pairs:
        label = re.sub(r"[\s:：]+", "", name)
        kind = ROW_LABELS.get(label) or ROW_LABELS.get(label.lower())
        if kind is None and (found := match_label(f"{label}：{value}")):
            kind = found[0] if found[0] in ("authors", "source") else None
        if kind in ("pages", "page_count"):
            rec.pages = rec.pages or fields.parse_pages(value, count_first=kind == "page_count")
        elif kind == "date" and not rec.date and (date := fields.parse_date(value)):
            rec.date, rec.year = date, rec.year or int(date[:4])
        elif kind == "journal":
            rec.indexing += [t for t in fields.find_indexing(value) if t not in rec.indexing]
            apply_source(rec, value)
            rec.journal = rec.journal or fields.clean_journal(fields.strip_indexing(value)) or None
        elif kind == "source":
            apply_source(rec, value)
        elif kind == "journal_en":
            rec.journal_en = rec.journal_en or value
        elif kind in ("authors", "authors_en"):
            names = fields.split_authors(value)
            target = rec.authors_en if kind == "authors_en" or is_latin(value) else rec.authors
            target += [n for n in names if n not in target]
        else:
            section_lines.append(f"{label}：{value}")
    apply_sections(rec, split_sections(section_lines, follow={}))
