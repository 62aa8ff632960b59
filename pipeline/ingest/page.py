"""A page being ingested: its bytes, decoded text, and (for HTML) the parsed tree and visible lines."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property

import lxml.html

from pipeline.text.normalize import convert_passages, normalize_whitespace, strip_controls

_HTML_MARKER = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|meta|div|p|title|table)\b", re.I)
_URL_LINE = re.compile(r"^\s*(https?://[^\s]+)\s*$")
# Where a page states its own URL, most trusted first (also read by clean to know the page's site).
CANONICAL_URL_XPATHS = ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
# Elements that end a line of text when rendered (also the text blocks of `sites.generic`, for which the page's
# root elements html and body are blocks too: the outermost candidates for the article).
BLOCK_TAGS = frozenset("""address article aside blockquote body br caption center dd div dl dt fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section table tbody td th thead tfoot tr
ul founder-content""".split())
# A page with more tags than this is refused before parsing: lxml needs about 1 KB per element (a 19 MB
# page of a million <p> took 0.9 GB). Article pages have a few thousand.
MAX_TAGS = int(os.environ.get("PIPELINE_MAX_TAGS", 200_000))
SKIP_TAGS = frozenset(("script", "style", "noscript", "template", "head", "select", "option", "textarea", "svg"))


class ExtractionError(ValueError):
    """The page was read but holds nothing we can extract."""


@dataclass
class Page:
    source: str
    raw: bytes
    text: str
    encoding: str
    url: str | None = None
    cleaning: dict = field(default_factory=dict)
    converted_passages: dict[str, str] = field(default_factory=dict)  # lines t2s converted: {new: original}

    @cached_property
    def is_html(self) -> bool:
        return bool(_HTML_MARKER.search(self.text[:5000]))

    @cached_property
    def tree(self) -> lxml.html.HtmlElement:
        tags = self.text.count("<")
        if tags > MAX_TAGS:
            raise ExtractionError(f"page too large to parse: {tags:,} tags, opening and closing (limit {MAX_TAGS:,}, "
                                  "PIPELINE_MAX_TAGS)")
        # Control characters out first: lxml refuses some and keeps others in the text it gives back.
        text, removed = strip_controls(self.text)
        if removed:
            self.cleaning["control_chars"] = removed
        try:
            return lxml.html.document_fromstring(text)
        except (lxml.etree.ParserError, ValueError) as exc:
            raise ExtractionError(f"unparseable HTML ({exc})") from exc

    @cached_property
    def lines(self) -> list[str]:
        """Visible text, one line per block, whitespace-normalized, its traditional passages simplified."""
        text = normalize_whitespace("\n".join(text_lines(self.tree)) if self.is_html else self.text)
        simplified, self.converted_passages = convert_passages(text)
        return simplified.split("\n")

    @cached_property
    def page_url(self) -> str | None:
        """The page's own URL: given (fetch sidecar), canonical link / og:url, or a URL line in a text save."""
        if self.url:
            return self.url
        if self.is_html:
            for xpath in CANONICAL_URL_XPATHS:
                found = self.tree.xpath(xpath)
                if found and found[0].startswith("http"):
                    return found[0].strip()
            return None
        return url_line(self.text.splitlines())

    @property
    def host(self) -> str:
        m = re.match(r"https?://([^/:?#]+)", self.page_url or "")
        return m.group(1).lower() if m else ""


def url_line(lines: list[str]) -> str | None:
    """The last line of a text save that is a page URL (not an image or script)."""
    for line in reversed(lines):
        m = _URL_LINE.match(line)
        if m and not re.search(r"\.(png|jpe?g|gif|svg|css|js|ico)(\?|$)", m.group(1), re.I):
            return m.group(1)
    return None


def text_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The element's visible text, broken into lines at block elements."""
    parts: list[str] = []

    def walk(el) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in SKIP_TAGS:
            return
        block = tag in BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    body = root.find("body")
    walk(body if body is not None else root)
    return [line for line in (" ".join(raw.split()) for raw in "".join(parts).split("\n")) if line]
