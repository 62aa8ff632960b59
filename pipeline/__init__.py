"""Bilingual academic corpus and text-mining pipeline for Chinese social-science research.

Analysis in a notebook (the same functions the CLI commands call; results are tidy DataFrames):

    import pipeline
    corpus = pipeline.load_corpus("corpus/build")
    corpus.trends(["党建引领", "韧性", "共治"], by="year")  # docs, total, share, Wilson 95% ci per year
    corpus.keywords(method="tfidf", by="year", top=20)      # also "textrank", "author", "logodds"
    corpus.bursts()                                          # Kleinberg bursts: term, strength, begin, end
    net = corpus.network(unit="keywords")                    # or unit="concepts"; .centrality(), .to_gexf()
    corpus.glossary()                                        # zh, en, support from bilingual keywords
    pipeline.plot_trends(table, path="trends.png")          # Chinese labels without system fonts

Concepts (a name with Chinese and English terms) come from corpus/concepts.toml: pipeline.load_concepts().
The modules behind them: pipeline.concepts, .trends, .keywords, .bursts, .network, .glossary, .plot.
"""
from pipeline.record import Record

# Heavy modules load on first use, so `import pipeline` stays fast. The names differ from the module
# names: importing a submodule would replace a same-named attribute.
_LAZY = {
    "load_corpus": "pipeline.corpus",
    "Corpus": "pipeline.corpus",
    "load_concepts": "pipeline.concepts",
    "detect_bursts": "pipeline.bursts",
    "cooccurrence": "pipeline.network",
    "build_glossary": "pipeline.glossary",
    "plot_trends": "pipeline.plot",
}

__all__ = ["Record", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
