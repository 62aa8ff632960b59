"""Statistical term mining: token sequences that behave like one word in a body of text.

A candidate is a run of 2–4 segmenter tokens (a stopword of two or more characters may be part of it:
获得 in 获得感) found in at least `min_docs` texts, shaped like a term, not a phrase of prose: it holds no
one-character function word (的, 与, 下: text is cut at them, so a term followed by one stands at a
boundary, 新常态 in 新常态下) except a prefix that begins it (多智能体, 自适应), does not begin with a
measure word after a number (例 of 120例患者), does not begin or end with another function word, academic
boilerplate or an edge word (我国…, 及其…, …研究, …条件; content nouns such as 数据 excepted: 大数据),
and has at least two Han characters and no digits. The word lists are data: data/term_rules.toml.

Its measures:
- cohesion: the pointwise mutual information of its weakest split (the two parts occur together far
  more often than chance; natural log);
- freedom: the entropy of the tokens to its left and to its right (nats), the smaller of the two. A
  fragment of a longer term (一带一 of 一带一路) is always followed by the same token: low entropy. A text
  boundary counts as a new neighbour each time.
It is kept on one of two bars (`accepts`):
- cohesive and free: `min_count` occurrences, PMI ≥ `min_pmi`, entropy ≥ `min_entropy` on both sides;
- rare but tight (循证医学, 遗产廊道 in 3 texts, too few for the entropy a free term shows): PMI ≥
  `min_pmi` + 1, and a different neighbour nearly every time on both sides (entropy ≥ 0.9 ln of its
  count, the most a count allows).
  (A third bar for frequent compounds of common words, 社会发展 and 文化生态 at PMI about 2.3, was tried
  and left out: 18 of a 50-term sample of what it added were fragments and modifiers, 看中国, 当代美国.)

These are the classic new-word measures (mutual information plus left/right branching entropy, e.g.
Jin & Tanaka-Ishii 2006, Huang & Powers). `mine_terms` returns Candidates with their scores, most
frequent first; the field lexicon script (bench/field_lexicon.py), the build's corpus terms and
`lexicon suggest` all use it.
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MAX_TOKENS = 4
_HAN = re.compile(r"[\u3400-\u9fff]")
_TERM_CHARS = re.compile(r"^[\u3400-\u9fffA-Za-z·]+$")


@dataclass(frozen=True)
class Candidate:
    term: str
    count: int           # occurrences
    docs: int            # texts it occurs in
    pmi: float           # weakest split's pointwise mutual information (nats)
    left_entropy: float  # of the preceding token (nats)
    right_entropy: float

    @property
    def score(self) -> float:
        """One number to sort by: cohesion × freedom × log frequency."""
        return round(self.pmi * min(self.left_entropy, self.right_entropy) * math.log(1 + self.count), 3)


def split_runs(tokens, keep) -> list[list[str]]:
    """Runs of consecutive tokens for which `keep(token)` is true; any other token ends a run."""
    runs, run = [], []
    for token in tokens:
        if keep(token):
            run.append(token)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _runs(tokens: list[str], rules: TermRules, memo: dict[str, bool]) -> list[list[str]]:
    """Runs of word tokens between punctuation, whitespace, numbers and one-character function words
    (的, 与, 下: a term does not contain them, and a term followed by one is at a boundary); a measure
    word right after a number is cut off too (例 of 120例). `memo` keeps each token's answer."""
    def keep(token: str) -> bool:
        kept = memo.get(token)
        if kept is None:
            kept = memo[token] = (token not in rules.breaks and any(ch.isalpha() for ch in token)
                                  and not any(ch.isdigit() for ch in token))
        return kept
    counted = [token if not (token in rules.measure_words and i and any(ch.isdigit() for ch in tokens[i - 1]))
               else "" for i, token in enumerate(tokens)]
    return split_runs(counted, keep)


@dataclass(frozen=True)
class TermRules:
    """What a term may not contain or begin/end with: the segmenter's stopwords, the academic boilerplate
    and data/term_rules.toml."""
    breaks: frozenset[str]         # one-character function words: never inside a term (they cut runs)
    prefixes: frozenset[str]       # one-character stopwords that may begin a term (多智能体)
    suffixes: frozenset[str]       # one-character words that may follow a stopword at the start (获得感)
    edges: frozenset[str]          # words a term does not begin or end with
    measure_words: frozenset[str]  # not a term's start after a number (例 of 120例)

    @classmethod
    def from_stopwords(cls, stopwords: frozenset[str], academic: frozenset[str] = frozenset()) -> TermRules:
        data = _rules_data()
        one = frozenset(w for w in stopwords if len(w) == 1)
        prefixes = one & data["prefixes"]
        edges = (frozenset(w for w in stopwords if len(w) > 1) | academic | data["edges"]) - data["content_nouns"]
        return cls(breaks=one - prefixes, prefixes=prefixes, suffixes=data["suffixes"], edges=edges | prefixes,
                   measure_words=data["measure_words"])

    def admits(self, gram: tuple[str, ...]) -> bool:
        """Whether a token sequence may be a term: no bad edge, and a prefix only as its first token."""
        if any(token in self.prefixes for token in gram[1:]) or any(token in self.breaks for token in gram):
            return False
        if gram[-1] in self.edges:
            return False
        if gram[0] in self.prefixes:
            return len(gram) > 1
        # A stopword may begin a word made with a one-character suffix (获得感: 获得 + 感).
        return gram[0] not in self.edges or (len(gram) == 2 and gram[1] in self.suffixes)


@functools.lru_cache(maxsize=1)
def _rules_data() -> dict[str, frozenset[str]]:
    """data/term_rules.toml: each key's words (read once per process; the build's workers ask per part)."""
    import tomllib

    from pipeline.text.wordlists import DATA

    return {key: frozenset(value.split()) for key, value in
            tomllib.loads((DATA / "term_rules.toml").read_text(encoding="utf-8")).items()}


def _entropy(counts: list[int], boundaries: int) -> float:
    """Of the neighbours seen `counts` times each (in the order they were first seen)."""
    total = sum(counts) + boundaries
    if total == 0:
        return 0.0
    h = -sum(n / total * math.log(n / total) for n in counts)
    return h + boundaries * (1 / total) * math.log(total)   # each boundary a neighbour seen once


def accepts(c: Candidate, min_count: int, min_pmi: float, min_entropy: float) -> bool:
    """The two bars of the module docstring."""
    freedom = min(c.left_entropy, c.right_entropy)
    return ((c.count >= min_count and c.pmi >= min_pmi and freedom >= min_entropy)
            or (c.pmi >= min_pmi + 1 and freedom >= 0.9 * math.log(c.count)))


@dataclass
class RunTable:
    """The runs of some texts as numbers, what mine_runs counts: each run's token ids preceded by EDGE, one
    EDGE at the end (`tokens`), the text of each position (`texts`), and the vocabulary (id → token).
    Small to send between processes, and counted with numpy."""
    vocabulary: list[str]
    tokens: np.ndarray  # int32
    texts: np.ndarray   # int32
    count: int          # texts

    EDGE = -1

    @classmethod
    def concat(cls, tables: Iterable[RunTable]) -> RunTable:
        """One table of the texts of several, in order (the build's workers make one a part)."""
        import numpy as np

        vocabulary: dict[str, int] = {}
        tokens, texts, count = [], [], 0
        for table in tables:
            ids = np.array([vocabulary.setdefault(w, len(vocabulary)) for w in table.vocabulary] + [cls.EDGE],
                           dtype=np.int32)
            tokens.append(ids[table.tokens[:-1]])   # (EDGE, -1, takes the last id: EDGE)
            texts.append(table.texts[:-1] + count)
            count += table.count
        tokens.append(np.array([cls.EDGE], dtype=np.int32))
        texts.append(np.array([max(count - 1, 0)], dtype=np.int32))
        return cls(list(vocabulary), np.concatenate(tokens), np.concatenate(texts), count)


def text_runs(token_lists: Iterable[list[str]], stopwords: frozenset[str],
              academic: frozenset[str] = frozenset()) -> RunTable:
    """The runs `mine_runs` counts, of each text given as raw tokens (the build makes them in its workers)."""
    import numpy as np

    rules = TermRules.from_stopwords(stopwords, academic)
    memo: dict[str, bool] = {}
    vocabulary: dict[str, int] = {}
    tokens: list[int] = []
    texts: list[int] = []
    count = 0
    for count, raw in enumerate(token_lists, start=1):
        for run in _runs(raw, rules, memo):
            tokens.append(RunTable.EDGE)
            tokens += [vocabulary.setdefault(token, len(vocabulary)) for token in run]
            texts += [count - 1] * (len(run) + 1)
    tokens.append(RunTable.EDGE)
    texts.append(max(count - 1, 0))
    return RunTable(list(vocabulary), np.array(tokens, dtype=np.int32), np.array(texts, dtype=np.int32), count)


def mine_terms(token_lists: Iterable[list[str]], stopwords: frozenset[str], academic: frozenset[str] = frozenset(),
               **limits) -> list[Candidate]:
    """Candidates mined from texts given as raw token lists (`Segmenter.raw_tokens_zh`: punctuation and
    stopwords included). `stopwords` are the segmenter's; `academic` the academic boilerplate words;
    `limits` those of mine_runs."""
    return mine_runs(text_runs(token_lists, stopwords, academic), stopwords, academic, **limits)


def mine_runs(table: RunTable, stopwords: frozenset[str], academic: frozenset[str] = frozenset(),
              min_count: int = 5, min_docs: int = 3, min_pmi: float = 3.0, min_entropy: float = 1.0,
              max_tokens: int = MAX_TOKENS) -> list[Candidate]:
    """mine_terms on the texts' runs (text_runs). Every n-gram of a run gets an id, one n at a time (an
    n-gram is its (n-1)-gram's id and its last token: integer keys for numpy), so the counting is done in
    numpy; Python sees only the n-grams frequent enough to matter."""
    import numpy as np

    rules = TermRules.from_stopwords(stopwords, academic)
    vocabulary, tokens, size = table.vocabulary, table.tokens.astype(np.int64), len(table.tokens)
    edges_before = np.cumsum(tokens == RunTable.EDGE)
    floor = min(min_count, min_docs)   # a rarer n-gram is no candidate, nor part of one
    total = int(np.count_nonzero(tokens != RunTable.EDGE))
    counts: dict[tuple[str, ...], int] = {}   # of the n-grams seen `floor` times or more
    levels = []   # per n: (start of each occurrence, its n-gram's id, first occurrence of each id, frequency)
    ids = None    # the id of the (n-1)-gram starting at each position

    def grams(n: int, starts, first, chosen) -> list[tuple[str, ...]]:
        at = starts[first[chosen]]
        rows = np.stack([tokens[at + k] for k in range(n)], axis=1).tolist()
        return [tuple(map(vocabulary.__getitem__, row)) for row in rows]

    for n in range(1, max_tokens + 1):
        starts = np.arange(1, size - n + 1)
        starts = starts[edges_before[starts + n - 1] == edges_before[starts - 1]]   # no EDGE inside
        if not len(starts):
            break
        keys = tokens[starts] if n == 1 else ids[starts] * (len(vocabulary) + 1) + tokens[starts + n - 1]
        _, first, inverse, frequency = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
        ids = np.full(size, -1, dtype=np.int64)
        ids[starts] = inverse
        levels.append((starts, inverse, first, frequency))
        frequent = np.flatnonzero(frequency >= floor)
        counts.update(zip(grams(n, starts, first, frequent), frequency[frequent].tolist()))
    candidates = {gram for gram in counts
                  if len(gram) > 1 and rules.admits(gram) and _TERM_CHARS.match("".join(gram))
                  and len(_HAN.findall("".join(gram))) >= 2 and "".join(gram).lower() not in stopwords}
    measures: dict[tuple[str, ...], tuple[int, float, float]] = {}   # docs, left and right entropy
    for n, (starts, inverse, first, frequency) in enumerate(levels[1:], start=2):
        frequent = np.flatnonzero(frequency >= floor)
        named = {g: gram for g, gram in zip(frequent.tolist(), grams(n, starts, first, frequent)) if gram in candidates}
        if not named:
            continue
        wanted = np.zeros(len(frequency), dtype=bool)
        wanted[list(named)] = True
        occurrences = np.flatnonzero(wanted[inverse])
        gram_of, at = inverse[occurrences], starts[occurrences]
        in_texts = np.unique(gram_of * (table.count + 1) + table.texts[at])   # (n-gram, text) once each
        texts_with = np.bincount(in_texts // (table.count + 1), minlength=len(frequency))
        sides = [_neighbours(gram_of, tokens[at - 1], len(vocabulary)),
                 _neighbours(gram_of, tokens[at + n], len(vocabulary))]
        for g, gram in named.items():
            (left, left_edges), (right, right_edges) = (side.get(g, ([], 0)) for side in sides)
            measures[gram] = (int(texts_with[g]), _entropy(left, left_edges), _entropy(right, right_edges))
    found: dict[str, Candidate] = {}
    for gram in sorted(candidates):  # (sorted: of two cuts of one string with one count, the same wins each time)
        docs, h_left, h_right = measures[gram]
        if docs < min_docs:
            continue
        pmi = min(math.log(counts[gram] * total / (counts[gram[:k]] * counts[gram[k:]])) for k in range(1, len(gram)))
        term = "".join(gram)
        candidate = Candidate(term, counts[gram], docs, round(pmi, 3), round(h_left, 3), round(h_right, 3))
        if not accepts(candidate, min_count, min_pmi, min_entropy):
            continue
        if term not in found or found[term].count < candidate.count:   # one string, two cuts: the commoner
            found[term] = candidate
    return sorted(found.values(), key=lambda c: (-c.count, c.term))


def _neighbours(gram_of, neighbour, vocabulary_size: int) -> dict[int, tuple[list[int], int]]:
    """n-gram id → (how often each neighbouring token was seen, in the order first seen; how often a run's
    edge was), from the n-gram id and the neighbour of each occurrence (in text order)."""
    import numpy as np

    pairs = gram_of * (vocabulary_size + 1) + (neighbour + 1)   # (EDGE, -1, becomes 0)
    unique, first, frequency = np.unique(pairs, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    out: dict[int, tuple[list[int], int]] = {}
    for pair, n in zip(unique[order].tolist(), frequency[order].tolist()):
        gram, token = divmod(pair, vocabulary_size + 1)
        seen, edges = out.get(gram, ([], 0))
        if token:
            seen.append(n)
        out[gram] = (seen, edges + (0 if token else n))
    return out
