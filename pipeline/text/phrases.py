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
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

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


def _entropy(counts: Counter, boundaries: int) -> float:
    total = sum(counts.values()) + boundaries
    if total == 0:
        return 0.0
    h = -sum(n / total * math.log(n / total) for n in counts.values())
    return h + boundaries * (1 / total) * math.log(total)   # each boundary a neighbour seen once


def accepts(c: Candidate, min_count: int, min_pmi: float, min_entropy: float) -> bool:
    """The two bars of the module docstring."""
    freedom = min(c.left_entropy, c.right_entropy)
    return ((c.count >= min_count and c.pmi >= min_pmi and freedom >= min_entropy)
            or (c.pmi >= min_pmi + 1 and freedom >= 0.9 * math.log(c.count)))


def text_runs(token_lists: Iterable[list[str]], stopwords: frozenset[str],
              academic: frozenset[str] = frozenset()) -> list[list[list[str]]]:
    """The runs `mine_runs` counts, of each text given as raw tokens (a text at a time: the build makes
    them in its workers)."""
    rules = TermRules.from_stopwords(stopwords, academic)
    memo: dict[str, bool] = {}
    return [_runs(tokens, rules, memo) for tokens in token_lists]


def mine_terms(token_lists: Iterable[list[str]], stopwords: frozenset[str], academic: frozenset[str] = frozenset(),
               **limits) -> list[Candidate]:
    """Candidates mined from texts given as raw token lists (`Segmenter.raw_tokens_zh`: punctuation and
    stopwords included). `stopwords` are the segmenter's; `academic` the academic boilerplate words;
    `limits` those of mine_runs."""
    return mine_runs(text_runs(token_lists, stopwords, academic), stopwords, academic, **limits)


def mine_runs(texts: list[list[list[str]]], stopwords: frozenset[str], academic: frozenset[str] = frozenset(),
              min_count: int = 5, min_docs: int = 3, min_pmi: float = 3.0, min_entropy: float = 1.0,
              max_tokens: int = MAX_TOKENS) -> list[Candidate]:
    """mine_terms on the texts' runs (text_runs)."""
    rules = TermRules.from_stopwords(stopwords, academic)
    counts: Counter = Counter()
    for runs in texts:
        for run in runs:
            for i in range(len(run)):
                for n in range(1, min(max_tokens, len(run) - i) + 1):
                    counts[tuple(run[i:i + n])] += 1
    total = sum(c for gram, c in counts.items() if len(gram) == 1)
    candidates = {gram for gram, c in counts.items()
                  if len(gram) > 1 and c >= min(min_count, min_docs) and rules.admits(gram)
                  and _TERM_CHARS.match("".join(gram)) and len(_HAN.findall("".join(gram))) >= 2
                  and "".join(gram).lower() not in stopwords}
    left, right = defaultdict(Counter), defaultdict(Counter)
    left_edge, right_edge, docs = Counter(), Counter(), Counter()
    for runs in texts:
        seen = set()
        for run in runs:
            for i in range(len(run)):
                for n in range(2, min(max_tokens, len(run) - i) + 1):
                    gram = tuple(run[i:i + n])
                    if gram not in candidates:
                        continue
                    seen.add(gram)
                    if i > 0:
                        left[gram][run[i - 1]] += 1
                    else:
                        left_edge[gram] += 1
                    if i + n < len(run):
                        right[gram][run[i + n]] += 1
                    else:
                        right_edge[gram] += 1
        docs.update(seen)
    found: dict[str, Candidate] = {}
    for gram in sorted(candidates):  # (sorted: of two cuts of one string with one count, the same wins each time)
        if docs[gram] < min_docs:
            continue
        pmi = min(math.log(counts[gram] * total / (counts[gram[:k]] * counts[gram[k:]])) for k in range(1, len(gram)))
        h_left = _entropy(left[gram], left_edge[gram])
        h_right = _entropy(right[gram], right_edge[gram])
        term = "".join(gram)
        candidate = Candidate(term, counts[gram], docs[gram], round(pmi, 3), round(h_left, 3), round(h_right, 3))
        if not accepts(candidate, min_count, min_pmi, min_entropy):
            continue
        if term not in found or found[term].count < candidate.count:   # one string, two cuts: the commoner
            found[term] = candidate
    return sorted(found.values(), key=lambda c: (-c.count, c.term))
