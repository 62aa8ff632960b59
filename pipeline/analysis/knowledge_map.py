"""A network of one unit with its clusters, as the knowledge-map literature reports it, and the way back
from any node, edge or cluster to its documents.

`knowledge_map(corpus, unit)` → KnowledgeMap: `.nodes` (node, docs, degree, strength, betweenness,
cluster, first_year), `.edges` (source, target, weight; undirected, each pair once), `.clusters` (cluster,
size, label, label_terms, mean_year, silhouette), `.summary` (modularity, silhouette, nodes, edges and the
settings); `.write(out)` puts them in nodes.csv, edges.csv, clusters.csv, summary.json, plus network.gexf
and the VOSviewer map and network files. The network counts the rows of the unit's Counting (documents;
cited works for coupling), while years, first years, the documents of a cluster and its label, and the
drill-down read the documents behind each node. `docs` is the number of rows holding a node: for coupling,
the works a document cites. Units: pipeline.analysis.units; node selection:
pipeline.analysis.selection; clusters, Q, silhouette and labels: pipeline.analysis.clusters.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.clusters import DIGITS, cluster_table, communities, label_clusters, modularity, silhouettes
from pipeline.analysis.selection import select_nodes
from pipeline.analysis.units import Counting, document_years, unit_counting
from pipeline.safe_text import csv_table

NODE_COLUMNS = ["node", "docs", "degree", "strength", "betweenness", "cluster", "first_year"]
DOCUMENT_COLUMNS = ["id", "year", "title_zh", "title_en", "authors", "journal"]
# Exact betweenness costs nodes × edges in Python: above EXACT_BETWEENNESS_NODES nodes it is estimated
# from BETWEENNESS_SAMPLES seeded source nodes (Brandes & Pich 2007), as summary.json says.
EXACT_BETWEENNESS_NODES = 1000
BETWEENNESS_SAMPLES = 100


@dataclass
class KnowledgeMap:
    unit: str
    nodes: pd.DataFrame
    edges: pd.DataFrame
    clusters: pd.DataFrame
    summary: dict
    network: object = field(repr=False)  # pipeline.analysis.network.Network (GEXF, VOSviewer, graph)
    counting: Counting = field(repr=False)  # rows counted and node labels of every document (before selection)
    docs: pd.DataFrame = field(repr=False)

    @property
    def labels(self) -> list[list[str]]:
        return self.counting.documents

    def members(self, cluster: int) -> list[str]:
        return self.nodes.loc[self.nodes["cluster"] == cluster, "node"].tolist()

    def documents_of(self, node: str | None = None, edge: tuple[str, str] | None = None,
                     cluster: int | None = None, years: tuple[int, int] | None = None) -> pd.DataFrame:
        """The documents behind a node (listing it), an edge (see `edge_documents`) or a cluster (listing
        any of its nodes), optionally only those published in `years` (first, last)."""
        if cluster is not None:
            return documents_matching(self.docs, self.labels, any_of=self.members(cluster), years=years)
        if node is not None:
            return documents_matching(self.docs, self.labels, all_of=[node], years=years)
        return documents_matching(self.docs, self.labels, years=years, **edge_documents(edge or (), self.counting.rows_are))

    def rows_of(self, edge: tuple[str, str]) -> list[str]:
        """Ids of the rows an edge's weight counts: the documents listing both ends, or for coupling the
        keys of the works both documents cite."""
        ends = set(edge)
        return [row_id for row_id, items in zip(self.counting.row_ids, self.counting.rows) if ends <= set(items)]

    def write(self, out: str | Path) -> dict[str, Path]:
        """nodes.csv, edges.csv, clusters.csv (text cells that a spreadsheet would run as formulas get a
        leading ', pipeline.safe_text), summary.json, network.gexf, vosviewer_map.txt and
        vosviewer_network.txt in `out` (created)."""
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = {name: out / name for name in ("nodes.csv", "edges.csv", "clusters.csv", "summary.json")}
        for name, table in [("nodes.csv", self.nodes), ("edges.csv", self.edges[["source", "target", "weight"]]),
                            ("clusters.csv", self.clusters)]:
            csv_table(table).to_csv(paths[name], index=False, lineterminator="\n")
        paths["summary.json"].write_text(json.dumps(self.summary, ensure_ascii=False, indent=2) + "\n",
                                         encoding="utf-8")
        paths["network.gexf"] = self.network.to_gexf(out / "network.gexf")
        paths["vosviewer_map.txt"], paths["vosviewer_network.txt"] = self.network.to_vosviewer(
            out / "vosviewer_map.txt", out / "vosviewer_network.txt")
        return paths


def edge_documents(edge, rows_are: str = "documents") -> dict:
    """Which documents are behind an edge: those listing both ends when the network counts documents;
    when it counts other rows (coupling: cited works) the nodes are documents, and an edge's are its two ends."""
    return {"all_of": list(edge)} if rows_are == "documents" else {"any_of": list(edge)}


def documents_matching(docs: pd.DataFrame, labels: list[list[str]], all_of=(), any_of=(),
                       years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Rows of `docs` (DOCUMENT_COLUMNS) whose labels hold every label of `all_of` and, when given, one
    of `any_of`; within `years` when given."""
    wanted_all, wanted_any = set(all_of), set(any_of)
    keep = np.array([wanted_all <= set(items) and (not wanted_any or bool(wanted_any & set(items)))
                     for items in labels], dtype=bool)
    if years is not None:
        year = docs["year"]
        keep &= (year.notna() & (year >= years[0]) & (year <= years[1])).to_numpy(dtype=bool)
    columns = [c for c in DOCUMENT_COLUMNS if c in docs]
    return docs.loc[keep, columns].reset_index(drop=True)


def title_terms(corpus) -> list[list[str]]:
    """Words of each document's Chinese title, as the corpus build segments them."""
    from pipeline.text.segment import segment_texts

    titles = corpus.docs["title_zh"] if "title_zh" in corpus.docs else pd.Series([None] * len(corpus))
    words = segment_texts([t if isinstance(t, str) else "" for t in titles])
    return [[w for w in terms if len(w) >= 2] for terms in words]


def knowledge_map(corpus, unit: str = "keywords", min_docs: int = 2, top: int | None = 100,
                  selection: str = "frequency", slice_years: int = 1, g_k: float = 25.0, seed: int = 0,
                  **unit_options) -> KnowledgeMap:
    """The network of `unit` over the corpus, its clusters and summary (see the module docstring).
    `unit_options` go to the concepts unit (terms, fields, concepts)."""
    from pipeline.analysis.network import build_network

    counting = unit_counting(corpus, unit, **{k: v for k, v in unit_options.items() if v is not None})
    labels = counting.documents
    years = document_years(corpus)
    kept = select_nodes(labels, years, selection, top=top, min_docs=min_docs, slice_years=slice_years, g_k=g_k,
                        weights=counting.weights)
    network = build_network([set(items) for items in counting.rows], keep=kept)
    graph = network.graph()
    groups = communities(graph, seed=seed)
    cluster_of = {node: c for c, group in enumerate(groups) for node in group}
    node_silhouette = dict(zip(graph.nodes, silhouettes(graph, cluster_of)))
    sampled = BETWEENNESS_SAMPLES if len(graph) > EXACT_BETWEENNESS_NODES else None
    nodes = network.centrality(betweenness_samples=sampled, seed=seed)
    nodes["cluster"] = nodes["node"].map(cluster_of).astype("int64")
    nodes["first_year"] = nodes["node"].map(_first_years(labels, years)).astype("Int64")
    cluster_docs = np.zeros((len(groups), len(labels)), dtype=bool)  # cluster × document: lists a member
    for row, items in enumerate(labels):
        for cluster in {cluster_of[label] for label in items if label in cluster_of}:
            cluster_docs[cluster, row] = True
    doc_years = np.array([np.nan if y is None else y for y in years], dtype=float)
    mean_years = [round(float(np.nanmean(doc_years[mask])), 1) if np.isfinite(doc_years[mask]).any() else None
                  for mask in cluster_docs]
    terms = [sorted(set(t) | set(k)) for t, k in zip(corpus.title_words, corpus.author_keywords)]
    named = label_clusters(terms, cluster_docs, fallbacks=[group[0] for group in groups])
    clusters = cluster_table(groups, node_silhouette, named, mean_years)
    values = np.array(list(node_silhouette.values()), dtype=float)
    mean_silhouette = round(float(values.mean()), DIGITS) if len(values) and not np.isnan(values).any() else None
    summary = {
        "unit": unit,
        "modularity": modularity(graph, groups),
        "silhouette": mean_silhouette,
        "nodes": int(len(nodes)),
        "edges": int(len(network.edges)),
        "clusters": len(groups),
        "documents": len(corpus.docs),
        "documents_with_nodes": int(sum(bool(set(items) & kept) for items in labels)),
        "settings": {"rows": counting.rows_are, "min_docs": min_docs, "top": top, "selection": selection, "slice_years": slice_years,
                     "g_k": g_k, "seed": seed, "community": "louvain (networkx), resolution 1, weighted",
                     "betweenness": f"estimated from {sampled} sampled sources" if sampled else "exact",
                     "corpus": str(corpus.path) if corpus.path is not None else None,
                     **{k: (list(v) if isinstance(v, (list, tuple)) else str(v)) for k, v in unit_options.items()
                        if v is not None}},
    }
    return KnowledgeMap(unit=unit, nodes=nodes[NODE_COLUMNS], edges=network.edges, clusters=clusters,
                        summary=summary, network=network, counting=counting, docs=corpus.docs)


def _first_years(labels: list[list[str]], years: list[int | None]) -> dict[str, int]:
    first: dict[str, int] = {}
    for items, year in zip(labels, years):
        if year is not None:
            for label in items:
                if label not in first or year < first[label]:
                    first[label] = year
    return first
