"""What the corpus cites: the references table, most-cited works, reference bursts, and the per-document
units of co-citation and coupling networks.

Records carry their reference strings (`references`, as the page or export gave them); each is parsed with
pipeline.references.parse_reference and keyed with pipeline.references.work_key.

    reference_table(corpus)      one row per reference: doc_id, rank, raw, authors (joined with ;), title,
                                 source, year, volume, issue, pages, type, doi, key
    most_cited(corpus, top=20)   key, citations (citing documents), title, authors, year, source, type
    reference_bursts(corpus)     Kleinberg bursts of cited works per citing year (as CiteSpace's
                                 "references with the strongest citation bursts"): key, title, strength, begin, end
    cited_works(corpus) / cited_authors(corpus) / cited_journals(corpus)
                                 one frozenset per document (in corpus order): the nodes a co-citation network
                                 links when two of them are cited by one document, and the sets bibliographic
                                 coupling compares (two documents citing the same work)
"""
from __future__ import annotations

import pandas as pd

from pipeline.references import cited_author, cited_journal, parse_reference, work_key

REFERENCE_COLUMNS = ["doc_id", "rank", "raw", "authors", "title", "source", "year", "volume", "issue", "pages",
                     "type", "doi", "key"]
MOST_CITED_COLUMNS = ["key", "citations", "title", "authors", "year", "source", "type"]


def parse_references(references: list[str]) -> list[dict]:
    """Parsed references of one document, each with its cited-work `key`."""
    parsed = []
    for raw in references:
        ref = parse_reference(raw)
        ref["key"] = work_key(ref)
        parsed.append(ref)
    return parsed


def document_references(corpus) -> list[list[dict]]:
    """Parsed references per document, in corpus order (parsed once per corpus: Corpus.parsed_references)."""
    return corpus.parsed_references


def reference_table(corpus) -> pd.DataFrame:
    """One row per reference of every document (REFERENCE_COLUMNS), documents in corpus order."""
    rows = []
    for doc_id, refs in zip(corpus.docs["id"], document_references(corpus)):
        for rank, ref in enumerate(refs, start=1):
            rows.append({**{k: ref[k] for k in REFERENCE_COLUMNS if k in ref}, "doc_id": doc_id, "rank": rank,
                         "authors": ";".join(ref["authors"])})
    table = pd.DataFrame(rows, columns=REFERENCE_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table


def cited_works(corpus) -> list[frozenset[str]]:
    return [frozenset(r["key"] for r in refs if r["key"]) for refs in document_references(corpus)]


def cited_authors(corpus) -> list[frozenset[str]]:
    return [frozenset(a for a in map(cited_author, refs) if a) for refs in document_references(corpus)]


def cited_journals(corpus) -> list[frozenset[str]]:
    return [frozenset(j for j in map(cited_journal, refs) if j) for refs in document_references(corpus)]


def _representatives(corpus) -> dict[str, dict]:
    """For each key, the parsed reference that shows it best (most fields read; first seen on ties)."""
    best: dict[str, dict] = {}
    for refs in document_references(corpus):
        for ref in refs:
            key = ref["key"]
            if key and (key not in best or _filled(ref) > _filled(best[key])):
                best[key] = ref
    return best


def _filled(ref: dict) -> int:
    return sum(bool(ref.get(k)) for k in ("authors", "title", "source", "year", "volume", "issue", "pages", "type"))


def most_cited(corpus, top: int = 20) -> pd.DataFrame:
    """The works cited by the most documents (a work cited twice by one document counts once);
    ties by key. `top=0` keeps all."""
    counts: dict[str, int] = {}
    for works in cited_works(corpus):
        for key in works:
            counts[key] = counts.get(key, 0) + 1
    shown = _representatives(corpus)
    order = sorted(counts, key=lambda k: (-counts[k], k))
    rows = [{"key": k, "citations": counts[k], "title": shown[k]["title"], "authors": ";".join(shown[k]["authors"]),
             "year": shown[k]["year"], "source": shown[k]["source"], "type": shown[k]["type"]}
            for k in (order[:top] if top else order)]
    table = pd.DataFrame(rows, columns=MOST_CITED_COLUMNS)
    table["year"] = table["year"].astype("Int64")
    return table


def reference_bursts(corpus, min_docs: int = 2, s: float = 2.0, gamma: float = 1.0) -> pd.DataFrame:
    """Citation bursts of cited works over the citing documents' years (pipeline.analysis.bursts): works
    cited by at least `min_docs` documents. Columns key, title, strength, begin, end."""
    from pipeline.analysis.bursts import bursts

    table = bursts(corpus, sets=cited_works(corpus), min_docs=min_docs, s=s, gamma=gamma)
    shown = _representatives(corpus)
    table = table.rename(columns={"term": "key"})
    table.insert(1, "title", [shown[k]["title"] if k in shown else None for k in table["key"]])
    return table
