"""Hidden elements: what a page hides from readers (inline styles, simple CSS rules, zero sizes) is removed
before extraction, unless it is the article itself revealed by a script."""
from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from lxml import html

from pipeline.ingest.clean.spam import CJK, SENTENCE_MARKS, has_strong_evidence, is_spam_text
from pipeline.ingest.page import CANONICAL_URL_XPATHS

# Inline-style declarations that hide an element (matched on the lower-cased style without spaces).
HIDING_DECLARATION = re.compile(
    r"(?:^|;)(?:display:none|visibility:hidden|opacity:0*\.?0+(?=;|$|!)"
    r"|(?:left|top|right|bottom|margin-left|margin-top|text-indent):-(?:\d{4,}|[5-9]\d\d)(?![\d.]*%)"
    r"|clip:rect\((?:0|1px))")
# font-size:0 also closes the gaps between inline-block boxes of layout containers; it hides text only
# when the element holds nothing but inline text (spam <span>s and <a> lists).
ZERO_FONT = re.compile(r"(?:^|;)font-size:(?:0*\.?0+[a-z%]*|1px|0?\.\d+px)(?=;|$|!)")
INLINE_TAGS = {"a", "span", "font", "b", "i", "em", "strong", "u", "s", "small", "big", "sup", "sub", "br",
               "img", "label", "abbr", "cite", "code", "q"}
ZERO_SIZE = re.compile(r"(?:^|;)(?:width|height|max-width|max-height):0(?:px)?(?=;|$|!)")
OVERFLOW_HIDDEN = re.compile(r"(?:^|;)overflow:hidden")
# Elements other code reads values from (CNKI keeps its full abstract in a hidden <input>), and the
# document skeleton: never removed, and moved out of a hidden element before it goes.
READABLE_TAGS = ("input", "script", "style", "template", "meta", "link", "title")
READABLE = "|".join(f".//{tag}" for tag in READABLE_TAGS)
KEEP_TAGS = {*READABLE_TAGS, "html", "head", "body"}
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
BRACE = re.compile(r"[{}]")
# Rules whose selectors are only names, tags and commas (no `:hover`, `>`, `[attr]`): the only ones read.
CSS_SIMPLE_RULE = re.compile(r"(?:\A|(?<=\}))([\w.#\s,-]+)\{([^{}]*)\}")
SIMPLE_SELECTOR = re.compile(r"([a-z][a-z0-9]*)?([.#])([\w-]+)", re.I)
ARTICLE_MIN_CHARS = 200    # a hidden element with this much prose is content revealed by a script


HIDDEN, ZERO_FONT_SIZE = "hidden", "zero font size"


def _hiding(style: str) -> str | None:
    """HIDDEN when a style (inline, or a CSS rule's declarations) hides what it applies to, ZERO_FONT_SIZE
    when it hides only inline text, else None."""
    style = "".join(style.split()).lower()
    if HIDING_DECLARATION.search(style) or (ZERO_SIZE.search(style) and OVERFLOW_HIDDEN.search(style)):
        return HIDDEN
    return ZERO_FONT_SIZE if ZERO_FONT.search(style) else None


def _inline_only(element) -> bool:
    return all(not isinstance(child.tag, str) or child.tag in INLINE_TAGS
               for child in element.iterdescendants())


def _hidden_selectors(tree) -> dict[tuple[str, str | None, str], str]:
    """{(".", tag or None, class) or ("#", tag or None, id): how it hides} for the page's own <style> rules.

    Only top-level rules with simple selectors (`.xk`, `#x`, `div.xk`) count; rules inside @media and
    rules with pseudo-classes or combinators hide things only sometimes."""
    rules = {}
    for style in tree.iter("style"):
        css = _drop_at_blocks(CSS_COMMENT.sub("", style.text or ""))
        for selectors, declarations in CSS_SIMPLE_RULE.findall(css):
            kind = _hiding(declarations)
            if kind is None:
                continue
            for selector in selectors.split(","):
                m = SIMPLE_SELECTOR.fullmatch(selector.strip())
                if m:
                    rules[(m.group(2), m.group(1).lower() if m.group(1) else None, m.group(3))] = kind
    return rules


def _drop_at_blocks(css: str) -> str:
    """CSS without its @media/@supports/… blocks (nested braces) and @import-style statements."""
    out, i = [], 0
    while (at := css.find("@", i)) != -1:
        out.append(css[i:at])
        brace, semicolon = css.find("{", at), css.find(";", at)
        if brace == -1 or (semicolon != -1 and semicolon < brace):  # @import …; @charset …;
            i = semicolon + 1 if semicolon != -1 else len(css)
            continue
        depth, i = 0, len(css)
        for m in BRACE.finditer(css, brace):
            depth += 1 if m.group() == "{" else -1
            if depth == 0:
                i = m.end()
                break
    out.append(css[i:])
    return "".join(out)


def _site(host: str) -> str:
    """The registrable part of a host, roughly: news.sina.com.cn → sina.com.cn."""
    labels = host.lower().split(".")
    keep = 3 if len(labels) > 2 and labels[-2] in {"com", "net", "org", "gov", "edu", "ac"} else 2
    return ".".join(labels[-keep:])


def _host(url: str) -> str | None:
    try:
        return urlsplit(url.strip()).hostname
    except ValueError:  # malformed URL, e.g. an unclosed IPv6 bracket
        return None


def _page_site(tree) -> str | None:
    """The page's own site: from canonical/og:url/base, else the most linked-to site."""
    for xpath in (*CANONICAL_URL_XPATHS, "//base/@href"):
        for url in tree.xpath(xpath):
            if host := _host(url):
                return _site(host)
    sites = Counter(_site(host) for href in tree.xpath("//a/@href") if (host := _host(href)))
    return sites.most_common(1)[0][0] if sites else None


def _has_outbound_link(links: list[str], page_site: str | None) -> bool:
    return any((host := _host(href)) and _site(host) != page_site for href in links)


def _looks_like_article(text: str) -> bool:
    return len(CJK.findall(text)) >= ARTICLE_MIN_CHARS and len(SENTENCE_MARKS.findall(text)) >= 3


def remove_hidden(tree: html.HtmlElement, hidden_texts: list[str] | None = None) -> int:
    """Remove, in place, elements a reader never sees: hidden by inline style, by the `hidden` attribute,
    by a class/id rule of the page's own <style>, and <marquee> blocks.

    Hidden elements holding a real article (long prose, no spam: pages that reveal content by script) stay.
    Returns how many removed elements were spam blocks: spam-looking text, or links to other sites with a
    strong spam term in their text or a spam-farm domain. Other hidden outbound links (analytics badges,
    menus of a portal's sister sites, share buttons) are removed but are not spam. The text of every removed
    element is appended to `hidden_texts` when given (a title tag listed there was injected too)."""
    rules = _hidden_selectors(tree)
    candidates = _candidates(tree, rules)
    hidden = [element for element in candidates
              if element.tag not in KEEP_TAGS and _is_hidden(element, rules)]
    hidden_set = set(hidden)
    hidden_elements = [element for element in hidden
                       if not any(ancestor in hidden_set for ancestor in element.iterancestors())]
    removed = []  # (text, links) of each removed element
    for element in hidden_elements:
        text = "\n".join(element.itertext())  # tag edges separate items: <a>spam</a><a>spam</a>
        if _looks_like_article(text) and not is_spam_text(text):
            continue
        removed.append((text, element.xpath(".//@href")))
        if hidden_texts is not None:
            hidden_texts.append(text)
        _move_out_readable(element)
        element.drop_tree()
    spam = [is_spam_text(text) for text, _ in removed]
    spam_links = [links for (text, links), is_spam in zip(removed, spam)
                  if not is_spam and links and has_strong_evidence(text + " " + " ".join(links))]
    if spam_links:
        page_site = _page_site(tree)  # from what remains visible
        spam += [_has_outbound_link(links, page_site) for links in spam_links]
    return sum(spam)


def _move_out_readable(element) -> None:
    """Put the <input>, <script>, … inside a hidden element just before it (without their tail text)."""
    for child in element.xpath(READABLE):  # document order: a <template> before the <input> inside it
        outer = next(a for a in child.iterancestors() if a is element or a.tag in READABLE_TAGS)
        if outer is element:
            child.tail = None
            element.addprevious(child)


def _candidates(tree, rules: dict) -> list:
    """The elements that may be hidden: styled, `hidden`, <marquee>, or named by a hiding rule.
    XPath (in C) picks them, so most of a page's elements are never looked at in Python."""
    candidates = tree.xpath("//*[@style or @hidden]|//marquee")
    if rules:
        classes = {name for mark, _, name in rules if mark == "."}
        ids = {name for mark, _, name in rules if mark == "#"}
        candidates += [element for element in tree.xpath("//*[@class or @id]")
                       if element.get("id") in ids or not classes.isdisjoint((element.get("class") or "").split())]
    return list(dict.fromkeys(candidates))  # without duplicates


def _is_hidden(element, rules: dict) -> bool:
    tag = element.tag
    if tag == "marquee" or element.get("hidden") is not None:
        return True
    kinds = set()
    if style := element.get("style"):
        kinds.add(_hiding(style))
    if rules:
        names = [(".", name) for name in (element.get("class") or "").split()]
        names += [("#", element.get("id"))] if element.get("id") else []
        kinds.update(rules.get((mark, t, name)) for mark, name in names for t in (None, tag))
    return HIDDEN in kinds or (ZERO_FONT_SIZE in kinds and _inline_only(element))
