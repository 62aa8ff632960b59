"""Keywords over the corpus, per period or per document: TF-IDF and TextRank scored against a background
of general academic Chinese (pipeline.analysis.background), author-keyword frequencies, and the terms that
distinguish one period from the rest by the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008) — without periods, the corpus against the background.

Every method returns a tidy table `period, rank, term, score` (+ method-specific columns), top N per
period, ties broken by term so that output is deterministic. `by=None` treats the corpus as one period
"all"; `by="id"` makes each document its own period (per-document keywords).

TF-IDF and TextRank segment the chosen fields now, with the build's segmenter (lexicon + the corpus's
author keywords, each record's own keywords protected), because phrases need to know where a stopword or
punctuation mark broke the text, which tokens.parquet no longer shows.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.analysis.background import (TITLE_WEIGHT, Background, candidate_terms, default_background,
                                          token_runs)
from pipeline.analysis.concepts import DEFAULT_FIELDS
from pipeline.analysis.tokens import document_tokens
from pipeline.analysis.trends import BY, periods

METHODS = ("tfidf", "textrank", "author", "logodds")
KEYWORD_BY = (*BY, "id")
ALL = "all"
BACKGROUND = "(background)"


def _period_rows(corpus, by: str | None) -> tuple[list, np.ndarray, np.ndarray]:
    if by is None:
        return [ALL], np.arange(len(corpus.docs)), np.zeros(len(corpus.docs), dtype=np.int64)
    if by == "id":
        return list(corpus.docs["id"]), np.arange(len(corpus.docs)), np.arange(len(corpus.docs), dtype=np.int64)
    if by not in KEYWORD_BY:
        raise ValueError(f"by must be one of {', '.join(KEYWORD_BY)}, not {by!r}")
    split = periods(corpus.docs, by)
    return split.labels, split.rows, split.codes


@dataclass
class DocumentText:
    """The text keyword methods read, per document: title candidates and the other fields' candidates,
    and the token runs (for TextRank)."""

    title: list[list[str]]
    other: list[list[str]]
    runs: list[list[list[str]]]


def document_text(corpus, fields=DEFAULT_FIELDS, segmenter=None, protect_keywords: bool = True) -> DocumentText:
    """Candidates of every document. `segmenter`: default the build's (pipeline.build.tokens.corpus_segmenter);
    `protect_keywords`: each record's author keywords stay whole, as in the build (an evaluation against
    those keywords turns it off, and passes a segmenter whose lexicon lacks them)."""
    if segmenter is None:
        from pipeline.build.tokens import corpus_segmenter
        from pipeline.text.segment import get_segmenter

        segmenter = corpus_segmenter(corpus.path) if corpus.path is not None else get_segmenter()
    index = corpus.text_index
    texts = {name: index.texts(name) for name in fields if name != "tokens"}
    own = corpus.docs["keywords_zh"] if protect_keywords and "keywords_zh" in corpus.docs else [()] * len(corpus.docs)
    title, other, runs = [], [], []
    for i, keywords in enumerate(own):
        keywords = list(keywords) if keywords is not None else []
        parts = {name: token_runs(segmenter, text[i], keywords) for name, text in texts.items()}
        title.append(candidate_terms(parts.get("title", [])))
        other.append([t for name, r in parts.items() if name != "title" for t in candidate_terms(r)])
        runs.append([run for r in parts.values() for run in r])
    return DocumentText(title, other, runs)


def _document_counts(text: DocumentText, rows: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
    """Long table row, code, term, count (title occurrences TITLE_WEIGHT times)."""
    triples = []
    for row, code in zip(rows.tolist(), codes.tolist()):
        counts = Counter(text.other[row])
        for term in text.title[row]:
            counts[term] += TITLE_WEIGHT
        triples.extend((row, code, term, n) for term, n in counts.items())
    return pd.DataFrame(triples, columns=["row", "code", "term", "count"])


def _idf(terms: pd.Series, background: Background) -> np.ndarray:
    unique = pd.unique(terms)
    idf = pd.Series([background.idf(t) for t in unique], index=unique, dtype=float)
    return idf.reindex(terms).to_numpy()


def _top(table: pd.DataFrame, labels: list, top: int, columns: list[str]) -> pd.DataFrame:
    table = table.sort_values(["code", "score", "term"], ascending=[True, False, True], kind="stable")
    table = table.groupby("code", sort=True).head(top).copy()
    table["rank"] = table.groupby("code").cumcount() + 1
    table["period"] = [labels[c] for c in table["code"]]
    return table[["period", "rank", "term", "score", *columns]].reset_index(drop=True)


def tfidf(text: DocumentText, labels, rows, codes, top: int = 20, background: Background | None = None) -> pd.DataFrame:
    """Mean TF-IDF of each candidate over the documents of a period: occurrences in the document (title
    ones TITLE_WEIGHT times) × idf in the background of general academic Chinese, so that terms every
    paper uses (中国, 发展, 机制) weigh little however often they occur. `docs`: documents containing it."""
    background = background or default_background()
    counts = _document_counts(text, rows, codes)
    counts["weight"] = counts["count"] * _idf(counts["term"], background)
    docs_per_period = np.bincount(codes, minlength=len(labels))
    table = counts[counts["weight"] > 0].groupby(["code", "term"]).agg(weight=("weight", "sum"),
                                                                       docs=("row", "size")).reset_index()
    table["score"] = table["weight"] / docs_per_period[table["code"]]
    return _top(table, labels, top, ["docs"])


def pagerank(n: int, sources: np.ndarray, targets: np.ndarray, weights: np.ndarray,
             damping: float = 0.85, iterations: int = 100, tolerance: float = 1e-10) -> np.ndarray:
    """PageRank on an undirected weighted graph given as edge arrays (each edge listed once)."""
    src = np.concatenate([sources, targets])
    dst = np.concatenate([targets, sources])
    w = np.concatenate([weights, weights]).astype(float)
    strength = np.bincount(src, weights=w, minlength=n)
    rank = np.full(n, 1.0 / n)
    for _ in range(iterations):
        flow = np.bincount(dst, weights=w * rank[src] / strength[src], minlength=n)
        dangling = rank[strength == 0].sum() / n
        new = (1 - damping) / n + damping * (flow + dangling)
        if np.abs(new - rank).sum() < tolerance:
            return new
        rank = new
    return rank


def textrank(text: DocumentText, labels, rows, codes, top: int = 20, window: int = 5,
             background: Background | None = None) -> pd.DataFrame:
    """TextRank (Mihalcea & Tarau 2004) weighted by distinctiveness: PageRank over a graph of tokens
    that co-occur within `window` kept tokens of a document, per period, times each token's background
    idf (plain TextRank ranks the most connected words first, which are the generic ones). Single
    characters are left out as candidates."""
    background = background or default_background()
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    frames = []
    for group in np.split(order, bounds) if len(order) else []:
        edges = Counter()
        for r in rows[group]:
            words = [t for run in text.runs[r] for t in run if len(t) > 1]
            for i, word in enumerate(words):
                for other in words[i + 1:i + window]:
                    if other != word:
                        edges[(word, other) if word < other else (other, word)] += 1
        if not edges:
            continue
        vocabulary = sorted({w for pair in edges for w in pair})
        position = {w: i for i, w in enumerate(vocabulary)}
        pairs = sorted(edges)
        ranks = pagerank(len(vocabulary), np.array([position[a] for a, _ in pairs]),
                         np.array([position[b] for _, b in pairs]), np.array([edges[p] for p in pairs]))
        idf = np.array([background.idf(w) for w in vocabulary])
        keep = idf > 0  # generic words pass rank on to their neighbours but are not keywords themselves
        frames.append(pd.DataFrame({"code": codes[group[0]], "term": np.array(vocabulary)[keep],
                                    "score": (ranks * idf)[keep], "pagerank": ranks[keep]}))
    table = pd.concat(frames) if frames else pd.DataFrame({"code": [], "term": [], "score": [], "pagerank": []})
    return _top(table, labels, top, ["pagerank"])


def author_keywords(keyword_sets: list[frozenset[str]], labels, rows, codes, top: int = 20) -> pd.DataFrame:
    """Documents listing each author keyword (`keyword_sets`: Corpus.author_keywords), per period;
    `share` of the period's documents."""
    long = pd.DataFrame([(c, k) for r, c in zip(rows, codes) for k in sorted(keyword_sets[r])],
                        columns=["code", "term"])
    table = long.groupby(["code", "term"]).size().rename("docs").reset_index()
    table["score"] = table["docs"]
    table["share"] = table["docs"] / np.bincount(codes, minlength=len(labels))[table["code"].to_numpy(dtype=int)]
    return _top(table, labels, top, ["docs", "share"])


def log_odds(counts: pd.DataFrame, prior_scale: float = 1.0) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior, each group against all the others.

    `counts`: columns group, term, count. The prior is the corpus-wide count of each term times
    `prior_scale` (α_w = prior_scale · y_w, α_0 = Σ α_w), as in Monroe et al. and R's tidylo:
        δ_w = ln[(y_wi + α_w) / (n_i + α_0 − y_wi − α_w)] − ln[(y_wj + α_w) / (n_j + α_0 − y_wj − α_w)]
        σ²_w ≈ 1 / (y_wi + α_w) + 1 / (y_wj + α_w),   z_w = δ_w / σ_w
    where j is every other group. Returns group, term, count, log_odds, z.
    """
    table = counts.groupby(["group", "term"], sort=True)["count"].sum().reset_index()
    term_total = table.groupby("term")["count"].transform("sum")
    group_total = table.groupby("group")["count"].transform("sum")
    n = table["count"].sum()
    alpha = prior_scale * term_total
    alpha0 = prior_scale * n
    y_i, y_j = table["count"], term_total - table["count"]
    n_i, n_j = group_total, n - group_total
    delta = (np.log((y_i + alpha) / (n_i + alpha0 - y_i - alpha))
             - np.log((y_j + alpha) / (n_j + alpha0 - y_j - alpha)))
    table["log_odds"] = delta
    table["z"] = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
    return table


def _term_counts(tokens: list[list[str]], rows: np.ndarray, codes: np.ndarray) -> pd.DataFrame:
    """Long table row, code, term, count (one row per document × period × term)."""
    lengths = np.array([len(tokens[r]) for r in rows], dtype=np.int64)
    long = pd.DataFrame({
        "row": np.repeat(rows, lengths),
        "code": np.repeat(codes, lengths),
        "term": [t for r in rows for t in tokens[r]],
    })
    return long.groupby(["row", "code", "term"], sort=True).size().rename("count").reset_index()


def distinctive(tokens, labels, rows, codes, top: int = 20, prior_scale: float = 1.0,
                min_count: int = 2) -> pd.DataFrame:
    """Terms most over-represented in each period against the rest (highest log-odds z-scores)."""
    counts = _term_counts(tokens, rows, codes).rename(columns={"code": "group"})
    frequent = counts.groupby("term")["count"].transform("sum") >= min_count
    table = log_odds(counts[frequent], prior_scale).rename(columns={"group": "code"})
    table["score"] = table["z"]
    return _top(table, labels, top, ["count", "log_odds", "z"])


def distinctive_of_corpus(text: DocumentText, top: int = 20, prior_scale: float = 1.0, min_count: int = 2,
                          background: Background | None = None) -> pd.DataFrame:
    """Without periods: the candidates over-represented in the corpus against the background, by the same
    log-odds z-score on document counts (`count`: the corpus's documents containing the term)."""
    background = background or default_background()
    in_corpus = Counter(term for title, other in zip(text.title, text.other) for term in set(title) | set(other))
    frequent = sorted(term for term, n in in_corpus.items() if n >= min_count and not background.is_generic(term))
    counts = pd.DataFrame({
        "group": [ALL] * len(frequent) + [BACKGROUND] * len(frequent),
        "term": frequent * 2,
        "count": [in_corpus[t] for t in frequent] + [background.frequency.get(t, 0) for t in frequent],
    })
    table = log_odds(counts, prior_scale) if frequent else counts.assign(log_odds=[], z=[])
    table = table[table["group"] == ALL].assign(code=0)
    table["score"] = table["z"]
    return _top(table, [ALL], top, ["count", "log_odds", "z"])


def keywords(corpus, method: str = "tfidf", by: str | None = None, top: int = 20, fields=DEFAULT_FIELDS,
             segmenter=None, protect_keywords: bool = True, **options) -> pd.DataFrame:
    """Top keywords per period (`by`: None, one of pipeline.analysis.trends.BY, or id: per document)
    by `method`. `segmenter` and `protect_keywords`: see document_text. An empty table says why in
    `attrs["note"]`."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    labels, rows, codes = _period_rows(corpus, by)
    if not labels:
        table = pd.DataFrame(columns=["period", "rank", "term", "score"])
        table.attrs["note"] = (f"no document has a year ({len(corpus.docs)} documents)" if by == "year"
                               else "the corpus has no documents")
        return table
    if method == "author":
        table = author_keywords(corpus.author_keywords, labels, rows, codes, top)
        if not len(table):
            table.attrs["note"] = "no record lists author keywords (keywords_zh / keywords_en); try --method tfidf"
        return table
    if method == "logodds" and by is not None:
        return distinctive(document_tokens(corpus, fields=fields), labels, rows, codes, top=top, **options)
    text = document_text(corpus, fields, segmenter, protect_keywords)
    if method == "logodds":
        return distinctive_of_corpus(text, top=top, **options)
    return {"tfidf": tfidf, "textrank": textrank}[method](text, labels, rows, codes, top=top, **options)
