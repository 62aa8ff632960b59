"""Statistical term mining: token sequences that behave like one word in a body of text.

A candidate is a run of 2–4 segmenter tokens (a stopword of two or more characters may be part of it:
获得 in 获得感). It is kept when it is
- frequent: at least `min_count` occurrences in at least `min_docs` texts;
- cohesive: the pointwise mutual information of its weakest split (the two parts occur together far
  more often than chance) is at least `min_pmi` (natural log);
- free: the entropy of the tokens to its left and to its right is at least `min_entropy` (nats) on both
  sides. A fragment of a longer term (一带一 of 一带一路) is always followed by the same token: low
  entropy. A text boundary counts as a new neighbour each time;
- a term, not a phrase of prose: it holds no one-character function word (的, 与, 下: text is cut at
  them, so a term followed by one stands at a boundary, 新常态 in 新常态下), does not begin or end with
  another function word, academic boilerplate or a word of data/term_edges.txt (我国…, 及其…, …研究,
  …条件), and has at least two Han characters and no digits.

These are the classic new-word measures (mutual information plus left/right branching entropy, e.g.
Jin & Tanaka-Ishii 2006, Huang & Powers). `mine_terms` returns Candidates with their scores, most
frequent first; the field lexicon script (bench/field_lexicon.py), the build's corpus terms and
`lexicon suggest` all use it.
"""
from __future__ import annotations

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


def _runs(tokens: list[str], breaks: frozenset[str]) -> list[list[str]]:
    """Runs of word tokens between punctuation, whitespace, numbers and one-character function words
    (的, 与, 下: a term does not contain them, and a term followed by one is at a boundary)."""
    return split_runs(tokens, lambda t: t not in breaks and any(ch.isalpha() for ch in t)
                      and not any(ch.isdigit() for ch in t))


def _entropy(counts: Counter, boundaries: int) -> float:
    total = sum(counts.values()) + boundaries
    if total == 0:
        return 0.0
    h = -sum(n / total * math.log(n / total) for n in counts.values())
    return h + boundaries * (1 / total) * math.log(total)   # each boundary a neighbour seen once


def bad_edges(gram: tuple[str, ...], edges: frozenset[str]) -> bool:
    """Whether a candidate begins or ends with a function word or academic boilerplate (及其…, …研究).
    A word with a one-character suffix morpheme is exempt at its start (获得感, 幸福感: 获得 + 感)."""
    if gram[-1] in edges:
        return True
    return gram[0] in edges and not (len(gram) == 2 and len(gram[1]) == 1)


def term_edges() -> frozenset[str]:
    """Words a term does not begin or end with besides the stopwords (data/term_edges.txt)."""
    from pipeline.text.wordlists import DATA, read_word_list

    return frozenset(read_word_list(DATA / "term_edges.txt"))


def mine_terms(token_lists: Iterable[list[str]], stopwords: frozenset[str], academic: frozenset[str] = frozenset(),
               min_count: int = 5, min_docs: int = 3, min_pmi: float = 3.0, min_entropy: float = 1.0,
               max_tokens: int = MAX_TOKENS) -> list[Candidate]:
    """Candidates mined from texts given as raw token lists (`Segmenter.raw_tokens_zh`: punctuation and
    stopwords included). `stopwords` are the segmenter's; `academic` the academic boilerplate words."""
    breaks = frozenset(w for w in stopwords if len(w) == 1)
    edges = frozenset(w for w in stopwords if len(w) > 1) | academic | term_edges()
    texts = [_runs(tokens, breaks) for tokens in token_lists]
    counts: Counter = Counter()
    for runs in texts:
        for run in runs:
            for i in range(len(run)):
                for n in range(1, min(max_tokens, len(run) - i) + 1):
                    counts[tuple(run[i:i + n])] += 1
    total = sum(c for gram, c in counts.items() if len(gram) == 1)
    candidates = {gram for gram, c in counts.items()
                  if len(gram) > 1 and c >= min_count and not bad_edges(gram, edges)
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
    for gram in candidates:
        if docs[gram] < min_docs:
            continue
        pmi = min(math.log(counts[gram] * total / (counts[gram[:k]] * counts[gram[k:]])) for k in range(1, len(gram)))
        if pmi < min_pmi:
            continue
        h_left = _entropy(left[gram], left_edge[gram])
        h_right = _entropy(right[gram], right_edge[gram])
        if min(h_left, h_right) < min_entropy:
            continue
        term = "".join(gram)
        candidate = Candidate(term, counts[gram], docs[gram], round(pmi, 3), round(h_left, 3), round(h_right, 3))
        if term not in found or found[term].count < candidate.count:   # one string, two cuts: the commoner
            found[term] = candidate
    return sorted(found.values(), key=lambda c: (-c.count, c.term))
