"""Co-occurrence networks of the units of pipeline.analysis.units (author keywords, concepts, authors,
institutions, regions, cited works, authors and journals), with documents as the unit of counting; for
coupling, cited works (the nodes are documents).

Two nodes are linked by the number of rows (documents; cited works for coupling) that have both (`weight`);
`association` is the association strength of van Eck & Waltman (2009), weight · N / (docs_i · docs_j), N
the number of rows: 1 means they co-occur as often as chance would have it. Exports: GEXF (Gephi) and VOSviewer map + network files.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.concepts import DEFAULT_FIELDS, concept_set, resolve_all
from pipeline.safe_text import xml_text



@dataclass
class Network:
    nodes: pd.DataFrame  # node, docs
    edges: pd.DataFrame  # source, target, weight, association
    documents: int

    def graph(self):
        import networkx as nx

        graph = nx.Graph()
        for node, docs in zip(self.nodes["node"], self.nodes["docs"]):
            graph.add_node(node, label=node, docs=int(docs))
        for row in self.edges.itertuples(index=False):
            graph.add_edge(row.source, row.target, weight=int(row.weight), association=float(row.association))
        return graph

    def centrality(self, betweenness_samples: int | None = None, seed: int = 0) -> pd.DataFrame:
        """node, docs, degree (links), strength (co-occurrences), betweenness (normalized, unweighted;
        estimated from `betweenness_samples` seeded source nodes when given, else exact)."""
        import networkx as nx

        graph = self.graph()
        samples = betweenness_samples if betweenness_samples and betweenness_samples < len(graph) else None
        betweenness = nx.betweenness_centrality(graph, k=samples, seed=seed if samples else None)
        table = pd.DataFrame({
            "node": list(graph.nodes),
            "docs": [graph.nodes[n]["docs"] for n in graph.nodes],
            "degree": [graph.degree(n) for n in graph.nodes],
            "strength": [int(graph.degree(n, weight="weight")) for n in graph.nodes],
            "betweenness": [betweenness[n] for n in graph.nodes],
        })
        return table.sort_values(["strength", "docs", "node"], ascending=[False, False, True], ignore_index=True)

    def to_gexf(self, path: str | Path) -> Path:
        import networkx as nx

        # networkx stamps today's date into <meta>; dropped so the same network gives the same file.
        # Names lose what XML cannot hold (a control character made the file unreadable), before networkx
        # writes them: it splits its output into lines on some of them.
        graph = nx.relabel_nodes(self.graph(), xml_text)
        nx.set_node_attributes(graph, {node: xml_text(label) for node, label in graph.nodes(data="label")}, "label")
        text = "\n".join(nx.generate_gexf(graph))
        text = re.sub(r' lastmodifieddate="[^"]*"', "", text)
        Path(path).write_text(text + "\n", encoding="utf-8")
        return Path(path)

    def to_vosviewer(self, map_path: str | Path, network_path: str | Path) -> tuple[Path, Path]:
        """VOSviewer map file (id, label, weight<Documents>) and network file (id, id, strength)."""
        ids = {node: i + 1 for i, node in enumerate(self.nodes["node"])}
        with open(map_path, "w", encoding="utf-8", newline="") as fh:
            fh.write("id\tlabel\tweight<Documents>\n")
            for node, docs in zip(self.nodes["node"], self.nodes["docs"]):
                fh.write(f"{ids[node]}\t{node}\t{docs}\n")
        with open(network_path, "w", encoding="utf-8", newline="") as fh:
            for row in self.edges.itertuples(index=False):
                fh.write(f"{ids[row.source]}\t{ids[row.target]}\t{row.weight}\n")
        return Path(map_path), Path(network_path)


def concept_sets(corpus, terms=None, fields=DEFAULT_FIELDS, concepts=None) -> list[set[str]]:
    """Concepts (all in the concept file, or the given terms) found in each document."""
    known = concept_set(concepts, corpus.path)
    wanted = resolve_all(terms, known, corpus.glossary) if terms else list(known.values())
    sets = [set() for _ in range(len(corpus.docs))]
    for concept, found in zip(wanted, corpus.text_index.match(wanted, fields)):
        for row in np.flatnonzero(found.docs):
            sets[row].add(concept.name)
    return sets


def build_network(sets: list[set[str]], min_docs: int = 2, top: int | None = 100, keep: set[str] | None = None
                  ) -> Network:
    """Network of the `top` most frequent items found in at least `min_docs` documents, or of exactly the
    items in `keep` when given (pipeline.analysis.selection)."""
    frequency = Counter(item for items in sets for item in items)
    ranked = sorted((item for item, n in frequency.items() if keep is not None or n >= min_docs),
                    key=lambda i: (-frequency[i], i))
    kept = set(keep) if keep is not None else set(ranked[:top] if top else ranked)
    pairs = Counter(pair for items in sets for pair in combinations(sorted(items & kept), 2))
    n_docs = len(sets)
    nodes = pd.DataFrame({"node": [i for i in ranked if i in kept],
                          "docs": [frequency[i] for i in ranked if i in kept]}, columns=["node", "docs"])
    edges = pd.DataFrame([(a, b, n, n * n_docs / (frequency[a] * frequency[b])) for (a, b), n in sorted(pairs.items())],
                         columns=["source", "target", "weight", "association"])
    edges["weight"] = edges["weight"].astype("int64")
    return Network(nodes=nodes, edges=edges, documents=n_docs)


def cooccurrence(corpus, unit: str = "keywords", terms=None, min_docs: int = 2, top: int | None = 100,
                 fields=DEFAULT_FIELDS, concepts=None) -> Network:
    """Network of any unit of pipeline.analysis.units, counted over its rows (documents; cited works for coupling)."""
    from pipeline.analysis.units import unit_counting

    options = {"terms": terms, "fields": fields, "concepts": concepts} if unit == "concepts" else {}
    return build_network([set(items) for items in unit_counting(corpus, unit, **options).rows], min_docs=min_docs, top=top)
