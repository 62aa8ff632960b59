"""Segmentation: Chinese tokens (jieba + a guaranteed governance lexicon) and English tokens.

How a Chinese text becomes tokens:
1. Lexicon spans are protected first. A record's own author keywords are protected wherever they occur;
   then an Aho-Corasick automaton finds the lexicon's terms leftmost-longest, and a match is kept as ONE
   token unless it is part of a longer dictionary word there (`城市` inside `城市化`, `治理` inside
   `综合治理`: not a whole word). jieba's frequencies and HMM never see protected spans, so they cannot
   split them (plain jieba splits 党建引领, 五社联动, 村改居; even after `add_word` of every keyword it
   still splits 5% of the CSL author keywords, see BENCHMARKS.md).
2. The text between protected spans is cut by jieba's algorithm with HMM off. The engine is `rjieba`
   (jieba in Rust, ~12x faster); tests/test_segment.py proves its tokens identical to `jieba.lcut(...,
   HMM=False)` on the 2,000 CSL abstracts, and pure-Python jieba stays available (`engine="jieba"`).
3. Stopwords (stopwords/*.txt), whitespace, punctuation and number-only tokens are dropped.

The dictionary is loaded once per process: engines are module-level singletons, and `get_segmenter`
caches Segmenters by their settings.
"""
from __future__ import annotations

import array
import bisect
import functools
import hashlib
import itertools
import json
import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple
from pathlib import Path

from ahocorasick_rs import AhoCorasick, MatchKind

from pipeline.normalize import normalize_text
from pipeline.parallel import Workers, line_ranges, read_lines
from pipeline.record import Record, iter_records

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
DEFAULT_LEXICON = REPO / "corpus" / "lexicon.txt"
STOPWORDS_DIR = REPO / "stopwords"
# Always-on lists, and the academic boilerplate list that `academic_stopwords` switches.
BASE_STOPWORD_FILES = ("zh_function.txt", "furniture.txt", "en.txt")
ACADEMIC_STOPWORD_FILE = "academic.txt"
# Part-of-speech tags kept by the optional POS filter (nouns of every kind, verbs, verbal nouns).
POS_KEEP = ("n", "v", "vn")
# Bump when a change here changes tokens: the build cache then re-segments everything.
SEGMENTER_VERSION = "1"

_SPACE = re.compile(r"\s")
_EN_WORD = re.compile(r"[a-zà-öø-ÿ]+(?:-[a-zà-öø-ÿ]+)*")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# A dictionary word that extends a lexicon match by up to this many characters makes it "not whole".
_MAX_EXTENSION = 3


# ---------------------------------------------------------------------------------------------- #
# Word lists
# ---------------------------------------------------------------------------------------------- #

def read_word_list(path: Path) -> list[str]:
    """Words separated by whitespace (one or more a line); `#` starts a comment."""
    words = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        words.extend(line.split("#", 1)[0].split())
    return words


def read_lexicon(path: Path) -> list[tuple[str, str | None]]:
    """jieba userdict format: `term [freq] [pos]` per line, `#` comments. Returns (term, pos) pairs.

    The frequency is accepted for compatibility but not needed: protection does not depend on it."""
    entries = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        pos = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], pos))
    return entries


@functools.lru_cache(maxsize=4)
def load_stopwords(academic: bool = True) -> frozenset[str]:
    files = BASE_STOPWORD_FILES + ((ACADEMIC_STOPWORD_FILE,) if academic else ())
    return frozenset(w.lower() for name in files for w in read_word_list(STOPWORDS_DIR / name))


def stopwords_version(academic: bool = True) -> str:
    files = BASE_STOPWORD_FILES + ((ACADEMIC_STOPWORD_FILE,) if academic else ())
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (STOPWORDS_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


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


class Segmenter:
    """Tokenizer for one lexicon and stopword setting. Build it once and reuse it (see get_segmenter)."""

    def __init__(
        self,
        lexicon: str | Path | None = DEFAULT_LEXICON,
        extra_terms: Iterable[str] = (),
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
        candidates.extend(extra_terms)
        self.terms, self.rejected = self._accept(candidates)
        # Aho-Corasick (in Rust): every occurrence of every term in one pass, whatever the lexicon size.
        self._matcher = AhoCorasick(self.terms, matchkind=MatchKind.Standard) if self.terms else None
        self._keep_memo: dict[str, bool] = {}
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
            term = normalize_text(raw.strip())
            reason = rejection_reason(term, self.stopwords)
            if reason:
                rejected[term] = reason
            else:
                accepted.add(term)
        if rejected:
            examples = ", ".join(f"{t!r} ({r})" for t, r in sorted(rejected.items())[:8])
            log.warning("lexicon: %d term(s) too generic to protect, ignored: %s%s",
                        len(rejected), examples, " …" if len(rejected) > 8 else "")
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
            if end is not None and self._is_whole(text, start, end):
                yield start, end
                pos = end

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

    def segment_record(self, record: Record) -> tuple[list[str], list[str]]:
        zh = self.tokens_zh(record_text_zh(record), own_terms=record.keywords_zh)
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


# ---------------------------------------------------------------------------------------------- #
# English plural folding
# ---------------------------------------------------------------------------------------------- #

# Words that end in -s but are not plurals, beyond what the rules in _fold_one already keep
# (-ss, -us, -is, -ous, words of up to three letters).
_NOT_PLURAL = frozenset("""
politics economics ethics statistics dynamics physics mathematics logistics mechanics linguistics
semantics genetics informatics geopolitics demographics electronics aesthetics athletics econometrics
news series species means lens always perhaps towards afterwards whereas does yes
""".split())
_IRREGULAR = {
    "analyses": "analysis", "bases": "basis", "crises": "crisis", "theses": "thesis",
    "hypotheses": "hypothesis", "syntheses": "synthesis", "diagnoses": "diagnosis",
    "women": "woman", "men": "man", "children": "child", "criteria": "criterion", "phenomena": "phenomenon",
}


def fold_plural(word: str) -> str:
    """communities → community, approaches → approach, governances → governance; politics, analysis,
    status stay. For hyphenated terms the last part is folded (co-governances → co-governance)."""
    head, sep, last = word.rpartition("-")
    return head + sep + _fold_one(last)


def _fold_one(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or word in _NOT_PLURAL or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    return word[:-1]


# ---------------------------------------------------------------------------------------------- #
# Cached construction and the notebook function
# ---------------------------------------------------------------------------------------------- #

@functools.lru_cache(maxsize=8)
def _cached_segmenter(lexicon: str | None, lexicon_digest: str, extra_terms: tuple[str, ...],
                      options: tuple[tuple[str, object], ...]) -> Segmenter:
    return Segmenter(lexicon=lexicon, extra_terms=extra_terms, **dict(options))


def get_segmenter(lexicon: str | Path | None = DEFAULT_LEXICON, extra_terms: Iterable[str] = (),
                  **options) -> Segmenter:
    """A Segmenter for these settings, built once per process (the lexicon file's content is part of
    the cache key, so an edited lexicon is picked up)."""
    digest = hashlib.sha256(Path(lexicon).read_bytes()).hexdigest() if lexicon is not None else ""
    return _cached_segmenter(str(lexicon) if lexicon is not None else None, digest,
                             tuple(sorted(set(extra_terms))), tuple(sorted(options.items())))


def segment_texts(texts: Iterable[str], **kw) -> list[list[str]]:
    """Chinese tokens for each text, as the build makes them (notebook helper). Keyword arguments
    are Segmenter's (lexicon, extra_terms, keep_stopwords, academic_stopwords, pos_filter)."""
    segmenter = get_segmenter(**kw)
    return [segmenter.tokens_zh(normalize_text(text)) for text in texts]


# ---------------------------------------------------------------------------------------------- #
# Build integration: tokens.parquet, incremental, in Parquet partitions
# ---------------------------------------------------------------------------------------------- #

DOCUMENTS_FILE = "documents.jsonl"
TOKENS_FILE = "tokens.parquet"
# Beside the build's ingest cache: rows (id, key) in the order of tokens.parquet, so that a record
# whose key is unchanged takes its tokens from the previous tokens.parquet.
TOKEN_CACHE_FILE = Path("cache") / "tokens.parquet"
# What the workers build their Segmenter from (lexicon, corpus keywords, options).
SEGMENTER_SPEC_FILE = Path("cache") / "segmenter.json"
# Both Parquet files carry the digest of every (id, key) in their metadata: equal digests prove that
# they come from the same run (a build killed between the two replacements is not trusted).
FINGERPRINT = b"pipeline.tokens.fingerprint"
# Documents are segmented in partitions of about this many bytes of documents.jsonl; each partition is
# one row group of tokens.parquet. Fixed (not tied to the worker count) so the output is too.
PART_BYTES = 1 << 19


@dataclass
class TokenStats:
    documents: int = 0
    segmented: int = 0  # segmented in this run
    reused: int = 0  # taken from the previous run (text and relevant lexicon terms unchanged)
    lexicon_terms: int = 0
    rejected_terms: int = 0
    written: bool = False  # False when nothing changed: the files were left untouched

    def report(self) -> str:
        return (f"tokens: {self.documents} documents ({self.segmented} segmented, {self.reused} from cache); "
                f"lexicon {self.lexicon_terms} terms, {self.rejected_terms} rejected as too generic")


@dataclass(frozen=True)
class _Part:
    """One partition's task: which lines of documents.jsonl (a byte range), and where to write."""
    number: int
    documents: Path
    offset: int
    size: int
    spec: Path
    spec_digest: str
    build_dir: Path
    parts_dir: Path
    previous: bytes | None  # fingerprint of the previous tokens.parquet and keys, when they are trustworthy


def _cache_key(segmenter: Segmenter, record: Record) -> str:
    """What a record's tokens depend on: its text fields, the lexicon terms that occur in them, and
    the segmenter's version (stopword lists, options). Adding a keyword to the corpus so re-segments
    exactly the documents that contain it; a stopword change re-segments everything."""
    fields = [record.title_zh, record.abstract_zh, record.keywords_zh, record.body,
              record.title_en, record.abstract_en, record.keywords_en]
    payload = json.dumps([segmenter.version, fields, segmenter.terms_in(record_text_zh(record))], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


# Columns of a partition, and which of them each written file keeps.
PART_COLUMNS = ("id", "key", "tokens_zh", "tokens_en")
FILE_COLUMNS = {TOKENS_FILE: ("id", "tokens_zh", "tokens_en"), TOKEN_CACHE_FILE: ("id", "key")}


def _part_schema(columns: Iterable[str] = PART_COLUMNS):
    import pyarrow as pa

    types = {"id": pa.string(), "key": pa.string(), "tokens_zh": pa.list_(pa.string()),
             "tokens_en": pa.list_(pa.string())}
    return pa.schema([(name, types[name]) for name in columns])


def _fingerprint_of(path: Path) -> bytes | None:
    import pyarrow.parquet as pq

    try:
        return (pq.read_metadata(path).metadata or {}).get(FINGERPRINT)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # a damaged file only costs re-segmentation
        log.warning("%s: unreadable token cache, re-segmenting (%s)", path, exc)
        return None


def _write_spec(build_dir: Path, lexicon_path: Path | None, keywords: list[str], options: dict) -> tuple[Path, str]:
    """The segmenter's settings as a file the workers read (a task then carries only its path)."""
    lexicon_digest = hashlib.sha256(Path(lexicon_path).read_bytes()).hexdigest() if lexicon_path else ""
    spec = {"version": SEGMENTER_VERSION, "lexicon": str(lexicon_path) if lexicon_path else None,
            "lexicon_sha256": lexicon_digest, "keywords": keywords, "options": options}
    data = json.dumps(spec, ensure_ascii=False, sort_keys=True).encode()
    path = build_dir / SEGMENTER_SPEC_FILE
    if not path.exists() or path.read_bytes() != data:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return path, hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=2)
def _segmenter_from_spec(path: Path, digest: str) -> Segmenter:
    """Once per worker process and spec (the digest makes an edited spec a new cache entry)."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    return get_segmenter(spec["lexicon"], spec["keywords"], **spec["options"])


@functools.lru_cache(maxsize=1)
def _previous_files(build_dir: Path, fingerprint: bytes):
    """The previous run's key and token files, opened once per worker process (not once per partition:
    their footers grow with the corpus), and the first and last id of each row group."""
    import pyarrow.parquet as pq

    keys, tokens = pq.ParquetFile(build_dir / TOKEN_CACHE_FILE), pq.ParquetFile(build_dir / TOKENS_FILE)
    ranges = [keys.metadata.row_group(i).column(0).statistics for i in range(keys.num_row_groups)]
    return keys, tokens, [r.min for r in ranges], [r.max for r in ranges]


def _previous_rows(build_dir: Path, fingerprint: bytes, first: str, last: str) -> dict[str, tuple[str, list, list]]:
    """id → (key, tokens_zh, tokens_en) of the previous run, for the ids between first and last. Both
    files have the same row groups (written together, as their equal fingerprints prove), sorted by id."""
    keys, tokens, lows, highs = _previous_files(build_dir, fingerprint)
    groups = list(range(bisect.bisect_left(highs, first), bisect.bisect_right(lows, last)))
    old = keys.read_row_groups(groups).to_pydict()
    old_tokens = tokens.read_row_groups(groups, columns=["tokens_zh", "tokens_en"]).to_pydict()
    return dict(zip(old["id"], zip(old["key"], old_tokens["tokens_zh"], old_tokens["tokens_en"])))


class _PartResult(NamedTuple):
    path: Path  # the partition's Parquet file (id, key, tokens_zh, tokens_en)
    documents: int
    segmented: int
    digest: str  # of its ids and keys


def _segment_part(part: _Part) -> _PartResult:
    """Segment one partition into a Parquet file in parts_dir."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    segmenter = _segmenter_from_spec(part.spec, part.spec_digest)
    lines = read_lines(part.documents, part.offset, part.size)
    records = [Record.from_dict(json.loads(line)) for line in lines if line.strip()]
    previous = _previous_rows(part.build_dir, part.previous, records[0].id, records[-1].id) \
        if part.previous and records else {}
    columns: dict[str, list] = {name: [] for name in PART_COLUMNS}
    digest = hashlib.sha256()
    segmented = 0
    for record in records:
        key = _cache_key(segmenter, record)
        old = previous.get(record.id)
        if old is not None and old[0] == key:
            zh, en = old[1], old[2]
        else:
            zh, en = segmenter.segment_record(record)
            segmented += 1
        for name, value in zip(columns, (record.id, key, zh, en)):
            columns[name].append(value)
        digest.update(f"{record.id}\0{key}\n".encode())
    table = pa.Table.from_arrays([_string_array(columns["id"]), _string_array(columns["key"]),
                                  _string_list_array(columns["tokens_zh"]), _string_list_array(columns["tokens_en"])],
                                 schema=_part_schema())
    path = part.parts_dir / f"{part.number:08d}.parquet"
    pq.write_table(table, path, compression="none")  # read back once, by the parent
    return _PartResult(path, len(records), segmented, digest.hexdigest())


def _string_array(values: list[str]):
    """An Arrow string array made from its buffers. (pa.array would import pandas, to check whether the
    values are a pandas object: 0.2 s in every worker process.)"""
    import pyarrow as pa

    encoded = [value.encode() for value in values]
    offsets = array.array("i", itertools.accumulate(map(len, encoded), initial=0))
    return pa.StringArray.from_buffers(len(values), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)))


def _string_list_array(rows: list[list[str]]):
    import pyarrow as pa

    offsets = array.array("i", itertools.accumulate(map(len, rows), initial=0))
    return pa.ListArray.from_arrays(pa.Array.from_buffers(pa.int32(), len(offsets), [None, pa.py_buffer(offsets)]),
                                    _string_array([token for row in rows for token in row]))


class _TokenFiles:
    """tokens.parquet and the key cache, written under temporary names from the partitions (one row
    group each, appended in order as they arrive); `commit` moves both into place."""

    def __init__(self, build_dir: Path):
        import pyarrow.parquet as pq

        self.columns = {build_dir / name: columns for name, columns in FILE_COLUMNS.items()}
        self.temporary = {path: path.with_name(f".{path.name}.tmp") for path in self.columns}
        self.writers = {path: pq.ParquetWriter(self.temporary[path], _part_schema(columns), compression="zstd")
                        for path, columns in self.columns.items()}

    def append(self, part: Path) -> None:
        import pyarrow.parquet as pq

        table = pq.ParquetFile(part).read()  # (read_table would load pyarrow.dataset, and pandas with it)
        for path, writer in self.writers.items():
            writer.write_table(table.select(self.columns[path]))
        part.unlink()

    def commit(self, fingerprint: bytes) -> None:
        for writer in self.writers.values():
            writer.add_key_value_metadata({FINGERPRINT: fingerprint})
            writer.close()
        for path, tmp in self.temporary.items():
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, path)

    def discard(self) -> None:
        for writer in self.writers.values():
            if writer.is_open:
                writer.close()
        for tmp in self.temporary.values():
            tmp.unlink(missing_ok=True)


def write_tokens(records: Iterable[Record] | None, build_dir: Path, lexicon_path: Path | None = DEFAULT_LEXICON,
                 jobs: int = 1, keywords: Iterable[str] | None = None, workers=None, **options) -> TokenStats:
    """Segment the records into build_dir/tokens.parquet (id, tokens_zh, tokens_en; sorted by id).

    `records=None` streams the build's documents.jsonl (sorted by id). The lexicon is `lexicon_path`
    plus the corpus's author keywords (`keywords`: the build gives those of every ingested record,
    duplicates merged away included; read from the records when not given). Partitions
    of the documents are segmented by `workers` (a parallel.Workers; by default `jobs` local
    processes), each written as a Parquet file, then concatenated: memory stays bounded. A record whose
    cache key (_cache_key) is unchanged reuses its previous tokens; when nothing changed at all, no
    file is written. The output is byte-identical for the same input, whatever the worker count."""
    build_dir = Path(build_dir).resolve()  # tasks carry paths: a Dask worker may run elsewhere
    cache_dir = build_dir / TOKEN_CACHE_FILE.parent
    cache_dir.mkdir(parents=True, exist_ok=True)
    parts_dir = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".tokens-parts."))
    own_workers = workers is None
    workers = workers or Workers(jobs)
    files = None
    try:
        documents = build_dir / DOCUMENTS_FILE
        if records is not None:  # written like the build's documents.jsonl: the workers read lines of it
            documents = parts_dir / DOCUMENTS_FILE
            documents.write_bytes(b"".join((r.to_json() + "\n").encode() for r in sorted(records, key=lambda r: r.id)))
        elif not documents.exists():
            raise FileNotFoundError(f"{documents}: no documents to segment")
        if keywords is None:
            keywords = _corpus_keywords(documents)
        spec, spec_digest = _write_spec(build_dir, lexicon_path, sorted(set(keywords)), options)
        previous = _fingerprint_of(build_dir / TOKENS_FILE)
        reuse = previous is not None and previous == _fingerprint_of(build_dir / TOKEN_CACHE_FILE)
        # Built here, before local workers are forked, so that they inherit it (see parallel.Workers).
        segmenter = _segmenter_from_spec(spec, spec_digest)
        stats = TokenStats(lexicon_terms=len(segmenter.terms), rejected_terms=len(segmenter.rejected))

        files = _TokenFiles(build_dir)
        tasks = (_Part(n, documents, offset, size, spec, spec_digest, build_dir, parts_dir,
                       previous if reuse else None)
                 for n, (offset, size) in enumerate(line_ranges(documents, PART_BYTES)))
        fingerprint = hashlib.sha256()
        for result in workers.map(_segment_part, tasks):
            files.append(result.path)
            stats.documents += result.documents
            stats.segmented += result.segmented
            fingerprint.update(result.digest.encode())
        stats.reused = stats.documents - stats.segmented
        fingerprint = fingerprint.hexdigest().encode()
        if not (reuse and previous == fingerprint):
            files.commit(fingerprint)
            stats.written = True
    finally:
        if files is not None:
            files.discard()
        if own_workers:
            workers.close()
        shutil.rmtree(parts_dir, ignore_errors=True)
    return stats


def corpus_segmenter(corpus_dir: Path, **options) -> Segmenter:
    """The build's segmenter for a built corpus: the lexicon plus the author keywords the build
    protected (its segmenter settings file; else those of its documents.jsonl; else none)."""
    spec, documents = Path(corpus_dir) / SEGMENTER_SPEC_FILE, Path(corpus_dir) / DOCUMENTS_FILE
    if spec.exists():  # the build's keywords include those of duplicates merged away
        keywords = set(json.loads(spec.read_text(encoding="utf-8"))["keywords"])
    else:
        keywords = _corpus_keywords(documents) if documents.exists() else set()
    return get_segmenter(DEFAULT_LEXICON, sorted(keywords), **options)


def _corpus_keywords(documents: Path) -> set[str]:
    """Every author keyword (Chinese) of the records in a documents.jsonl."""
    return {k for record in iter_records(documents) for k in record.keywords_zh}
