"""The built corpus as pandas DataFrames: the entry point for notebooks and analysis commands."""
from __future__ import annotations

import contextlib
import gc
import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from pipeline.build.layout import DEFAULT_BUILD, DOCUMENTS, DOCUMENTS_DIGEST, DOCUMENTS_TABLE, MANIFEST, TOKENS, corpus_files
from pipeline.record import FIELD_NAMES, LIST_FIELDS


@dataclass
class Corpus:
    """`docs`: one row per record (the record's fields as columns).
    `tokens`: one row per record with `id`, `tokens_zh`, `tokens_en` (lists), when segmented."""

    docs: pd.DataFrame
    tokens: pd.DataFrame | None = None
    path: Path | None = None

    def __len__(self) -> int:
        return len(self.docs)

    # What the analyses share, each built on first use and kept for the corpus's lifetime.
    @cached_property
    def text_index(self):
        """Normalized field texts for concept matching."""
        from pipeline.analysis.concepts import TextIndex

        return TextIndex(self.docs, self.aligned_tokens)

    @cached_property
    def aligned_tokens(self):
        """tokens.parquet lined up with `docs`: token lists, counts per document (pipeline.analysis.tokens)."""
        from pipeline.analysis.tokens import AlignedTokens

        return AlignedTokens(self.docs, self.tokens)

    def document_tokens(self, which: str = "both", **options) -> list[list[str]]:
        """Tokens per document (`which`: zh, en, both) from tokens.parquet, else segmented now
        (pipeline.analysis.tokens.document_tokens)."""
        from pipeline.analysis.tokens import document_tokens

        return document_tokens(self, which, **options)

    @cached_property
    def title_words(self) -> list[list[str]]:
        """Words (2+ characters) of each Chinese title, segmented as the build does: cluster labels use them."""
        from pipeline.analysis.knowledge_map import title_terms

        return title_terms(self)

    @cached_property
    def author_keywords(self) -> list[frozenset[str]]:
        """The author keywords that count for each document (see `document_keywords`)."""
        return document_keywords(self.docs)

    def between(self, first: int | None = None, last: int | None = None) -> "Corpus":
        """The documents published from year `first` to year `last` (both inclusive; None leaves that side
        open), as a new Corpus; with either bound, documents without a year are left out. What the
        `--from`/`--to` options of trends, keywords, bursts and topics fit do."""
        if first is None and last is None:
            return self
        if first is not None and last is not None and first > last:
            raise ValueError(f"--from {first} is after --to {last}")
        years = self.docs["year"].astype("Int64")
        keep = years.notna()
        if first is not None:
            keep &= years >= first
        if last is not None:
            keep &= years <= last
        docs = self.docs[keep.fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
        tokens = None if self.tokens is None else \
            self.tokens[self.tokens["id"].isin(set(docs["id"]))].reset_index(drop=True)
        return Corpus(docs=docs, tokens=tokens, path=self.path)

    # Analyses (thin over pipeline.analysis.trends, .keywords, .bursts, .network, .glossary; see their help).
    def trends(self, terms, by: str = "year", **options) -> pd.DataFrame:
        """Concept × period table with docs, total, share and Wilson 95% interval (pipeline.analysis.trends.trends)."""
        from pipeline.analysis.trends import trends

        return trends(self, terms, by=by, **options)

    def keywords(self, method: str = "tfidf", by: str | None = None, top: int = 20, **options) -> pd.DataFrame:
        """Top terms per period: tfidf, textrank, author or logodds (pipeline.analysis.keywords.keywords)."""
        from pipeline.analysis.keywords import keywords

        return keywords(self, method=method, by=by, top=top, **options)

    def bursts(self, terms=None, **options) -> pd.DataFrame:
        """Kleinberg bursts of author keywords or given terms: term, strength, begin, end."""
        from pipeline.analysis.bursts import bursts

        return bursts(self, terms, **options)

    def network(self, unit: str = "keywords", **options):
        """Co-occurrence network of keywords, concepts, authors, institutions or regions
        (pipeline.analysis.network.cooccurrence)."""
        from pipeline.analysis.network import cooccurrence

        return cooccurrence(self, unit=unit, **options)

    @cached_property
    def parsed_references(self) -> list[list[dict]]:
        """Each document's references parsed, with their cited-work keys (pipeline.analysis.citations)."""
        from pipeline.analysis.citations import parse_references

        missing = [None] * len(self.docs)
        return [parse_references(list(refs) if refs is not None else []) for refs in self.docs.get("references", missing)]

    def references(self) -> pd.DataFrame:
        """One row per reference: doc_id, rank, raw, authors, title, source, year, …, type, key."""
        from pipeline.analysis.citations import reference_table

        return reference_table(self)

    def most_cited(self, top: int = 20) -> pd.DataFrame:
        """The works cited by the most documents: key, citations, title, authors, year, source, type."""
        from pipeline.analysis.citations import most_cited

        return most_cited(self, top=top)

    def reference_bursts(self, **options) -> pd.DataFrame:
        """Kleinberg citation bursts of cited works: key, title, strength, begin, end."""
        from pipeline.analysis.citations import reference_bursts

        return reference_bursts(self, **options)

    def knowledge_map(self, unit: str = "keywords", **options):
        """Network with clusters, LLR labels, Q and silhouette; .write(dir), .documents_of(...)
        (pipeline.analysis.knowledge_map.knowledge_map)."""
        from pipeline.analysis.knowledge_map import knowledge_map

        return knowledge_map(self, unit=unit, **options)

    def documents_of(self, node: str | None = None, edge: tuple[str, str] | None = None, unit: str = "keywords",
                     years: tuple[int, int] | None = None) -> pd.DataFrame:
        """Documents listing a node (or behind an edge: listing both ends; for coupling, its two documents) of
        `unit`, within `years` (first, last) when given: a burst's documents are documents_of(term,
        years=(begin, end)). For a cluster: KnowledgeMap.documents_of(cluster=...)."""
        from pipeline.analysis.knowledge_map import documents_matching, edge_documents
        from pipeline.analysis.units import unit_counting

        counting = unit_counting(self, unit)
        query = {"all_of": [node]} if node is not None else edge_documents(edge or (), counting.rows_are)
        return documents_matching(self.docs, counting.documents, years=years, **query)

    def glossary(self, min_support: int = 1) -> pd.DataFrame:
        """zh, en, support from records listing keywords_zh and keywords_en in the same count."""
        if min_support not in self._glossaries:
            from pipeline.analysis.glossary import build_glossary

            self._glossaries[min_support] = build_glossary(self.docs, min_support)
        return self._glossaries[min_support]

    @cached_property
    def _glossaries(self) -> dict:
        return {}


def document_keywords(docs: pd.DataFrame) -> list[frozenset[str]]:
    """Author keywords per document, the one rule for keyword counts, bursts and networks: keywords_zh,
    else keywords_en lower-cased; each stripped, empty ones dropped, a keyword listed twice counted once."""
    missing = [None] * len(docs)
    sets = []
    for zh, en in zip(docs.get("keywords_zh", missing), docs.get("keywords_en", missing)):
        listed = zh if zh is not None and len(zh) else [k.lower() for k in (en if en is not None else [])]
        sets.append(frozenset(k.strip() for k in listed if k and k.strip()))
    return sets


class CorpusError(ValueError):
    """A corpus directory whose parts do not belong together."""


def load_corpus(path: str | Path | None = None) -> Corpus:
    """Load the documents (and `tokens.parquet` when present) from a built corpus directory: from
    `documents.parquet`, the build's columnar copy of `documents.jsonl`, else (a corpus built before
    it existed, or written by other tools) from `documents.jsonl` itself. Both give the same DataFrame.

    Raises CorpusError when documents.parquet, tokens.parquet or manifest.json were made from other
    documents than documents.jsonl (the build records its SHA-256 in each)."""
    root = Path(path) if path is not None else DEFAULT_BUILD
    files = corpus_files(root)  # resolved once: every file read comes from the same generation
    docs_path = files / DOCUMENTS
    if not docs_path.exists():
        raise FileNotFoundError(f"{root / DOCUMENTS}: no built corpus here (run `make corpus` or `python -m pipeline build`)")
    with _collection_paused(large=docs_path.stat().st_size >= FREEZE_BYTES):
        if (files / DOCUMENTS_TABLE).exists():
            from pipeline.build.documents_table import read_documents

            with open(docs_path, "rb") as fh:
                _check_parts(root, files, hashlib.file_digest(fh, "sha256").hexdigest())
            docs = read_documents(files / DOCUMENTS_TABLE)
        else:
            docs = _read_json_lines(root, files)
        tokens = pd.read_parquet(files / TOKENS) if (files / TOKENS).exists() else None
    return Corpus(docs=docs, tokens=tokens, path=root)


# From this size of documents.jsonl on, the loaded documents are frozen (see _collection_paused).
FREEZE_BYTES = 16 << 20


@contextlib.contextmanager
def _collection_paused(large: bool):
    """The garbage collector paused while the documents' millions of small lists and dicts are made: they
    hold no cycles, and the collections they trigger cost more than the loading (200k documents: 4.3 s →
    1.7 s). A `large` corpus is then moved out of the collector's reach (gc.freeze): otherwise its next
    collections walk every list again (0.2 s after a million documents, and at each full collection later).
    Frozen objects are still freed by reference counting; the garbage there is beforehand is collected
    first, so that it is not frozen with them."""
    if large:
        gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if large:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


def _read_json_lines(root: Path, files: Path) -> pd.DataFrame:
    """documents.jsonl → one row per record (checked against the other parts while it is read)."""
    digest = hashlib.sha256()
    with open(files / DOCUMENTS, "rb") as fh:
        rows = []
        for line in fh:
            digest.update(line)
            if line.strip():
                rows.append(json.loads(line))
    _check_parts(root, files, digest.hexdigest())
    docs = pd.DataFrame(rows, columns=list(dict.fromkeys([*FIELD_NAMES, *(k for r in rows for k in r)])))
    docs["year"] = docs["year"].astype("Int64")
    for name in LIST_FIELDS:  # a list field missing from a line is [] (never NaN), as for records
        missing = docs[name].isna().to_numpy()
        if missing.any():
            docs[name] = [[] if gap else value for gap, value in zip(missing, docs[name])]
    return docs


def _check_parts(root: Path, files: Path, documents_digest: str) -> None:
    """CorpusError when the manifest, tokens.parquet or documents.parquet name other documents than
    documents.jsonl."""
    import pyarrow.parquet as pq

    recorded = {}
    try:
        recorded[MANIFEST] = json.loads((files / MANIFEST).read_text(encoding="utf-8")).get("documents_sha256")
    except (OSError, ValueError, AttributeError):
        pass
    for name in (TOKENS, DOCUMENTS_TABLE):
        if (files / name).exists():
            digest = (pq.read_metadata(files / name).metadata or {}).get(DOCUMENTS_DIGEST)
            recorded[name] = digest.decode() if digest else None
    wrong = [name for name, digest in recorded.items() if digest and digest != documents_digest]
    if wrong:
        raise CorpusError(f"{root}: corpus parts disagree: {' and '.join(wrong)} made from other documents than "
                          f"{DOCUMENTS} (files replaced by hand, or left by an interrupted build); rebuild it with "
                          "`python -m pipeline build`")


def load_records(path: str | Path | None = None) -> list:
    """The built corpus's records as `Record` objects (for exporters and reviews that need every field)."""
    from pipeline.record import iter_records

    docs_path = corpus_files(Path(path) if path is not None else DEFAULT_BUILD) / DOCUMENTS
    if not docs_path.exists():
        raise FileNotFoundError(f"{docs_path}: no built corpus here (run `make corpus` or `python -m pipeline build`)")
    return list(iter_records(docs_path))
