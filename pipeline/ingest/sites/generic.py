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

from pipeline.ingest.fields import parse_date
from pipeline.ingest.page import BLOCK_TAGS, Page
from pipeline.record import Record

KIND = "generic"
HOSTS: tuple[str, ...] = ()

# Elements whose text is never main text.
SKIPPED_TAGS = {"script", "style", "noscript", "iframe", "select", "option", "textarea", "button", "input",
                "head", "title", "meta", "link", "svg", "canvas", "object", "embed", "map", "template",
                "nav", "footer", "aside"}
# class/id words of page furniture that carries prose-like text (comments, copyright notices).
FURNITURE_NAME_WORDS = {"comment", "comments", "reply", "replies", "pinglun", "footer", "foot", "copyright",
                        "share", "shared", "sharing", "related", "recommend", "sidebar", "nav", "navbar", "navbox",
                        "breadcrumb", "breadcrumbs", "ad", "ads", "advert", "login"}
# ... unless the name also says content: ifeng's article sits in class="js_img_share_area" id="artical_real".
CONTENT_NAME_WORDS = {"article", "artical", "content", "main", "text", "body", "detail", "entry", "story"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
NAME_WORDS = re.compile(r"[a-z]+")
NEVER_SKIPPED = {"html", "body", "main", "article"}

SENTENCE_PUNCT = re.compile(r"[，。！？；：、“”]|[,.;:!?](?=\s)")
SENTENCE_END = re.compile(r"[。！？…”」』）)!?.]$")
# Lines of site furniture: copyright, licences, share buttons, editor credits, prev/next links.
FURNITURE_LINE = re.compile(
    r"版权所有|copyright|©|(?-i:ICP)|备案号|许可证|违法和不良信息|举报电话|分享到|责任编辑|责编|编辑[:：]|"
    r"来源[:：]|上一篇|下一篇|上篇|下篇|相关(报道|新闻|阅读|文章|推荐)|扫码|二维码|公众号|打印本文|关闭窗口|返回顶部|"
    r"评论\s*[(（]\d|阅读数?\s*[(（]?\d|收藏|字号|举报|发布(时间)?[:：]|点击[:：]|浏览[:：]|继续关注|欢迎关注|^#.+#|"
    r"未经.{0,6}(授权|许可)|转载|侵权|电话[:：]|传真|邮编|地址[:：]|校对[:：]|更多\s*[+>》]|>>\s*$",
    re.I)
POST_STAMP = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*\d{1,2}[:：]\d{2}")
LINK_HEAVY = 0.4        # link characters / characters above which a block is navigation
LINK_PENALTY = 0.5      # weight per link-line character, relative to a prose character
MAX_EDGE_CHARS = 300    # a longer run of such lines is content (a table), not furniture
# A notice that closes many articles (copyright, disclaimer): it and all after it are furniture.
CLOSING_NOTICE = re.compile(r"^[（(【\[]?\s*(郑\s*重\s*|特\s*别\s*|版\s*权\s*|免\s*责\s*)?声\s*明|^反侵权|"
                            r"^(相关|推荐|延伸|热门|更多)\s*[·•]?\s*(阅读|新闻|推荐|报道|文章)\s*[:：]?$")
CLOSING_SHARE = 0.4     # ... when what follows it is at most this share of the text
PROSE_CHARS = 50        # a block with this many prose characters is a paragraph, not a title
SHORT_LINE = 25         # edge lines shorter than this without a sentence end are titles, dates, labels


@dataclass
class Block:
    text: str
    chars: int        # non-whitespace characters
    link_chars: int   # of which inside <a>
    punct: int        # sentence punctuation marks
    heading: bool     # inside <h1>..<h6>

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
    def is_prose(self) -> bool:
        return self.weight >= PROSE_CHARS

    def is_edge_furniture(self, page_title: str) -> bool:
        """A title, date, byline or furniture line, dropped when it sits at the article's edge."""
        if self.heading or FURNITURE_LINE.search(self.text):
            return self.chars < 200
        if self.chars >= 4 and "".join(self.text.split()) in page_title:
            return True
        return self.chars < SHORT_LINE and not SENTENCE_END.search(self.text)


def _count_chars(text: str) -> int:
    return len(text) - sum(text.count(ch) for ch in " \n\t")


def _is_furniture_element(el: etree._Element, tag: str) -> bool:
    if tag in NEVER_SKIPPED:
        return False
    words = set(NAME_WORDS.findall(f"{el.get('class') or ''} {el.get('id') or ''}".lower()))
    return not words.isdisjoint(FURNITURE_NAME_WORDS) and words.isdisjoint(CONTENT_NAME_WORDS)


class _BlockCollector:
    """Cuts a tree into blocks, remembering each block-level element's range of blocks and weight."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.containers: list[tuple[float, int, int]] = []  # (weight, first block, end block)
        self._parts: list[str] = []
        self._link_chars = 0
        self._heading_depth = 0

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
            self.blocks.append(Block(text, chars, min(link_chars, chars), len(SENTENCE_PUNCT.findall(text)),
                                     self._heading_depth > 0))

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
                    self._heading_depth += tag in HEADING_TAGS
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
                self._heading_depth -= tag in HEADING_TAGS
            elif tag == "a":
                link_depth -= 1
            self._add(el.tail, link_depth > 0)
        self._flush()


def main_text(tree: lxml_html.HtmlElement) -> str:
    """The article's text, one paragraph per line, without navigation, comments and footers.

    An empty string means the page has no prose (a link hub, a page whose text is loaded by script).
    """
    collector = _BlockCollector()
    collector.collect(tree)
    # Containers are listed inner before outer, so among equal weights the tightest one wins.
    weight, first, end = max(collector.containers, key=lambda c: c[0], default=(0.0, 0, 0))
    if weight <= 0:
        return ""
    blocks = [b for b in collector.blocks[first:end] if not b.is_links]
    blocks = _first_post(blocks)
    blocks = _cut_closing_notice(blocks)
    page_title = "".join(" ".join(tree.xpath("//title//text() | //meta[@property='og:title']/@content")).split())
    blocks = _trim_edge(blocks, page_title)
    blocks = _trim_edge(blocks[::-1], page_title)[::-1]
    return "\n".join(b.text for b in blocks)


def _first_post(blocks: list[Block]) -> list[Block]:
    """A thread or a blog page holds several posts, each with a time-stamp line: keep the first post."""
    stamps = [i for i, b in enumerate(blocks) if b.is_post_stamp]
    if len(stamps) < 2:
        return blocks
    # Stamps follow their posts when a paragraph comes before the first one, else they head them. The
    # first post ends at the next stamp after some text (a repeated dateline above an article is no post).
    start = 0 if any(b.is_prose for b in blocks[:stamps[0]]) else stamps[0]
    for stamp in stamps:
        if any(b.weight > 0 and not b.is_post_stamp for b in blocks[start:stamp]):
            return blocks[:stamp]
    return blocks


def _cut_closing_notice(blocks: list[Block]) -> list[Block]:
    """Cut at the first closing notice (disclaimer, "related reading") in the last part of the text."""
    total = sum(b.chars for b in blocks)
    tail, cut = 0, len(blocks)
    for i in range(len(blocks) - 1, 0, -1):
        tail += blocks[i].chars
        if tail > CLOSING_SHARE * total:
            break
        if CLOSING_NOTICE.search(blocks[i].text):
            cut = i
    return blocks[:cut]


def _trim_edge(blocks: list[Block], page_title: str) -> list[Block]:
    """Drop the title/date/furniture lines that open `blocks`, unless they run long (then they are a table)."""
    run = 0
    while run < len(blocks) and blocks[run].is_edge_furniture(page_title):
        run += 1
    if sum(b.chars for b in blocks[:run]) > MAX_EDGE_CHARS:
        return blocks
    return blocks[run:]


# Meta tags that carry the publication date or the author, in order of trust.
DATE_META = ("article:published_time", "og:release_date", "publishdate", "pubdate", "publish_date",
             "publish-date", "publishtime", "dc.date.issued", "dc.date", "citation_publication_date",
             "citation_date", "date")
AUTHOR_META = ("author", "article:author", "citation_author", "dc.creator")
# Separators between an article title and the site name in <title>: "标题_新浪网", "标题 - 中国知网".
TITLE_SEPARATOR = re.compile(r"\s*[_|｜»]\s*|\s*::\s*|\s+[-—–]+\s+|\s*--+\s*|\s*-(?=[^-]{2,10}$)")
BYLINE = re.compile(r"(?:(?:作者|撰稿|文)\s*[:：/]|记者\s*[:：\s])\s*([\u4e00-\u9fff·]{2,4}(?:、[\u4e00-\u9fff·]{2,4})*)")
# A meta author that is a site, a URL or a list of keywords is not a person.
NOT_A_PERSON = re.compile(r"[.,，/@]|https?|www|team", re.I)
BODY_TEXT = etree.XPath(".//text()[not(parent::script or parent::style)]")
NEAR_TITLE_CHARS = 300      # a date or byline this close after the title belongs to the article


def page_metadata(tree: lxml_html.HtmlElement) -> dict:
    """Best-effort title, date (ISO YYYY-MM-DD or None) and author (or None) of a page."""
    meta = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        if key and key not in meta and (el.get("content") or "").strip():
            meta[key] = el.get("content").strip()
    title = _page_title(tree, meta)
    body_text = _body_text(tree)
    at = body_text.find(title) if title else -1
    # The dateline and the byline follow the title.
    after_title = body_text[at + len(title):at + len(title) + NEAR_TITLE_CHARS] if at >= 0 else ""
    date = next((d for d in (parse_date(meta.get(k)) for k in DATE_META) if d), None) or parse_date(after_title)
    if date is None and (stamp := POST_STAMP.search(body_text)):
        date = parse_date(stamp.group())
    author = next((meta[k] for k in AUTHOR_META if k in meta and not NOT_A_PERSON.search(meta[k])), None)
    if author is None and (m := BYLINE.search(after_title)):
        author = m.group(1)
    return {"title": title, "date": date, "author": author}


def _page_title(tree: lxml_html.HtmlElement, meta: dict) -> str | None:
    def clean(text: str | None) -> str:
        return " ".join((text or "").split())
    head_title = clean(tree.findtext(".//title"))
    headings = [clean(h.text_content()) for h in tree.iter("h1", "h2")]
    og_title = clean(meta.get("og:title"))
    if _is_truncation(og_title, [head_title, *headings]):
        og_title = ""
    for candidate in (og_title, head_title):
        parts = [p for p in TITLE_SEPARATOR.split(candidate) if p]
        if parts:
            title = max(parts[:2], key=len)
            # A heading that the title repeats is the article title without the site's decorations.
            return next((h for h in headings if h in title and len(h) >= 0.6 * len(title)), title)
    return next((h for h in headings if h), None)


def _is_truncation(title: str, others: list[str]) -> bool:
    """A meta title cut short by an unescaped quote in its attribute (`content="…龙湖集团"暗伤"曝露？"`): another
    title of the page starts with it and goes on with more of the title, not with a site-name separator."""
    return bool(title) and any(
        other.startswith(title) and len(other) > len(title) and not TITLE_SEPARATOR.match(other[len(title):])
        for other in others)


def _body_text(tree: lxml_html.HtmlElement) -> str:
    body = tree.find("body")
    return " ".join(" ".join(BODY_TEXT(body)).split()) if body is not None else ""


def looks_like(page: Page) -> bool:
    return True


def extract(page: Page) -> Record:
    rec = Record(source_kind=KIND)
    if page.is_html:
        info = page_metadata(page.tree)
        rec.title_zh = info["title"]
        rec.date = info["date"]
        rec.authors = [info["author"]] if info["author"] else []
        rec.body = main_text(page.tree)
    else:
        lines = page.lines
        rec.title_zh = lines[0] if lines else None
        rec.body = "\n".join(lines[1:])
    return rec
