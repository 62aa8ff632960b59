"""Reading values from a page's tree: CSS selection (compiled once per process), texts, meta tags and
labelled metadata rows. Selectors themselves are data in each site module."""
from __future__ import annotations

import re
from functools import lru_cache

from lxml import html as lxml_html
from lxml.cssselect import CSSSelector


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
