"""What every extractor does the same way: turn labelled sections and selected values into fields."""
from __future__ import annotations

import re

from functools import lru_cache

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector

from pipeline import fields
from pipeline.record import Record
from pipeline.sites.labels import Sections

_LATIN_LINE = re.compile(r"^[\x00-\x7f\u2018-\u201d\u00a0-\u00ff]+$")
INSTITUTION_WORDS = re.compile(r"大学|学院|研究院|研究所|研究中心|党校|科学院|医院|委员会|办公室|政府|公司|中心|学校|"
                               r"出版社|集团|University|College|Institute|School|Academy")
_AFFILIATION_BIO = re.compile(r"(?:博士|硕士)?(?:研究生|教授|副教授|讲师|研究员|副研究员|助理研究员|博士后|院长|主任|书记)$")


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
        rec.abstract_zh = "\n".join(zh)
    if en and not rec.abstract_en:
        rec.abstract_en = "\n".join(en)
    if sec.fields.get("abstract_en") and not rec.abstract_en:
        rec.abstract_en = " ".join(sec.fields["abstract_en"])
    keywords = sec.fields.get("keywords_zh", []) + sec.fields.get("keywords_en", [])
    vocabulary = english_vocabulary(rec.abstract_en, rec.title_en)
    for line in keywords:
        if is_latin(line):
            expected = len(rec.keywords_zh) or None
            rec.keywords_en += [k for k in fields.split_keywords_en(line, vocabulary, expected)
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
    """`（作者系华东政法大学政府管理学院博士研究生）` → `华东政法大学政府管理学院`."""
    m = re.search(r"作者(?:系|为|是|单位[:：]?)\s*(.+?)[)）]?$", text)
    if not m:
        return None
    org = re.split(r"[,，;；。]", m.group(1))[0]
    org = _AFFILIATION_BIO.sub("", org).strip()
    return org or None


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
