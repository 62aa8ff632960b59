"""Segmentation: Chinese tokens (jieba + a guaranteed governance lexicon) and English tokens.

How a Chinese text becomes tokens:
1. Lexicon spans are protected first. A record's own author keywords are protected wherever they occur;
   then an Aho-Corasick automaton finds the lexicon's terms (the curated lexicon, the mined field lexicon
   data/field_lexicon.txt, the corpus's keywords and mined corpus terms) leftmost-longest, and a match is kept as ONE
   token unless it is part of a longer dictionary word there (`城市` inside `城市化`, `治理` inside
   `综合治理`: not a whole word). jieba's frequencies and HMM never see protected spans, so they cannot
   split them (plain jieba splits 党建引领, 五社联动, 村改居; even after `add_word` of every keyword it
   still splits 5% of the CSL author keywords, see BENCHMARKS.md).
2. The text between protected spans is cut by jieba's algorithm with HMM off. The engine is `rjieba`
   (jieba in Rust, ~12x faster); tests/text/test_segment.py proves its tokens identical to `jieba.lcut(...,
   HMM=False)` on the 2,000 CSL abstracts, and pure-Python jieba stays available (`engine="jieba"`).
3. Stopwords (stopwords/*.txt), whitespace, punctuation and number-only tokens are dropped.

The dictionary is loaded once per process: engines are module-level singletons, and `get_segmenter`
caches Segmenters by their settings.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from ahocorasick_rs import AhoCorasick, MatchKind

from pipeline.text.normalize import normalize_text
from pipeline.text.english import fold_plural
from pipeline.text.wordlists import (DEFAULT_LEXICON, FIELD_LEXICON, load_stopwords, read_lexicon,
                                     research_framing, stopwords_version)
from pipeline.versions import code_version
from pipeline.record import Record

log = logging.getLogger(__name__)

# Part-of-speech tags kept by the optional POS filter (nouns of every kind, verbs, verbal nouns).
POS_KEEP = ("n", "v", "vn")
# The segmentation code and stopword lists (not the lexicon: a lexicon change re-segments only the
# records whose terms it touches): a change re-segments everything.
SEGMENTER_VERSION = code_version("pipeline.text.segment",
                                 exclude=("lexicon.txt", "field_lexicon.txt", "single_character_terms.txt",
                                          "framing.txt"))

_SPACE = re.compile(r"\s")
_EN_WORD = re.compile(r"[a-zà-öø-ÿ]+(?:-[a-zà-öø-ÿ]+)*")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# A dictionary word that extends a lexicon match by up to this many characters makes it "not whole".
_MAX_EXTENSION = 3


# ---------------------------------------------------------------------------------------------- #
# Engines (loaded once per process)
# ---------------------------------------------------------------------------------------------- #

class _Engine:
    """jieba's default dictionary and algorithm with HMM off: `cut(text)` and `has_word(word)`."""

    def __init__(self, name: str):
        self.name = name
        if name == "rjieba":
            import rjieba  # loads its dictionary once, at import

            self.cut = functools.partial(rjieba.cut, hmm=False)
            self.has_word = rjieba.has_word
        elif name == "jieba":
            import jieba

            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            freq = tokenizer.FREQ
            self.cut = functools.partial(tokenizer.lcut, HMM=False)
            self.has_word = lambda word: freq.get(word, 0) > 0
        else:
            raise ValueError(f"unknown segmentation engine {name!r} (use 'rjieba' or 'jieba')")


@functools.lru_cache(maxsize=None)
def get_engine(name: str = "rjieba") -> _Engine:
    return _Engine(name)


@functools.lru_cache(maxsize=1)
def _posseg():
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    return jieba.posseg.POSTokenizer(jieba.Tokenizer())


# ---------------------------------------------------------------------------------------------- #
# Lexicon protection
# ---------------------------------------------------------------------------------------------- #

def _has_letter(text: str) -> bool:
    """A letter of any script (Han characters included); digits, Ⅱ, ① and punctuation are not."""
    return any(ch.isalpha() for ch in text)


def rejection_reason(term: str, stopwords: frozenset[str]) -> str | None:
    """Why a term is too generic to protect (None when it is fine)."""
    if len(term) < 2:
        return "single character"
    if _SPACE.search(term):
        return "contains whitespace"
    if not _has_letter(term):
        return "no letters (number or punctuation)"
    if term.lower() in stopwords:
        return "stopword"
    return None


_WARNED: set[str] = set()  # warnings about rejected lexicon terms given in this process


class Segmenter:
    """Tokenizer for one lexicon and stopword setting. Build it once and reuse it (see get_segmenter)."""

    def __init__(
        self,
        lexicon: str | Path | None = DEFAULT_LEXICON,
        extra_terms: Iterable[str] = (),
        field_lexicon: str | Path | None = FIELD_LEXICON,
        keep_stopwords: bool = False,
        academic_stopwords: bool = True,
        pos_filter: bool = False,
        engine: str = "rjieba",
    ):
        self.keep_stopwords = keep_stopwords
        self.pos_filter = pos_filter
        self.stopwords = load_stopwords(academic_stopwords)
        self._engine = get_engine(engine)
        self.pos: dict[str, str] = {}  # POS given in the lexicon file, for the POS filter
        candidates: list[str] = []
        if lexicon is not None:
            for term, pos in read_lexicon(Path(lexicon)):
                candidates.append(term)
                if pos:
                    self.pos[normalize_text(term)] = pos
        # The curated terms: a field-lexicon term never cuts one of them (see _cuts_curated).
        self.curated = frozenset(normalize_text(term) for term in candidates)
        self._curated_length = max(map(len, self.curated), default=0)
        if field_lexicon is not None:   # mined terms of the field (bench/field_lexicon.py), beside the curated
            candidates.extend(term for term, _ in read_lexicon(Path(field_lexicon)))
        # Other records' keywords that are research framing (问题研究) would cut titles everywhere.
        extra_terms = list(extra_terms)
        framing = research_framing()
        lengths = {len(word) for word in framing}
        framed = {term for term in extra_terms if any(len(term) > n and term[-n:] in framing for n in lengths)}
        candidates.extend(term for term in extra_terms if term not in framed)
        self.terms, self.rejected = self._accept(candidates)
        self.rejected.update(dict.fromkeys(framed, "research framing (protected in its own record only)"))
        # Aho-Corasick (in Rust): every occurrence of every term in one pass, whatever the lexicon size.
        self._matcher = AhoCorasick(self.terms, matchkind=MatchKind.Standard) if self.terms else None
        self._keep_memo: dict[str, bool] = {}
        self._last_cut: tuple[str | None, set[int]] = (None, set())
        self._last_scan: tuple[str | None, dict[int, list[int]]] = (None, {})
        # What tokens depend on besides the text and the lexicon terms in it (see write_tokens).
        self.version = hashlib.sha256(json.dumps(
            [SEGMENTER_VERSION, stopwords_version(academic_stopwords), keep_stopwords, pos_filter,
             sorted(self.pos.items()) if pos_filter else []], ensure_ascii=False).encode()
        ).hexdigest()[:16]

    def accepted(self, terms: Iterable[str]) -> list[str]:
        """The terms that are not too generic to protect (sorted, unique; no warning). Not normalized:
        a record's keywords are matched against the record's own text, normalized alike or not."""
        return sorted({t for t in terms if rejection_reason(t, self.stopwords) is None})

    def _accept(self, candidates: Iterable[str]) -> tuple[tuple[str, ...], dict[str, str]]:
        accepted: set[str] = set()
        rejected: dict[str, str] = {}
        for raw in candidates:
            term, reason = _judged(raw, self.stopwords)
            if reason:
                rejected[term] = reason
            else:
                accepted.add(term)
        if rejected:
            examples = ", ".join(f"{t!r} ({r})" for t, r in sorted(rejected.items())[:8])
            message = (f"lexicon: {len(rejected)} term(s) too generic to protect, ignored: {examples}"
                       f"{' …' if len(rejected) > 8 else ''}")
            if message not in _WARNED:  # the build makes two segmenters of mostly the same terms: said once
                _WARNED.add(message)
                log.warning(message)
        return tuple(sorted(accepted)), rejected

    # -- Chinese ----------------------------------------------------------------------------- #

    @staticmethod
    def _ascii_whole(text: str, start: int, end: int) -> bool:
        """False when the match is part of a longer run of ASCII letters/digits (CSR in CSRC)."""
        if text[start] in _ASCII_ALNUM and start > 0 and text[start - 1] in _ASCII_ALNUM:
            return False
        return not (text[end - 1] in _ASCII_ALNUM and end < len(text) and text[end] in _ASCII_ALNUM)

    def _is_whole(self, text: str, start: int, end: int) -> bool:
        """False when the match is part of a longer dictionary word here (城市 in 城市化, 治理 in
        综合治理) or of a longer ASCII run."""
        if not self._ascii_whole(text, start, end):
            return False
        has_word = self._engine.has_word
        for k in range(1, _MAX_EXTENSION + 1):
            if end + k <= len(text) and has_word(text[start:end + k]):
                return False
            if start - k >= 0 and has_word(text[start - k:end]):
                return False
        return True

    def protected_spans(self, text: str, own_terms: Iterable[str] = ()) -> list[tuple[int, int]]:
        """(start, end) of the lexicon terms that come out as single tokens.

        `own_terms` (a record's author keywords) go first: the author said the paper is about them, so
        they are protected wherever they occur (only ASCII runs are not cut). The lexicon then protects
        its terms leftmost-longest in the rest, where they are whole words."""
        spans = self._own_spans(text, self.accepted(own_terms))
        ends = self._ends_by_start(text)
        if not ends:
            return spans
        starts = sorted(ends)
        merged: list[tuple[int, int]] = []
        gap_start = 0
        for start, end in [*spans, (len(text), len(text))]:
            merged.extend(self._scan(text, ends, starts, gap_start, start))
            merged.append((start, end))
            gap_start = end
        merged.pop()  # the sentinel
        return merged

    def _own_spans(self, text: str, own: list[str]) -> list[tuple[int, int]]:
        """Non-overlapping occurrences of the author keywords. Where two keywords overlap (行业结构 /
        结构优化 in 行业结构优化) only one can be a token there, so first every keyword gets one
        occurrence if it can (rarest, then longest first), then the remaining occurrences are taken
        longest first."""
        occurrences = {term: [i for i in _find_all(text, term) if self._ascii_whole(text, i, i + len(term))]
                       for term in own}
        taken = bytearray(len(text))  # 1 where a chosen occurrence lies
        chosen: list[tuple[int, int]] = []

        def take(term: str, first_only: bool) -> None:
            for i in occurrences[term]:
                if taken.find(1, i, i + len(term)) < 0:
                    taken[i:i + len(term)] = b"\1" * len(term)
                    chosen.append((i, i + len(term)))
                    if first_only:
                        return

        for term in sorted(own, key=lambda t: (len(occurrences[t]), -len(t), t)):
            take(term, first_only=True)
        for term in sorted(own, key=lambda t: (-len(t), t)):
            take(term, first_only=False)
        return sorted(chosen)

    def _ends_by_start(self, text: str) -> dict[int, list[int]]:
        """Every lexicon occurrence in `text`: start → ends (overlapping occurrences included). The
        last text's result is kept: the build scans a record's text for its cache key, then segments it."""
        last_text, last_ends = self._last_scan  # one read: a thread of a Dask worker may replace it
        if last_text == text:
            return last_ends
        ends: dict[int, list[int]] = {}
        if self._matcher is not None:
            for _, start, end in self._matcher.find_matches_as_indexes(text, overlapping=True):
                ends.setdefault(start, []).append(end)
        self._last_scan = (text, ends)
        return ends

    def _scan(self, text: str, ends: dict[int, list[int]], starts: list[int], lo: int,
              hi: int) -> Iterator[tuple[int, int]]:
        """Leftmost-longest lexicon terms inside text[lo:hi] that are whole words there."""
        pos = lo
        for start in starts[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)]:
            if start < pos:
                continue
            end = max((e for e in ends[start] if e <= hi), default=None)
            if (end is not None and self._is_whole(text, start, end) and not self._cuts_curated(text, ends, start, end)
                    and not self._yields_to_dictionary(text, start, end)):
                yield start, end
                pos = end

    def _yields_to_dictionary(self, text: str, start: int, end: int) -> bool:
        """Whether the match text[start:end], not a curated term, would cut a word that jieba puts across
        one of its edges here (相关 and 学科 around 关学 in 相关学科, 东西方 under 西方美学 in 东西方美学):
        a mined or corpus term yields there; a curated term does not. jieba cuts the text once (the
        last text's cut is kept), only when such a match occurs in it."""
        if text[start:end] in self.curated:
            return False
        last_text, bounds = self._last_cut
        if last_text != text:
            bounds = {0, *itertools.accumulate(map(len, self._engine.cut(text)))}   # where jieba's tokens end
            self._last_cut = (text, bounds)
        return start not in bounds or end not in bounds

    def _cuts_curated(self, text: str, ends: dict[int, list[int]], start: int, end: int) -> bool:
        """Whether the match text[start:end], not itself a curated term, overlaps a curated term's
        occurrence partly (地缘政治 over 政治引领 in 地缘政治引领): the curated lexicon is authoritative, so
        that match is not taken there."""
        if text[start:end] in self.curated:
            return False
        for s in range(max(0, start - self._curated_length + 1), end):
            for e in ends.get(s, ()):
                if ((s < start < e < end) or (start < s < end < e)) and text[s:e] in self.curated:
                    return True
        return False

    def terms_in(self, text: str) -> list[str]:
        """The lexicon terms that occur in `text` (sorted, unique). A text's tokens depend on the
        lexicon only through these, which makes them a precise cache key."""
        return sorted({text[start:end] for start, ends in self._ends_by_start(text).items() for end in ends})

    def raw_tokens_zh(self, text: str, own_terms: Iterable[str] = ()) -> list[str]:
        """Every token, stopwords and punctuation included (protected spans whole)."""
        tokens: list[str] = []
        pos = 0
        cut = self._engine.cut
        for start, end in self.protected_spans(text, own_terms):
            if start > pos:
                tokens.extend(cut(text[pos:start]))
            tokens.append(text[start:end])
            pos = end
        if pos < len(text):
            tokens.extend(cut(text[pos:]))
        return tokens

    def parts(self, term: str) -> list[str]:
        """The tokens of a protected term without its own protection: the lexicon terms nested in it stay
        whole (乡村振兴 + 战略 from 乡村振兴战略), the rest is cut by jieba; stopwords and the like dropped.
        A term with nothing to split gives itself."""
        ends = self._ends_by_start(term)
        inner = {start: [e for e in es if (start, e) != (0, len(term))] for start, es in ends.items()}
        inner = {start: es for start, es in inner.items() if es}
        tokens, pos = [], 0
        for start, end in self._scan(term, inner, sorted(inner), 0, len(term)):
            tokens += self._engine.cut(term[pos:start]) + [term[start:end]]
            pos = end
        tokens += self._engine.cut(term[pos:]) if pos < len(term) else []
        return [t for t in tokens if self.keeps(t)] if len(tokens) > 1 else [term]

    def in_dictionary(self, word: str) -> bool:
        """Whether `word` is a word of the engine's (jieba's) dictionary."""
        return self._engine.has_word(word)

    def keeps(self, token: str) -> bool:
        """Whether a token survives filtering: has a letter, and is not a stopword (unless kept)."""
        kept = self._keep_memo.get(token)
        if kept is None:
            kept = _has_letter(token) and (self.keep_stopwords or token.lower() not in self.stopwords)
            self._keep_memo[token] = kept
        return kept

    def tokens_zh(self, text: str | None, own_terms: Iterable[str] = ()) -> list[str]:
        """Chinese tokens of `text`; `own_terms` are the record's author keywords (protected first)."""
        if not text:
            return []
        if self.pos_filter:
            return self._tokens_zh_pos(text, own_terms)
        return [t for t in self.raw_tokens_zh(text, own_terms) if self.keeps(t)]

    def _tokens_zh_pos(self, text: str, own_terms: Iterable[str]) -> list[str]:
        """Like tokens_zh, keeping only nouns, verbs and verbal nouns (protected terms count as nouns
        unless the lexicon gives a POS)."""
        posseg = _posseg()
        tokens: list[str] = []
        pos = 0

        def tagged_gap(gap: str) -> None:
            for pair in posseg.lcut(gap, HMM=False):
                if (pair.flag.startswith("n") or pair.flag in POS_KEEP) and self.keeps(pair.word):
                    tokens.append(pair.word)

        for start, end in self.protected_spans(text, own_terms):
            if start > pos:
                tagged_gap(text[pos:start])
            term = text[start:end]
            flag = self.pos.get(term, "n")
            if (flag.startswith("n") or flag in POS_KEEP) and self.keeps(term):
                tokens.append(term)
            pos = end
        if pos < len(text):
            tagged_gap(text[pos:])
        return tokens

    # -- English ------------------------------------------------------------------------------ #

    def tokens_en(self, text: str | None) -> list[str]:
        """Lowercase words of letters (hyphenated terms kept whole), stopwords dropped, plurals folded."""
        if not text:
            return []
        text = unicodedata.normalize("NFKC", text).lower()
        tokens = []
        for word in _EN_WORD.findall(text):
            if len(word) < 2 or (not self.keep_stopwords and word in self.stopwords):
                continue
            tokens.append(fold_plural(word))
        return tokens

    # -- Records -------------------------------------------------------------------------------- #

    def segment_record(self, record: Record, raw_zh: list[str] | None = None) -> tuple[list[str], list[str]]:
        """(Chinese, English) tokens of a record. `raw_zh`: its raw Chinese tokens when they are made
        already (raw_tokens_zh of its text and keywords, by a segmenter whose terms differ from this one's
        only in terms that do not occur in the text: the build's term mining)."""
        if raw_zh is None or self.pos_filter:
            zh = self.tokens_zh(record_text_zh(record), own_terms=record.keywords_zh)
        else:
            zh = [t for t in raw_zh if self.keeps(t)]
        return zh, self.tokens_en(record_text_en(record))


def _find_all(text: str, term: str) -> Iterator[int]:
    i = text.find(term)
    while i >= 0:
        yield i
        i = text.find(term, i + 1)


def record_text_zh(record: Record) -> str:
    """title, abstract, keywords, body joined by newlines. The abstract is left out when the body
    already contains it (abstract-only pages repeat it as the body), so it is not counted twice."""
    parts = [record.title_zh or ""]
    abstract = (record.abstract_zh or "").strip()
    if abstract and abstract not in (record.body or ""):
        parts.append(abstract)
    parts.extend(record.keywords_zh)
    parts.append(record.body or "")
    return "\n".join(p for p in parts if p)


def record_text_en(record: Record) -> str:
    return "\n".join(p for p in [record.title_en or "", record.abstract_en or "", *record.keywords_en] if p)


@functools.lru_cache(maxsize=1 << 18)
def _judged(raw: str, stopwords: frozenset[str]) -> tuple[str, str | None]:
    """A lexicon candidate normalized, and why it is too generic to protect (None: it is not). Remembered:
    the build makes two segmenters of mostly the same terms (for term mining, then with the mined terms)."""
    term = normalize_text(raw.strip())
    return term, rejection_reason(term, stopwords)


# ---------------------------------------------------------------------------------------------- #
# Cached construction and the notebook function
# ---------------------------------------------------------------------------------------------- #

def _digest(path: str | Path | None) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path is not None else ""


@functools.lru_cache(maxsize=8)
def _cached_segmenter(lexicon: str | None, field_lexicon: str | None, digests: tuple[str, str],
                      extra_terms: tuple[str, ...], options: tuple[tuple[str, object], ...]) -> Segmenter:
    return Segmenter(lexicon=lexicon, field_lexicon=field_lexicon, extra_terms=extra_terms, **dict(options))


def get_segmenter(lexicon: str | Path | None = DEFAULT_LEXICON, extra_terms: Iterable[str] = (),
                  field_lexicon: str | Path | None = FIELD_LEXICON, **options) -> Segmenter:
    """A Segmenter for these settings, built once per process (the lexicon files' contents are part of
    the cache key, so an edited lexicon is picked up)."""
    return _cached_segmenter(str(lexicon) if lexicon is not None else None,
                             str(field_lexicon) if field_lexicon is not None else None,
                             (_digest(lexicon), _digest(field_lexicon)),
                             tuple(sorted(set(extra_terms))), tuple(sorted(options.items())))


def segment_texts(texts: Iterable[str], **kw) -> list[list[str]]:
    """Chinese tokens for each text, as the build makes them (notebook helper). Keyword arguments
    are Segmenter's (lexicon, extra_terms, keep_stopwords, academic_stopwords, pos_filter)."""
    segmenter = get_segmenter(**kw)
    return [segmenter.tokens_zh(normalize_text(text)) for text in texts]
