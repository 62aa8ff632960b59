"""Cleaning: remove injected SEO spam and site furniture from pages, used by every ingester.

Spam (黑链, 蜘蛛池 footers, hijacked titles) is found by a general detector, not by known strings:
a lexicon of spam n-grams (data/spam_terms.txt: strong, weak and neutral terms, compiled into trie-shaped
regexes) combined with structure: spam comes as many short items between separators (`,` `|` `，` ▋ …)
with few sentence marks, and spam vocabulary covers much of each item. Site furniture is a list of
whole-line regexes (data/boilerplate.txt). Every pass is linear in the text length.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from functools import cache
from importlib.resources import files
from itertools import accumulate
from typing import NamedTuple
from urllib.parse import urlsplit

from lxml import html
from opencc import OpenCC

from pipeline.text.normalize import HAN
from pipeline.ingest.page import CANONICAL_URL_XPATHS

DATA = files("pipeline.ingest") / "data"
TERM_WEIGHTS = {"strong": 1.0, "weak": 0.4, "neutral": 0.0}
# A host on a top-level domain that spam farms favour (seo8.vip) is weak evidence on its own.
SPAM_TLD = re.compile(r"\.(?:vip|VIP|xyz|top|bet|icu|buzz|club|win)(?![A-Za-z0-9])")
HOST_NAME_END = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z0-9][A-Za-z0-9-]{0,30}$")
SPAM_DOMAIN_WEIGHT = 0.5

# Item separators of spam lists: punctuation, bars, the decorative blocks of SEO titles, line breaks.
SEPARATOR_CHARS = r"_\-－–,，|｜、;；:：\s▋█▌▍▎▏◆◇■□●○★☆▲▼△▽▷◁▶◀◢◣┄━─—『』「」【】〖〗｛｝{}<>＜＞()（）→←/?？"
ITEM = re.compile(f"[^{SEPARATOR_CHARS}]+")
SEPARATOR = re.compile(f"[{SEPARATOR_CHARS}]")
# Parts of a page title: "real title_site", "spam list - real title"; a comma list stays one part.
TITLE_PART = re.compile(r"[^_|｜\-－–—]+")
MAX_TITLE_PARTS = 64
CJK = re.compile(f"[{HAN}]")
SENTENCE_MARKS = re.compile(r"[。！？!]|\.(?=\s|$|[\u4e00-\u9fff])")  # CSL abstracts end sentences with "."

# Decision thresholds, calibrated on CSL titles/abstracts and hand-cleaned web pages (no spam) against
# seed 003, real spam titles and synthetic lists (see tests/test_clean.py).
ITEM_WEIGHT_CAP = 2.0      # one item cannot carry a whole list
MIN_EVIDENCE = 1.5         # below this total weight a text is never spam (one strong term is not enough)
DENSITY_FULL = 0.8         # weighted share of characters covered by spam terms that scores 1.0
LIST_MEAN_FULL = 0.7       # mean item weight of a list that scores 1.0
LIST_MIN_ITEMS = 3
LIST_MAX_ITEM_LEN = 24     # mean characters per item of a list
SPAM_THRESHOLD = 0.5
SHORT_LINE = 60            # a spam-adjacent line this short, with a spam term and no sentence, is spam too


class Lexicon(NamedTuple):
    patterns: tuple[re.Pattern, ...]  # the terms as trie-shaped alternations
    weights: dict[str, float]         # weight of each lower-case term


@cache
def _lexicon() -> Lexicon:
    """The spam lexicon of data/spam_terms.txt, with the traditional form of every term."""
    weights: dict[str, float] = {}
    weight = TERM_WEIGHTS["strong"]
    for line in (DATA / "spam_terms.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            weight = TERM_WEIGHTS[line[1:-1]]
            continue
        weights.setdefault(line.lower(), weight)
    # Mirror sites serve traditional characters, and cleaning runs before the t2s conversion.
    to_traditional = OpenCC("s2t").convert
    for term, weight in list(weights.items()):
        weights.setdefault(to_traditional(term), weight)
    # Speed: the regex engine skips ahead to the possible first characters of a pure-literal alternation.
    # re.IGNORECASE turns that off (7x slower), and so do Latin first letters on script-heavy pages, so
    # terms are spelled in their usual cases (av, AV, Av) and those starting with a Latin letter or a digit
    # get their own regex.
    spellings = {form for term in weights for form in (term, term.upper(), term.capitalize())}
    latin = {form for form in spellings if form[0].isascii()}
    patterns = (re.compile(_trie_pattern(spellings - latin)), re.compile(_trie_pattern(latin)))
    return Lexicon(patterns, weights)


def _trie_pattern(words) -> str:
    """A regex alternation of `words` arranged as a prefix trie: one branch per next character, so
    matching costs about the same for 1,000 terms as for one. Longer terms win (greedy)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        alternation = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{alternation})?" if "" in node else alternation

    return build(trie)


def _matches(text: str) -> list[tuple[int, int, float]]:
    """(start, end, weight) of the spam terms and spam-farm domains in text: in order, not overlapping."""
    lexicon = _lexicon()
    found = [(m.start(), m.end(), lexicon.weights[m.group().lower()])
             for pattern in lexicon.patterns for m in pattern.finditer(text)]
    found += _spam_domains(text)
    found.sort(key=lambda match: (match[0], -match[1]))  # the longer of two at one place wins
    matches, end = [], 0
    for match in found:
        if match[0] >= end:
            matches.append(match)
            end = match[1]
    return matches


def _spam_domains(text: str) -> list[tuple[int, int, float]]:
    """Host names on spam-farm top-level domains, found from the (rare, literal) TLD backwards."""
    found = []
    for tld in SPAM_TLD.finditer(text):
        window = max(0, tld.start() - 31)
        if host := HOST_NAME_END.search(text, window, tld.start()):
            found.append((host.start(), tld.end(), SPAM_DOMAIN_WEIGHT))
    return found


def _has_term(text: str) -> bool:
    return any(pattern.search(text) for pattern in _lexicon().patterns) or bool(_spam_domains(text))


def _item_weights(text: str, matches: list[tuple[int, int, float]]) -> list[float]:
    """The summed term weight of each item that holds spam terms (items without terms are left out):
    consecutive matches belong to one item when no separator stands between them."""
    weights, previous_end = [], None
    for start, end, weight in matches:
        if previous_end is not None and not SEPARATOR.search(text, previous_end, start):
            weights[-1] += weight
        else:
            weights.append(weight)
        previous_end = end
    return weights


def spam_score(text: str) -> float:
    """How much `text` looks like injected spam, from 0 (ordinary text) to 1.

    Two views, the higher wins: the weighted share of characters covered by spam terms, and, when the text
    is a list (several short items between separators, few sentence marks), the mean spam weight per item.
    Texts whose total spam weight is below MIN_EVIDENCE (say, one mention of 博彩 in a paper on gambling
    law), or that have only weak terms (日本, 推广 repeated in an abstract), stay below the threshold
    whatever their shape."""
    matches = _matches(text)
    total = sum(weight for _, _, weight in matches)
    if total == 0:
        return 0.0
    lengths = [len(item) for item in ITEM.findall(text) if not item.isdigit()]  # years are not items
    content = sum(lengths)
    density = sum(weight * (end - start) for start, end, weight in matches) / content
    score = min(1.0, density / DENSITY_FULL)
    is_list = (len(lengths) >= LIST_MIN_ITEMS and content / len(lengths) <= LIST_MAX_ITEM_LEN
               and len(SENTENCE_MARKS.findall(text)) * 4 <= len(lengths))
    if is_list:
        capped = sum(min(weight, ITEM_WEIGHT_CAP) for weight in _item_weights(text, matches))
        score = max(score, min(1.0, capped / len(lengths) / LIST_MEAN_FULL))
    if total < MIN_EVIDENCE or not any(weight >= TERM_WEIGHTS["strong"] for _, _, weight in matches):
        score = min(score, SPAM_THRESHOLD * 0.9)
    return round(score, 4)


def is_spam_text(text: str) -> bool:
    return spam_score(text) >= SPAM_THRESHOLD


def _strong_evidence(text: str) -> bool:
    """A strong spam term or a spam-farm domain somewhere in text."""
    return any(weight >= SPAM_DOMAIN_WEIGHT for _, _, weight in _matches(text))


def strip_spam(text: str) -> tuple[str, int]:
    """Remove visible spam blocks (lines or runs of lines) from page text.

    Returns the cleaned text and the number of blocks removed. A block is a run of spam lines with only blank
    lines between them; blank lines inside and right after a removed block go with it. Lines of the article
    are sentences or short headings without spam terms, so they stay."""
    matches = _matches(text)  # one pass over the whole text; only lines with spam terms are looked at
    if not matches:
        return text, 0
    lines = text.split("\n")
    line_starts = list(accumulate((len(line) + 1 for line in lines[:-1]), initial=0))
    with_terms = {bisect_right(line_starts, start) - 1 for start, _, _ in matches}
    spam = [False] * len(lines)
    for i in with_terms:
        spam[i] = is_spam_text(lines[i])
    if not any(spam):
        return text, 0
    # Spread to neighbouring short lines with spam terms and no sentence (one title per line lists).
    suspect = {i for i in with_terms if len(lines[i]) <= SHORT_LINE and not SENTENCE_MARKS.search(lines[i])}
    content_rows = [i for i, line in enumerate(lines) if line.strip()]
    for order in (content_rows, content_rows[::-1]):
        previous_spam = False
        for i in order:
            spam[i] = spam[i] or (previous_spam and i in suspect)
            previous_spam = spam[i]
    kept, blocks = [], 0
    in_block = False
    for line, is_spam in zip(lines, spam):
        if is_spam:
            blocks += not in_block
            in_block = True
        elif line.strip():
            in_block = False
            kept.append(line)
        elif not in_block:
            kept.append(line)
    return "\n".join(kept), blocks


def clean_title(title: str | None) -> str | None:
    """A page title or meta-keywords string without hijacking spam.

    Hijackers put a spam list before or after the real title, joined by a title separator (`_`, `|`, ` - `):
    the title is cut into parts at those separators (a comma list stays one part), and the longest run of
    parts at the start, or at the end, that is spam and begins and ends on parts holding spam terms goes.
    A title that is spam throughout gives None."""
    if title is None:
        return None
    parts = list(TITLE_PART.finditer(title))
    if len(parts) > MAX_TITLE_PARTS:  # no real title has this many parts; judge the whole
        return None if is_spam_text(title) else title.strip()
    has_term = [_has_term(part.group()) for part in parts]
    start, stop = 0, len(parts)
    if parts and has_term[0]:
        start = max((k for k in range(1, len(parts) + 1)
                     if has_term[k - 1] and is_spam_text(title[:parts[k - 1].end()])), default=0)
    if start < len(parts) and has_term[-1]:
        stop = min((k for k in range(start, len(parts))
                    if has_term[k] and is_spam_text(title[parts[k].start():])), default=len(parts))
    if start >= stop:
        return None
    left = parts[start].start() if start > 0 else 0
    right = parts[stop - 1].end() if stop < len(parts) else len(title)
    return title[left:right].strip() or None


# A tag in brackets before a title: `[诗婷露雅化妆品]江门七旬阿婆…`, `【资讯汇总】9月26日…`.
TITLE_TAG = re.compile(r"^\s*[\[【〔](?P<tag>[^\]】〕]{1,30})[\]】〕]\s*(?=\S)")


def strip_title_tag(title: str | None, hidden_texts: list[str]) -> str | None:
    """A title without a bracketed tag that is injected SEO: one the page's hidden text also lists, or one
    made of spam terms. A column tag the page shows (`【资讯汇总】`) stays."""
    m = TITLE_TAG.match(title or "")
    if not m:
        return title
    tag = m.group("tag").strip()
    listed = any(tag in ITEM.findall(text) for text in hidden_texts)
    return title[m.end():] if listed or is_spam_text(tag) else title


# ---- site furniture ----

@cache
def _boilerplate() -> re.Pattern:
    """The furniture regexes of data/boilerplate.txt as one alternation matched against whole lines."""
    patterns = [line for line in (DATA / "boilerplate.txt").read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def is_furniture(line: str) -> bool:
    """Whether a line is wholly site furniture (a button, a share bar, a copyright line)."""
    return bool(line.strip()) and _boilerplate().fullmatch(line.strip()) is not None


def strip_boilerplate(lines: list[str]) -> tuple[list[str], int]:
    """Drop lines that are wholly site furniture; return the kept lines and how many were dropped."""
    kept = [line for line in lines if not is_furniture(line)]
    return kept, len(lines) - len(kept)


# ---- hidden elements ----

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
                  if not is_spam and links and _strong_evidence(text + " " + " ".join(links))]
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
