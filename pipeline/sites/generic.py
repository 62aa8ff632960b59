"""Main text and light metadata for HTML pages of unknown sites.

One pass over the tree cuts the page into text blocks (a block ends at every block-level tag or <br>).
Each block is weighed as prose (long, with sentence punctuation, few link characters: positive) or
furniture (link lists: negative). The element whose blocks weigh the most is the article; its blocks,
minus link lines and the title/date/furniture lines at its edges, are the main text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree, html as lxml_html

# Elements whose text is never main text.
SKIPPED_TAGS = {"script", "style", "noscript", "iframe", "select", "option", "textarea", "button", "input",
                "head", "title", "meta", "link", "svg", "canvas", "object", "embed", "map", "template",
                "nav", "footer", "aside"}
# Elements that start a new text block (everything else is inline).
BLOCK_TAGS = {"html", "body", "div", "p", "td", "th", "tr", "table", "tbody", "thead", "tfoot", "li", "ul",
              "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "article", "section", "main",
              "header", "blockquote", "pre", "form", "center", "fieldset", "figure", "figcaption", "address",
              "caption", "hr", "br"}
# class/id words of page furniture that carries prose-like text (comments, copyright notices).
FURNITURE_NAME_WORDS = {"comment", "comments", "reply", "replies", "pinglun", "footer", "foot", "copyright",
                        "share", "shared", "sharing", "related", "recommend", "sidebar", "nav", "navbar", "navbox",
                        "breadcrumb", "breadcrumbs", "ad", "ads", "advert", "login"}
NAME_WORDS = re.compile(r"[a-z]+")
NEVER_SKIPPED = {"html", "body", "main", "article"}

SENTENCE_PUNCT = re.compile(r"[，。！？；：、“”]|[,.;:!?](?=\s)")
SENTENCE_END = re.compile(r"[。！？…”」』）)!?.]$")
# Lines of site furniture: copyright, licences, share buttons, editor credits, prev/next links.
FURNITURE_LINE = re.compile(
    r"版权所有|copyright|©|ICP|备案号|许可证|违法和不良信息|举报电话|分享到|责任编辑|责编|编辑[:：]|"
    r"来源[:：]|上一篇|下一篇|上篇|下篇|相关(报道|新闻|阅读|文章)|扫码|打印本文|关闭窗口|返回顶部",
    re.I)
POST_STAMP = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}")
LINK_HEAVY = 0.4        # link characters / characters above which a block is navigation
LINK_PENALTY = 0.5      # weight per link-line character, relative to a prose character
MAX_EDGE_CHARS = 300    # a longer run of such lines is content (a table), not furniture
SHORT_LINE = 25         # edge lines shorter than this without a sentence end are titles, dates, labels


@dataclass
class Block:
    text: str
    chars: int        # non-whitespace characters
    link_chars: int   # of which inside <a>
    punct: int        # sentence punctuation marks

    @property
    def is_links(self) -> bool:
        return self.link_chars > LINK_HEAVY * self.chars

    @property
    def weight(self) -> float:
        """Positive for prose, negative for link lists, zero for short labels."""
        if self.is_links:
            return -LINK_PENALTY * self.chars
        if self.punct == 0:
            return 0.0
        return self.chars - self.link_chars

    @property
    def is_post_stamp(self) -> bool:
        """A short line with a date and a time: the header or footer of a post."""
        return self.chars < 80 and POST_STAMP.search(self.text) is not None

    @property
    def is_edge_furniture(self) -> bool:
        """A title, date, byline or furniture line, dropped when it sits at the article's edge."""
        if FURNITURE_LINE.search(self.text):
            return self.chars < 200
        return self.chars < SHORT_LINE and not SENTENCE_END.search(self.text)


def _count_chars(text: str) -> int:
    return len(text) - sum(text.count(ch) for ch in " \n\t")


def _is_furniture_element(el: etree._Element, tag: str) -> bool:
    if tag in NEVER_SKIPPED:
        return False
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    return not FURNITURE_NAME_WORDS.isdisjoint(NAME_WORDS.findall(names.lower()))


class _BlockCollector:
    """Cuts a tree into blocks, remembering each block-level element's range of blocks and weight."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.containers: list[tuple[float, int, int]] = []  # (weight, first block, end block)
        self._parts: list[str] = []
        self._link_chars = 0

    def _add(self, text: str | None, in_link: bool) -> None:
        if text:
            self._parts.append(text)
            if in_link:
                self._link_chars += _count_chars(text)

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        link_chars = self._link_chars
        self._parts, self._link_chars = [], 0
        if text:
            chars = _count_chars(text)
            self.blocks.append(Block(text, chars, min(link_chars, chars), len(SENTENCE_PUNCT.findall(text))))

    def collect(self, root: etree._Element) -> None:
        link_depth = 0
        open_blocks: list[int] = []   # first block index of each open block-level element
        cumulative = [0.0]            # cumulative[i] = total weight of blocks[:i]
        skipped = False               # the next event is the "end" of a skipped element
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, el in walker:
            tag = el.tag if isinstance(el.tag, str) else None
            if event == "start":
                if tag is None or tag in SKIPPED_TAGS or _is_furniture_element(el, tag):
                    walker.skip_subtree()
                    skipped = True
                    continue
                if tag in BLOCK_TAGS:
                    self._flush()
                    open_blocks.append(len(self.blocks))
                elif tag == "a":
                    link_depth += 1
                self._add(el.text, link_depth > 0)
                continue
            if skipped:
                skipped = False       # only the tail of a skipped element is page text
            elif tag in BLOCK_TAGS:
                self._flush()
                first, end = open_blocks.pop(), len(self.blocks)
                for block in self.blocks[len(cumulative) - 1:]:
                    cumulative.append(cumulative[-1] + block.weight)
                if end > first:
                    self.containers.append((cumulative[end] - cumulative[first], first, end))
            elif tag == "a":
                link_depth -= 1
            self._add(el.tail, link_depth > 0)
        self._flush()


def main_text(tree: lxml_html.HtmlElement, html: str) -> str:
    """The article's text, one paragraph per line, without navigation, comments and footers."""
    collector = _BlockCollector()
    collector.collect(tree)
    if not collector.containers:
        return ""
    _, first, end = max(collector.containers, key=lambda c: c[0])
    blocks = [b for b in collector.blocks[first:end] if not b.is_links]
    blocks = _first_post(blocks)
    blocks = _trim_edge(blocks)
    blocks = _trim_edge(blocks[::-1])[::-1]
    return "\n".join(b.text for b in blocks)


def _first_post(blocks: list[Block]) -> list[Block]:
    """A thread or a blog page holds several posts, each with a time-stamp line: keep the first post."""
    stamps = [i for i, b in enumerate(blocks) if b.is_post_stamp]
    if len(stamps) < 2:
        return blocks
    for i in stamps:
        if any(b.weight >= SHORT_LINE for b in blocks[:i]):
            return blocks[:i]
    return blocks


def _trim_edge(blocks: list[Block]) -> list[Block]:
    """Drop the title/date/furniture lines that open `blocks`, unless they run long (then they are a table)."""
    run = 0
    while run < len(blocks) and blocks[run].is_edge_furniture:
        run += 1
    if sum(b.chars for b in blocks[:run]) > MAX_EDGE_CHARS:
        return blocks
    return blocks[run:]
