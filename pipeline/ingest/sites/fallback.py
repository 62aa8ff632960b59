"""The per-field fallback chain, run on every page after its site extractor.

    complete(rec, page, kind) -> None   (fills rec's empty fields in place)

A field the site's selectors left empty is taken from, in this order:
1. `rows`: the page's labelled rows wherever they sit (`<th>题名</th><td>…</td>`, `<span>Abstract：</span><div>…`,
   `<li>DOI：10.…</li>`, a text save's `作者：…` line), by the labels of labels.toml;
2. `meta`: its meta tags (`citation_*`, `DC.*`, `article:*`; labels.toml [meta]);
3. `generic`: the generic extractor (title from og:title / <title> / <h1>, date, by-line, main text).
`rec.cleaning["field_sources"]` records which step gave each filled field (`site` for the site's own rules;
a page of no known site starts at `rows`, and its generic extractor's values count as `generic`). Then every
record's values are tidied the same way: subtitle dashes, journal names, authors that are no person.
"""
from __future__ import annotations

import re

from lxml import html as lxml_html

from pipeline.ingest import clean, fields
from pipeline.ingest.page import Page
from pipeline.ingest.sites import assign, data, dom, generic
from pipeline.record import Record

# The fields the chain fills (references are read by the reference-list reader).
FIELDS = ("title_zh", "title_en", "authors", "authors_en", "affiliations", "journal", "journal_en", "year",
          "volume", "issue", "pages", "date", "abstract_zh", "abstract_en", "keywords_zh", "keywords_en", "fund",
          "doi", "issn", "body")
LABEL_TEXT = re.compile(r"^[【\[]?\s*(?P<label>[^:：【】\[\]]{1,16}?)\s*[】\]]?\s*[:：]\s*(?P<value>.*)$", re.S)
LABEL_ONLY_CHARS = 16
# A row's value ends where the next label of the same line begins: `作者：李在山 编辑：张三`.
NEXT_LABEL = re.compile(r"\s+[^\s:：]{1,6}[:：]")
LONG_VALUE_FIELDS = {"abstract_zh", "abstract_en", "fund", "title_zh", "title_en"}
_TITLE = data.values()["title"]
SUBTITLE_DASH = re.compile(_TITLE["subtitle_dash"])


def _filled(rec: Record, name: str) -> bool:
    value = getattr(rec, name)
    return value not in (None, "", [])


def complete(rec: Record, page: Page, kind: str) -> None:
    """Fill `rec`'s empty fields from the page's rows, meta tags and generic extraction; tidy its values."""
    rules = data.labels()["fallback"]
    site_names = _site_names(page)
    if kind == generic.KIND:  # no site rules: what the generic extractor found comes last
        by_generic = Record(**_values(rec))
        rec.title_zh, rec.authors, rec.date, rec.body = None, [], None, ""
    else:
        by_generic = None
    sources = {name: "site" for name in FIELDS if _filled(rec, name)}
    steps = [("rows", lambda: _from_rows(page, rules["ignored_row_fields"])),
             ("meta", lambda: _from_meta(page) if page.is_html else Record()),
             ("generic", lambda: by_generic or _from_generic(page, kind in rules["generic_body_kinds"]))]
    for step, make in steps:
        if all(name in sources for name in FIELDS):
            break
        found = make()
        found.authors = _people(found.authors, site_names)
        for name in FIELDS:
            if name not in sources and _filled(found, name):
                setattr(rec, name, getattr(found, name))
                sources[name] = step
        if "date" in sources and rec.year is None and rec.date:
            rec.year = int(rec.date[:4])
    # An abstract page has no main text: what a generic reading finds there (a source line) is shorter.
    abstract = rec.abstract_zh or rec.abstract_en
    if abstract and sources.get("body", "generic") == "generic" and len(rec.body) < len(abstract):
        rec.body, sources["body"] = abstract, sources["abstract_zh" if rec.abstract_zh else "abstract_en"]
    tidy(rec)
    rec.cleaning["field_sources"] = {name: sources[name] for name in FIELDS if _filled(rec, name) and name in sources}


def _values(rec: Record) -> dict:
    return {name: getattr(rec, name) for name in FIELDS}


def tidy(rec: Record) -> None:
    """The value cleaners every page kind shares: `主题——副题`, a journal without romanization or e-paper
    suffix."""
    if rec.title_zh:
        rec.title_zh = SUBTITLE_DASH.sub("——", rec.title_zh.strip()).strip("—").strip() or None
    if rec.journal:
        rec.journal = fields.clean_journal(rec.journal) or None


def _people(names: list[str], site_names: tuple[str, ...]) -> list[str]:
    """The names that are persons: not the site, an organization, or a button (`查看更多`)."""
    return [n for n in names if fields.is_person_name(n, site_names) and not clean.is_furniture(n)]


def _site_names(page: Page) -> tuple[str, ...]:
    """Names the page gives itself: og:site_name and the like, and the parts of <title> after the article's."""
    if not page.is_html:
        return ()
    names = dom.meta(page.tree, *data.labels()["meta"]["site_name"])
    title = " ".join((page.tree.findtext(".//title") or "").split())
    names += [part.strip() for part in generic.TITLE_SEPARATOR.split(title)[1:]]
    names = [re.sub(r"^来源[:：]\s*", "", n) for n in names]
    return tuple(n for n in names if 2 <= len(n) <= 30)


# ---------------------------------------------------------------- step 1: labelled rows

def _from_rows(page: Page, ignored: list[str]) -> Record:
    pairs = _html_rows(page.tree) if page.is_html else _text_rows(page.lines)
    rec = Record()
    assign.apply_rows(rec, [(label, value) for label, value in pairs if assign.row_field(label) not in ignored])
    return rec


def _text_rows(lines: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for line in lines:
        if (m := LABEL_TEXT.match(line)) and assign.row_field(m.group("label")):
            pairs.append((m.group("label"), _row_value(m.group("label"), m.group("value"))))
    return [(label, value) for label, value in pairs if value]


def _row_value(label: str, value: str) -> str:
    value = " ".join(value.split())
    return value if assign.row_field(label) in LONG_VALUE_FIELDS else NEXT_LABEL.split(value)[0]


def _html_rows(tree: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    """(label, value) of every labelled row of the page: a label element followed by its value element, or an
    element whose own text starts `label：value`."""
    pairs = []
    body = tree.find("body")
    for el in (body if body is not None else tree).iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "a", "option"):
            continue
        own = " ".join((el.text or "").split())
        if not own:
            continue
        m = LABEL_TEXT.match(own)
        if m and assign.row_field(m.group("label")):
            label, value = m.group("label"), m.group("value")
            if value:  # `作者：张三 李四<a>返回首页，查看更多</a>`: the children are furniture, their tails are not
                value = " ".join([value, *(child.tail or "" for child in el)])
            elif len(el):  # `<p>关键词：<a>甲</a><a>乙</a></p>`
                value = "; ".join(" ".join(child.text_content().split()) for child in el if isinstance(child.tag, str))
            elif (following := el.getnext()) is not None:  # `<span>摘要：</span><div>…</div>`
                value = dom.value_text(following)
        elif len(own) <= LABEL_ONLY_CHARS and len(el) == 0 and assign.row_field(own) and (
                following := el.getnext()) is not None:
            label, value = own, dom.value_text(following)
        else:
            continue
        if value := _row_value(label, value):
            pairs.append((label, value))
    return pairs


# ---------------------------------------------------------------- step 2: meta tags

def _from_meta(page: Page) -> Record:
    names = data.labels()["meta"]
    tree = page.tree
    rec = Record()

    def values(name: str) -> list[str]:
        return dom.meta(tree, *names[name])

    for text in values("title_zh")[:2]:
        if assign.is_latin(text):
            rec.title_en = rec.title_en or text
        else:
            rec.title_zh = rec.title_zh or text
    for text in values("authors"):
        target = rec.authors_en if assign.is_latin(text) else rec.authors
        target += [n for n in fields.split_authors(text) if n not in target]
    for text in values("affiliations"):
        rec.affiliations += [a for a in fields.split_affiliations(text) if a not in rec.affiliations]
    for text in values("journal")[:2]:
        if assign.is_latin(text):
            rec.journal_en = rec.journal_en or text
        else:
            rec.journal = rec.journal or fields.clean_journal(text)
    for text in values("date"):
        if date := fields.parse_date(text):
            rec.date, rec.year = date, int(date[:4])
            break
        if rec.year is None and (m := re.fullmatch(r"\s*((?:19|20)\d{2})\s*", text)):
            rec.year = int(m.group(1))
    rec.volume = next((v.lstrip("0") or v for v in values("volume")), None)
    rec.issue = next((v.lstrip("0") or v for v in values("issue")), None)
    first, last = values("first_page")[:1], values("last_page")[:1]
    if first:
        rec.pages = fields.parse_pages(f"{first[0]}-{last[0]}" if last and last[0] != first[0] else first[0])
    for text in values("abstract_zh"):
        if assign.is_latin(text):
            rec.abstract_en = rec.abstract_en or fields.clean_abstract(text)
        else:
            rec.abstract_zh = rec.abstract_zh or fields.clean_abstract(text)
    for text in values("keywords_zh"):
        if assign.is_latin(text):
            rec.keywords_en += [k for k in fields.split_keywords_en(text) if k not in rec.keywords_en]
        else:
            rec.keywords_zh += [k for k in fields.split_keywords_zh(text) if k not in rec.keywords_zh]
    rec.doi = next((d for v in values("doi") if (d := fields.normalize_doi(v))), None)
    rec.issn = next((i for v in values("issn") if (i := fields.normalize_issn(v))), None)
    return rec


# ---------------------------------------------------------------- step 3: the generic extractor

def _from_generic(page: Page, with_body: bool) -> Record:
    rec = Record()
    if not page.is_html:
        return rec
    info = generic.page_metadata(page.tree)
    rec.title_zh, rec.date = info["title"], info["date"]
    rec.authors = [info["author"]] if info["author"] else []
    if with_body:
        rec.body = generic.main_text(page.tree)
    return rec
