"""Stage 3, analysis: the built corpus → tidy DataFrames, figures and reports.

    corpus.py     the built corpus as DataFrames (load_corpus), the notebook's entry point
    concepts.py   concepts (name + Chinese/English terms) and matching them against documents
    tokens.py     tokens per document, aligned with the documents
    trends.py     concept shares per period with Wilson intervals
    keywords.py   TF-IDF, TextRank, author keywords, log-odds distinctive terms
    bursts.py     Kleinberg bursts
    network.py    co-occurrence networks
    citations.py  references table, most-cited works, reference bursts, co-citation/coupling units
    units.py      what a network's nodes are: keywords, concepts, authors, institutions, regions
    institutions.py, regions.py   affiliation → top-level institution, department, province (data/)
    selection.py  node selection: frequency, top N per slice, g-index
    clusters.py   Louvain clusters, modularity Q, silhouette, LLR labels
    knowledge_map.py  network + clusters → nodes/edges/clusters/summary files; drill-down to documents
    glossary.py   bilingual glossary from author keywords
    plot.py       figures with a bundled CJK font
    topics/       topic models (LDA, NMF), choosing K, topics over time, the HTML report
"""
