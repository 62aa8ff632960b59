"""Clusters of a network as CiteSpace reports them: communities, modularity Q, silhouette, LLR labels.

- Communities: Louvain (networkx's `louvain_communities`, weighted, resolution 1, seeded: the same
  network and seed give the same clusters). Numbered by size, largest first (#0), ties by their first
  node in the network's node order, as CiteSpace numbers them.
- Modularity Q: Newman's modularity of the weighted network and that partition (networkx `modularity`),
  the Q CiteSpace shows (Chen, Ibekwe-SanJuan & Hou 2010, "The structure and dynamics of cocitation
  clusters", JASIST 61(7): Q near 0 means no community structure; above 0.3 a clear one).
- Silhouette: Rousseeuw's (1987) s(i) = (b(i) − a(i)) / max(a(i), b(i)), a(i) the mean distance of node i
  to the other nodes of its cluster, b(i) the least mean distance to another cluster; s(i) = 0 in a
  one-node cluster. Chen et al. (2010) use it for the homogeneity of the clusters of CiteSpace's
  spectral clustering, between −1 and 1, on the network's spectral structure. The paper does not spell out
  the distance, so what is computed here is this: nodes are placed by the eigenvectors of the k largest
  eigenvalues of the normalized adjacency D^-1/2 W D^-1/2 (the k smallest of the normalized Laplacian),
  k = the number of clusters (at most 100 on networks of over 1,000 nodes), each row scaled to unit length (Ng, Jordan & Weiss 2002), and
  the distance is Euclidean in that space. A cluster's silhouette is the mean s(i) of its nodes; the
  network's is the mean over all nodes. Undefined (NaN; null in summary.json) with fewer than 2 clusters,
  fewer than 3 nodes, one cluster per node, or over SILHOUETTE_NODES nodes (select nodes first).
- Labels: log-likelihood ratio (Dunning 1993), as CiteSpace's LLR labels: the terms (author keywords and
  title words) of the documents behind a cluster against those of all other documents; the label is the
  term with the largest G² among the terms more frequent inside than outside. A cluster whose
  documents have no such term (it holds every document) is labelled by its most frequent node.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

SILHOUETTE_NODES = 5000  # above: not computed (distances of all node pairs in the embedding)
MAX_EMBEDDING = 100  # eigenvectors computed by Lanczos on large networks (all on small ones)
LABEL_TERMS = 5
DIGITS = 6  # silhouettes are rounded: eigenvectors differ in the last bits between BLAS builds


def communities(graph, seed: int = 0) -> list[list[str]]:
    """Louvain communities of `graph`, each in the graph's node order, largest first."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return []
    order = {node: i for i, node in enumerate(graph.nodes)}
    found = nx.community.louvain_communities(graph, weight="weight", resolution=1, seed=seed)
    groups = [sorted(group, key=order.__getitem__) for group in found]
    return sorted(groups, key=lambda g: (-len(g), order[g[0]]))


def modularity(graph, groups: list[list[str]]) -> float:
    import networkx as nx

    return float(nx.community.modularity(graph, groups, weight="weight")) if graph.number_of_edges() else 0.0


def spectral_embedding(graph, dimensions: int) -> np.ndarray:
    """Rows: nodes (graph order) in the space of the top eigenvectors of D^-1/2 W D^-1/2, unit length."""
    import networkx as nx
    import scipy.sparse as sp
    from scipy.sparse.linalg import eigsh

    n = graph.number_of_nodes()
    weights = nx.to_scipy_sparse_array(graph, weight="weight", format="csr", dtype=float)
    degree = np.asarray(weights.sum(axis=1)).ravel()
    isolated = degree == 0
    weights = weights + sp.diags(isolated.astype(float))  # an isolated node is its own component
    degree[isolated] = 1.0
    scale = sp.diags(1 / np.sqrt(degree))
    normalized = scale @ weights @ scale
    k = max(1, min(dimensions, n - 1))
    if n <= 1000:
        _, vectors = np.linalg.eigh(normalized.toarray())
        vectors = vectors[:, -k:]
    else:  # Lanczos, started from a fixed vector so the result does not depend on a random start
        _, vectors = eigsh(normalized, k=k, which="LA", v0=np.ones(n) / math.sqrt(n))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1, norms)


def silhouettes(graph, cluster_of: dict[str, int]) -> np.ndarray:
    """s(i) of every node (graph order), NaN when undefined (see the module docstring)."""
    from sklearn.metrics import silhouette_samples

    labels = np.array([cluster_of[n] for n in graph.nodes])
    n_clusters = len(set(labels.tolist()))
    if n_clusters < 2 or len(labels) < 3 or n_clusters >= len(labels) or len(labels) > SILHOUETTE_NODES:
        return np.full(len(labels), np.nan)
    points = spectral_embedding(graph, n_clusters if len(labels) <= 1000 else min(n_clusters, MAX_EMBEDDING))
    return silhouette_samples(points, labels, metric="euclidean")


def llr_scores(inside: np.ndarray, outside: np.ndarray, n_inside: int, n_outside: int) -> np.ndarray:
    """Dunning's G² of each term from its document counts inside and outside a cluster; terms not more
    frequent inside than outside score 0."""
    observed = np.stack([inside, n_inside - inside, outside, n_outside - outside]).astype(float)
    total = n_inside + n_outside
    with_term = inside + outside
    expected = np.stack([with_term * n_inside, (total - with_term) * n_inside,
                         with_term * n_outside, (total - with_term) * n_outside]) / max(total, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        cells = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    g2 = 2 * cells.sum(axis=0)
    over = inside * max(n_outside, 1) > outside * max(n_inside, 1) if n_outside else np.zeros_like(inside, bool)
    return np.where(over, g2, 0.0)


def label_clusters(doc_terms: list[list[str]], cluster_docs: np.ndarray, fallbacks: list[str],
                   top: int = LABEL_TERMS) -> list[tuple[str, list[str]]]:
    """(label, top terms) of each cluster: `cluster_docs` the boolean cluster × document matrix (the
    documents listing a member), `doc_terms` the terms of each document, `fallbacks[c]` the label of
    cluster c when no term is over-represented."""
    import scipy.sparse as sp

    vocabulary = sorted({t for terms in doc_terms for t in terms})
    index = {t: i for i, t in enumerate(vocabulary)}
    rows = [r for r, terms in enumerate(doc_terms) for _ in set(terms)]
    cols = [index[t] for terms in doc_terms for t in set(terms)]
    matrix = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(doc_terms), len(vocabulary)))
    totals = np.asarray(matrix.sum(axis=0)).ravel()
    inside_counts = (sp.csr_matrix(cluster_docs, dtype=float) @ matrix).tocsr()  # cluster × term documents
    n_docs = len(doc_terms)
    labelled = []
    for c, fallback in enumerate(fallbacks):
        start, end = inside_counts.indptr[c], inside_counts.indptr[c + 1]
        terms, inside = inside_counts.indices[start:end], inside_counts.data[start:end]
        n_inside = int(cluster_docs[c].sum())
        scores = llr_scores(inside, totals[terms] - inside, n_inside, n_docs - n_inside)
        order = sorted((i for i in range(len(terms)) if scores[i] > 0),
                       key=lambda i: (-scores[i], vocabulary[terms[i]]))[:top]
        ranked = [vocabulary[terms[i]] for i in order]
        labelled.append((ranked[0] if ranked else fallback, ranked))
    return labelled


def cluster_table(groups: list[list[str]], node_silhouette: dict[str, float], labels, mean_years) -> pd.DataFrame:
    """cluster, size, label, label_terms ("; "-joined), mean_year, silhouette (mean s(i) of its nodes)."""
    return pd.DataFrame({
        "cluster": range(len(groups)),
        "size": [len(g) for g in groups],
        "label": [label for label, _ in labels],
        "label_terms": ["; ".join(terms) for _, terms in labels],
        "mean_year": mean_years,
        "silhouette": [round(float(np.mean([node_silhouette[n] for n in g])), DIGITS) for g in groups],
    }, columns=["cluster", "size", "label", "label_terms", "mean_year", "silhouette"])
