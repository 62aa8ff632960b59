"""Injected SEO spam (黑链, 蜘蛛池 footers, hijacked titles), found by a general detector, not by known strings:
a lexicon of spam n-grams (data/spam_terms.txt: strong, weak and neutral terms, compiled into trie-shaped
regexes) combined with structure: spam comes as many short items between separators (`,` `|` `，` ▋ …)
with few sentence marks, and spam vocabulary covers much of each item. Linear in the text length.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from importlib.resources import files
from itertools import accumulate
from typing import NamedTuple

from opencc import OpenCC

from pipeline.text.normalize import HAN

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
# seed 003, real spam titles and synthetic lists (see tests/ingest/test_clean.py).
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


def has_strong_evidence(text: str) -> bool:
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
