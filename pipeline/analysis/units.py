"""What the nodes of a network are: a registry of units, each a function from the corpus to one list of
node labels per document (`labels(corpus) -> list[list[str]]`), or to a `Counting` when the network counts
other rows than documents (coupling).

Most units read one record at a time (`per_record`): adding one (references, cited authors, cited
journals, coupling) is one entry in UNITS. A label listed twice by a document counts once.

- keywords: the author keywords (pipeline.analysis.corpus.document_keywords).
- concepts: the concepts of corpus/concepts.toml found in the document (pipeline.analysis.network.concept_sets).
- authors: names as given, except that one name is split into "name (institution)" nodes when the data
  shows different people: see `author_labels`.
- institutions: the top-level institution of each affiliation (pipeline.analysis.institutions).
- regions: the province of each affiliation (pipeline.analysis.regions).
- references, cited-authors, cited-journals: the cited works, their first authors and their sources
  (pipeline.analysis.citations): co-citation networks.
- coupling: bibliographic coupling (Kessler 1963). The nodes are the documents (named by
  `document_names`) and the network counts cited works: each row is one work with the documents citing
  it, so an edge's weight is the number of works two documents both cite (`coupling`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable, Mapping

from pipeline.analysis.institutions import institution
from pipeline.analysis.regions import region

Labels = list[list[str]]
SHORT_TITLE = {"han": 16, "latin": 40}  # characters of a title kept in a document's node name
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Counting:
    """What a network counts and how its nodes map back to documents.

    rows: the node labels of each row the network counts (an edge's weight is the number of rows holding
    both ends); documents: the node labels of each document, which years, first years, the documents of a
    cluster (its LLR label), node selection and drill-down read; weights: how often a document's labels count
    in node selection (None: once); row_ids: what each row is (a document id, a cited-work key); rows_are:
    "documents" when rows and documents are the same lists, else what a row is."""
    rows: Labels
    documents: Labels
    row_ids: list[str]
    rows_are: str = "documents"
    weights: list[int] | None = None


def _unique(items) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _column(corpus, name: str) -> list:
    """A list field of every record ([] where missing; load_corpus fills list fields so)."""
    return corpus.docs[name].tolist() if name in corpus.docs else [[] for _ in range(len(corpus.docs))]


def per_record(function: Callable[[Mapping], list[str]], *fields: str) -> Callable[[object], Labels]:
    """A unit from a function of one record (a mapping holding `fields`) to its node labels."""
    def labels(corpus) -> Labels:
        columns = [_column(corpus, f) for f in fields]
        return [_unique(function(dict(zip(fields, values)))) for values in zip(*columns)]

    labels.__doc__ = function.__doc__
    return labels


def institutions_of(record: Mapping) -> list[str]:
    """Top-level institutions of the record's affiliations."""
    return [institution(a) for a in record["affiliations"]]


def regions_of(record: Mapping) -> list[str]:
    """Provinces of the record's affiliations."""
    return [region(a) for a in record["affiliations"]]


def author_labels(corpus) -> Labels:
    """Authors per document, names as given (stripped). CNKI exports list a record's authors and its
    affiliations separately, without saying who is where, so a name is one person unless the data shows
    two: the records of a name are grouped by shared top-level institution (two records are in one group
    when their institution sets meet, transitively), and the name is split into one node per group,
    "name (the group's most frequent institution)", only when (1) every record of the name lists an
    institution and a year, and (2) two groups were active at the same time: one group's first year is
    before the other's last year and vice versa. Groups that follow each other, or share only a boundary
    year, are a person who moved (王一川 at 北京大学 2012–2018, at 北京师范大学 2020–2021: one node).
    A record without affiliation or year could be either person, so it keeps the name whole."""
    names = [_unique(str(a).strip() for a in authors) for authors in _column(corpus, "authors")]
    places = [set(_unique(institution(a) for a in affiliations)) for affiliations in _column(corpus, "affiliations")]
    years = document_years(corpus)
    records_of: dict[str, list[int]] = defaultdict(list)
    for row, listed in enumerate(names):
        for name in listed:
            records_of[name].append(row)
    renamed: dict[tuple[str, int], str] = {}
    for name, rows in records_of.items():
        if len(rows) < 2 or any(not places[r] or years[r] is None for r in rows):
            continue
        groups = _institution_groups(rows, places)
        if _concurrent([[years[r] for r in group] for group in groups]):
            for group in groups:
                counts = defaultdict(int)
                for r in group:
                    for place in places[r]:
                        counts[place] += 1
                main = min(counts, key=lambda p: (-counts[p], p))
                for r in group:
                    renamed[(name, r)] = f"{name} ({main})"
    return [[renamed.get((name, row), name) for name in listed] for row, listed in enumerate(names)]


def _institution_groups(rows: list[int], places: list[set[str]]) -> list[list[int]]:
    """Rows joined when they share an institution (union-find over institutions)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in rows:
        first, *rest = sorted(places[r])
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        groups[find(min(places[r]))].append(r)
    return list(groups.values())


def document_years(corpus) -> list[int | None]:
    """The year of each document, None where unknown."""
    import pandas as pd

    return [None if pd.isna(y) else int(y) for y in corpus.docs["year"]]


def _concurrent(group_years: list[list[int]]) -> bool:
    """Whether two groups' year spans overlap by more than a boundary year."""
    spans = [(min(y), max(y)) for y in group_years]
    return any(max(a[0], b[0]) < min(a[1], b[1]) for i, a in enumerate(spans) for b in spans[i + 1:])


def keyword_labels(corpus) -> Labels:
    """The author keywords of each document (the one rule of pipeline.analysis.corpus.document_keywords)."""
    return [sorted(k) for k in corpus.author_keywords]


def concept_labels(corpus, terms=None, fields=None, concepts=None) -> Labels:
    """Concepts found in each document (all of the concept file, or the given terms)."""
    from pipeline.analysis.concepts import DEFAULT_FIELDS
    from pipeline.analysis.network import concept_sets

    return [sorted(s) for s in concept_sets(corpus, terms, fields or DEFAULT_FIELDS, concepts)]


def cited(function_name: str) -> Callable[[object], Labels]:
    """A unit from one of pipeline.analysis.citations' per-document sets (cited works, authors, journals)."""
    def labels(corpus) -> Labels:
        from pipeline.analysis import citations

        return [sorted(items) for items in getattr(citations, function_name)(corpus)]

    labels.__doc__ = f"pipeline.analysis.citations.{function_name}, as sorted lists."
    return labels


def document_names(corpus) -> list[str]:
    """A readable, unique node name for each document: "first author year short title", the parts it has
    (the Chinese title, else the English one; its first 16 characters, or for a Latin title the words
    within 40 characters, then "…"); the document's id when it has none of them; " [id]" added to every
    name two documents would share."""
    docs = corpus.docs
    missing = [None] * len(docs)
    names = []
    for authors, year, title_zh, title_en in zip(_column(corpus, "authors"), document_years(corpus),
                                                  docs.get("title_zh", missing), docs.get("title_en", missing)):
        first = next((str(a).strip() for a in authors if str(a).strip()), "")
        title = next((" ".join(t.split()) for t in (title_zh, title_en) if isinstance(t, str) and t.strip()), "")
        names.append(" ".join(part for part in (first, "" if year is None else str(year), short_title(title)) if part))
    ids = [str(i) for i in docs["id"]]
    names = [name or doc_id for name, doc_id in zip(names, ids)]
    shared = {name for name, n in Counter(names).items() if n > 1}
    return [f"{name} [{doc_id}]" if name in shared and name != doc_id else name for name, doc_id in zip(names, ids)]


def short_title(title: str) -> str:
    limit = SHORT_TITLE["han" if _HAN.search(title) else "latin"]
    if len(title) <= limit:
        return title
    cut = title[:limit]
    if not _HAN.search(title) and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.:;，。：；") + "…"


def coupling(corpus) -> Counting:
    """Bibliographic coupling: rows are the cited works (pipeline.analysis.citations.cited_works), each
    holding the names of the documents citing it; a document's node is its name, weighted in node
    selection by the number of works it cites (a document citing none is no node)."""
    from pipeline.analysis.citations import cited_works

    names = document_names(corpus)
    works = cited_works(corpus)
    citing: dict[str, list[str]] = defaultdict(list)
    for name, keys in zip(names, works):
        for key in keys:
            citing[key].append(name)
    keys = sorted(citing)
    return Counting(rows=[citing[k] for k in keys], documents=[[name] if cited else [] for name, cited in zip(names, works)],
                    row_ids=keys, rows_are="cited works", weights=[len(cited) for cited in works])


UNITS: dict[str, Callable[..., Labels | Counting]] = {
    "keywords": keyword_labels,
    "concepts": concept_labels,
    "authors": author_labels,
    "institutions": per_record(institutions_of, "affiliations"),
    "regions": per_record(regions_of, "affiliations"),
    "references": cited("cited_works"),
    "cited-authors": cited("cited_authors"),
    "cited-journals": cited("cited_journals"),
    "coupling": coupling,
}


def unit_counting(corpus, unit: str, **options) -> Counting:
    """What the network of `unit` counts (options go to the concepts unit: terms, fields, concepts)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    found = UNITS[unit](corpus, **options) if unit == "concepts" else UNITS[unit](corpus)
    if isinstance(found, Counting):
        return found
    return Counting(rows=found, documents=found, row_ids=[str(i) for i in corpus.docs["id"]])


def unit_labels(corpus, unit: str, **options) -> Labels:
    """Node labels per document for `unit` (for coupling, each document's own name)."""
    return unit_counting(corpus, unit, **options).documents
