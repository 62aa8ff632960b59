"""Bilingual academic corpus and text-mining pipeline for Chinese social-science research.

Building the corpus (what `make corpus` and `python -m pipeline build|ingest|fetch|segment` run):

    pipeline.build_corpus("corpus/raw", "corpus/build")     # incremental, atomic; returns a summary
    for result in pipeline.ingest_paths(["saved/"]):         # records (pipeline.Record) of each file
        result.records, result.error
    pipeline.segment_texts(["党建引领下的社区治理"])          # [['党建引领', '社区治理']]
    pipeline.fetch_urls(urls, "corpus/raw")                  # polite download (robots.txt, delays)
    pipeline.crawl([issue_or_edition_url], "corpus/raw")     # walk an e-paper edition / journal issue
    pipeline.read_export_file("download.txt")                # CNKI/Wanfang/CiteSpace exports → records
    pipeline.write_export(records, "citespace", "out/")      # back out: CiteSpace, CSV, RIS
    pipeline.merge_duplicates(records)                       # (merged records, duplicate groups)

Analysis in a notebook (the same functions the CLI commands call; results are tidy DataFrames):

    import pipeline
    corpus = pipeline.load_corpus("corpus/build")
    corpus.trends(["党建引领", "韧性", "共治"], by="year")  # docs, total, share, Wilson 95% ci per year
    corpus.keywords(method="tfidf", by="year", top=20)      # also "textrank", "author", "logodds"
    corpus.bursts()                                          # Kleinberg bursts: term, strength, begin, end
    net = corpus.network(unit="keywords")                    # or concepts, authors, institutions, regions
    kmap = corpus.knowledge_map("authors")                   # + clusters, Q, silhouette; .write(dir)
    kmap.documents_of(cluster=0)                             # drill-down; corpus.documents_of(term, years=…)
    pipeline.plot_timeline(kmap, path="timeline.png")       # also plot_network, plot_timezone, plot_publications
    pipeline.bibliometrics.core_authors(corpus)              # Price's law; journals (Bradford), … ; report:
    pipeline.write_report(corpus, "maps/")                   # one offline HTML page, maps/index.html
    corpus.glossary()                                        # zh, en, support from bilingual keywords
    corpus.references(); corpus.most_cited(top=20)           # what the corpus cites (parsed, keyed)
    corpus.reference_bursts()                                # Kleinberg citation bursts of cited works
    corpus.document_tokens("both")                           # token lists per document (tokens.parquet)
    pipeline.plot_trends(table, path="trends.png")          # Chinese labels without system fonts
    result = pipeline.topics.fit(corpus, k=20)              # LDA (or method="nmf", k_range=(5, 30));
    result.topics, result.doc_topics, result.prevalence     # ... result.save(dir); pipeline.topics.report(dir)

Concepts (a name with Chinese and English terms) come from corpus/concepts.toml: pipeline.load_concepts().
The code, one subpackage per stage (imports point from later stages to earlier ones only):
pipeline.record (the record) → .text → .references → .ingest (and .fetch) → .build → .analysis → .writers → .cli.
"""
from pipeline.record import Record

# Heavy modules load on first use, so `import pipeline` stays fast. The names differ from the module
# names: importing a submodule would replace a same-named attribute.
_LAZY = {
    "build_corpus": "pipeline.build",
    "ingest_paths": "pipeline.ingest",
    "segment_texts": "pipeline.text.segment",
    "fetch_urls": "pipeline.fetch",
    "crawl": "pipeline.fetch.crawl",
    "read_export_file": "pipeline.ingest.readers",
    "write_export": "pipeline.writers",
    "merge_duplicates": "pipeline.build.dedup",
    "load_corpus": "pipeline.analysis.corpus",
    "Corpus": "pipeline.analysis.corpus",
    "load_concepts": "pipeline.analysis.concepts",
    "detect_bursts": "pipeline.analysis.bursts",
    "cooccurrence": "pipeline.analysis.network",
    "build_glossary": "pipeline.analysis.glossary",
    "plot_trends": "pipeline.analysis.plot",
    "plot_network": "pipeline.analysis.views",
    "plot_timeline": "pipeline.analysis.views",
    "plot_timezone": "pipeline.analysis.views",
    "plot_publications": "pipeline.analysis.views",
    "write_report": "pipeline.analysis.report",
}

# Subpackages reachable after a plain `import pipeline` (loaded on first use) under a short name.
_MODULES = {"topics": "pipeline.analysis.topics", "bibliometrics": "pipeline.analysis.bibliometrics"}

__all__ = ["Record", *_LAZY, *_MODULES]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _MODULES:
        import importlib

        return importlib.import_module(_MODULES[name])
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
