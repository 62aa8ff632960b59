"""The figures of a knowledge map (matplotlib, Chinese labels through the bundled CJK font): the
network coloured by cluster, the timeline view and the time-zone view of CiteSpace, and publications per
year. Each `plot_*` takes a KnowledgeMap (or a table), saves to `path` when given (PNG, SVG or PDF by
extension) and returns the Figure.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.analysis.plot import use_cjk_font

SHOWN_CLUSTERS = 10  # clusters drawn in colour and listed in legends; the rest are grey
LABELLED_NODES = 25
GREY = "#bbbbbb"
KAMADA_KAWAI_NODES = 800
PLAUSIBLE_YEARS = (1900, 2100)  # figures leave out years outside (one real export has 2989)


def _palette():
    import matplotlib

    return [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab10"].colors]


def cluster_colors(kmap) -> dict[int, str]:
    palette = _palette()
    return {c: palette[c] if c < SHOWN_CLUSTERS else GREY for c in kmap.clusters["cluster"]}


def place_labels(ax, items, **style) -> int:
    """Annotate (text, x, y) items in order, skipping any whose box would overlap one already placed
    (so the most important labels win and none is unreadable). Returns how many were placed."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = []
    for text, x, y in items:
        label = ax.annotate(text, (x, y), **style)
        box = label.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in placed):
            label.remove()
        else:
            placed.append(box)
    return len(placed)


def _save(fig, path):
    if path is not None:
        # SVG text as paths: the figure then shows Chinese without the font on the reader's machine
        fig.savefig(path, dpi=150, **({"metadata": {"Date": None}} if str(path).endswith(".svg") else {}))
    return fig


def _legend_handles(kmap, colors):
    from matplotlib.lines import Line2D

    shown = kmap.clusters.head(SHOWN_CLUSTERS)
    return [Line2D([], [], marker="o", linestyle="", color=colors[r.cluster], markersize=8,
                   label=f"#{r.cluster} {r.label} ({r.size})") for r in shown.itertuples()]


def _sizes(docs, smallest: float = 20, largest: float = 600):
    docs = np.asarray(docs, dtype=float)
    top = docs.max() if len(docs) else 1.0
    return smallest + (largest - smallest) * np.sqrt(docs / top)


def plot_network(kmap, path: str | Path | None = None, labelled: int = LABELLED_NODES, seed: int = 0):
    """Nodes placed by a seeded force-directed layout, sized by documents, coloured by cluster (the 10
    largest; others grey), the most frequent nodes labelled, legend of cluster labels."""
    use_cjk_font()
    import matplotlib.pyplot as plt
    import networkx as nx

    graph = kmap.network.graph()
    colors = cluster_colors(kmap)
    cluster_of = dict(zip(kmap.nodes["node"], kmap.nodes["cluster"]))
    positions = component_layout(graph, seed)
    fig, ax = plt.subplots(figsize=(10, 8))
    widths = [0.3 + 1.5 * d["weight"] / max(1, max((d["weight"] for *_, d in graph.edges(data=True)), default=1))
              for *_, d in graph.edges(data=True)]
    nx.draw_networkx_edges(graph, positions, ax=ax, width=widths, edge_color="#999999", alpha=0.35)
    nodes = list(graph.nodes)
    nx.draw_networkx_nodes(graph, positions, nodelist=nodes, ax=ax, linewidths=0.5, edgecolors="white",
                           node_size=_sizes([graph.nodes[n]["docs"] for n in nodes]),
                           node_color=[colors[cluster_of[n]] for n in nodes])
    top = kmap.nodes.sort_values(["docs", "node"], ascending=[False, True]).head(labelled)["node"]
    ax.legend(handles=_legend_handles(kmap, colors), loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
              title="聚类（节点数）")
    ax.set_title(f"{kmap.unit} network: {len(graph)} nodes, {graph.number_of_edges()} links, "
                 f"Q = {kmap.summary['modularity']:.3f}, S = {_fmt(kmap.summary['silhouette'])}")
    ax.axis("off")
    fig.tight_layout()
    place_labels(ax, [(node, *positions[node]) for node in top], fontsize=9, ha="center", va="bottom",
                 xytext=(0, 5), textcoords="offset points",
                 bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    return _save(fig, path)


def component_layout(graph, seed: int = 0) -> dict:
    """Positions: the largest connected component fills the unit square (Kamada–Kawai up to
    KAMADA_KAWAI_NODES nodes, else a seeded spring layout); the
    other components, each laid out alike and scaled by the square root of its size, are packed in rows
    below it (a force layout of a disconnected graph throws the small pieces far out and crushes the
    main one)."""
    import networkx as nx

    parts = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    positions: dict = {}
    if not parts:
        return positions
    biggest = len(parts[0])
    x, y, row_height = 0.0, -0.08, 0.0
    for i, part in enumerate(parts):
        # Not graph.subgraph(part): a subgraph view of a small part iterates the set, whose order changes
        # with each process's string hashing, and the layouts depend on the node order.
        nodes = [node for node in graph if node in part]
        sub = nx.Graph()
        sub.add_nodes_from(nodes)
        sub.add_edges_from((u, v, data) for u, v, data in graph.edges(nodes, data=True) if v in part)
        if len(part) == 1:
            layout = {next(iter(part)): np.zeros(2)}
        elif len(part) <= KAMADA_KAWAI_NODES:  # spreads hub-and-spoke networks evenly; O(n²) memory
            layout = nx.kamada_kawai_layout(sub, weight=None)
        else:
            layout = nx.spring_layout(sub, seed=seed, k=2.0 / len(part) ** 0.5, iterations=100)
        points = np.array(list(layout.values()), dtype=float)
        span = np.ptp(points, axis=0).max() if len(points) > 1 else 1.0
        size = 1.0 if i == 0 else max(0.06, 0.5 * (len(part) / biggest) ** 0.5)
        points = (points - points.min(axis=0)) / (span or 1.0) * size
        if i == 0:
            offset = np.array([0.0, 0.0])
        else:
            if x + size > 1.0:
                x, y, row_height = 0.0, y - row_height - 0.06, 0.0
            offset = np.array([x, y - size])
            x, row_height = x + size + 0.06, max(row_height, size)
        positions.update(zip(layout, points + offset))
    return positions


def _fmt(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def _dated(kmap):
    nodes = kmap.nodes[kmap.nodes["first_year"].notna()].copy()
    nodes["first_year"] = nodes["first_year"].astype(int)
    return nodes[nodes["first_year"].between(*PLAUSIBLE_YEARS)]


def plot_timeline(kmap, path: str | Path | None = None, clusters: int = SHOWN_CLUSTERS, per_cluster: int = 4):
    """CiteSpace's timeline view: one row per cluster (largest first), nodes at their first year sized by
    documents, links between nodes of the same cluster as arcs, the most frequent nodes labelled, the
    cluster label at the row's end."""
    use_cjk_font()
    import matplotlib.pyplot as plt
    from matplotlib.patches import Arc

    nodes = _dated(kmap)
    shown = kmap.clusters.head(clusters)
    colors = cluster_colors(kmap)
    row_of = {c: i for i, c in enumerate(shown["cluster"])}
    nodes = nodes[nodes["cluster"].isin(row_of)]
    fig, ax = plt.subplots(figsize=(12, 0.75 * len(row_of) + 1.5))
    if nodes.empty:
        ax.text(0.5, 0.5, "no dated nodes", ha="center")
        return _save(fig, path)
    first, last = nodes["first_year"].min(), nodes["first_year"].max()
    position = {r.node: (r.first_year, row_of[r.cluster]) for r in nodes.itertuples()}
    for r in kmap.edges.itertuples():
        a, b = position.get(r.source), position.get(r.target)
        if a and b and a[1] == b[1] and a[0] != b[0]:
            centre, width = (a[0] + b[0]) / 2, abs(a[0] - b[0])
            ax.add_patch(Arc((centre, a[1]), width, 0.5, theta1=0, theta2=180, color=colors[nodes.loc[
                nodes["node"] == r.source, "cluster"].iloc[0]], alpha=0.35, linewidth=0.6))
    for cluster, row in row_of.items():
        ax.axhline(row, color="#dddddd", linewidth=0.8, zorder=0)
    ax.scatter(nodes["first_year"], nodes["cluster"].map(row_of), s=_sizes(nodes["docs"], 15, 400),
               c=[colors[c] for c in nodes["cluster"]], edgecolors="white", linewidths=0.5, zorder=3)
    labelled = pd.concat([group.sort_values(["docs", "node"], ascending=[False, True]).head(per_cluster)
                          for _, group in nodes.groupby("cluster")]).sort_values(["docs", "node"], ascending=[False, True])
    for r in shown.itertuples():
        ax.text(last + 0.6, row_of[r.cluster], f"#{r.cluster} {r.label}", va="center", fontsize=10,
                color=colors[r.cluster], fontweight="bold")
    ax.set_xlim(first - 0.8, last + 0.5 + max(2.5, (last - first) * 0.25))
    ax.set_ylim(len(row_of) - 0.4, -0.7)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_xlabel("首次出现年份")
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(f"Timeline view: {kmap.unit}, {len(row_of)} largest clusters")
    fig.tight_layout()
    place_labels(ax, [(r.node, r.first_year, row_of[r.cluster]) for r in labelled.itertuples()],
                 xytext=(0, -13), textcoords="offset points", ha="center", fontsize=8)
    return _save(fig, path)


def plot_timezone(kmap, path: str | Path | None = None, labelled: int = LABELLED_NODES):
    """CiteSpace's time-zone view: nodes in the column of their first year, stacked by documents (most
    at the bottom), coloured by cluster, links as lines; shows how the field grew year by year."""
    use_cjk_font()
    import matplotlib.pyplot as plt

    nodes = _dated(kmap).sort_values(["first_year", "docs", "node"], ascending=[True, False, True])
    colors = cluster_colors(kmap)
    fig, ax = plt.subplots(figsize=(12, 7))
    if nodes.empty:
        ax.text(0.5, 0.5, "no dated nodes", ha="center")
        return _save(fig, path)
    nodes["level"] = nodes.groupby("first_year").cumcount()
    depth = nodes.groupby("first_year")["level"].transform("max") + 1
    nodes["y"] = (nodes["level"] + 0.5) / depth.clip(lower=1)
    position = {r.node: (r.first_year, r.y) for r in nodes.itertuples()}
    for r in kmap.edges.itertuples():
        if r.source in position and r.target in position:
            (x1, y1), (x2, y2) = position[r.source], position[r.target]
            ax.plot([x1, x2], [y1, y2], color="#999999", alpha=0.15, linewidth=0.5, zorder=1)
    ax.scatter(nodes["first_year"], nodes["y"], s=_sizes(nodes["docs"], 15, 500),
               c=[colors[c] for c in nodes["cluster"]], edgecolors="white", linewidths=0.5, zorder=3)
    for year in sorted(nodes["first_year"].unique()):
        ax.axvline(year - 0.5, color="#eeeeee", linewidth=0.8, zorder=0)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.set_yticks([])
    ax.set_xlabel("首次出现年份")
    ax.legend(handles=_legend_handles(kmap, colors), loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False,
              title="聚类（节点数）")
    ax.set_title(f"Time-zone view: {kmap.unit}")
    fig.tight_layout()
    place_labels(ax, [(r.node, r.first_year, r.y) for r in
                      nodes.sort_values(["docs", "node"], ascending=[False, True]).head(labelled).itertuples()],
                 xytext=(4, 2), textcoords="offset points", fontsize=8, zorder=4,
                 bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
    return _save(fig, path)


def plot_publications(table, path: str | Path | None = None):
    """Bars of documents per year (pipeline.analysis.bibliometrics.publications_per_year)."""
    use_cjk_font()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 3.5))
    shown = table[table["year"].between(*PLAUSIBLE_YEARS)]
    ax.bar(shown["year"], shown["docs"], color="#4c78a8")
    left_out = int(table["docs"].sum() - shown["docs"].sum())
    if left_out:
        ax.set_title(f"{left_out} document(s) with an implausible year not shown", fontsize=9, loc="right")
    ax.set_xlabel("年份")
    ax.set_ylabel("发文量")
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    fig.tight_layout()   # else the x label falls off the bottom of the image
    return _save(fig, path)
