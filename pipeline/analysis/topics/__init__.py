"""Topic models over the built corpus (what `python -m pipeline topics …` runs):

    result = pipeline.topics.fit(corpus, k=20)      # LDA (Gibbs) or method="nmf"; k_range=(5, 30) chooses K
    result.save("topics/k20"); pipeline.topics.report("topics/k20")
    pipeline.topics.infer("topics/k20", token_lists)

    fit.py         fit, summarize, describe, report: the steps in order
    options.py     the fit's settings (Options)
    vocabulary.py  documents → tokens → pruned vocabulary → count matrix
    model.py       the interface of a topic model (fit / transform / components_), as in scikit-learn
    gibbs.py       LDA by Gibbs sampling (tomotopy): the default `lda`
    lda.py, nmf.py gensim's variational LdaModel (`lda-gensim`); scikit-learn NMF on TF-IDF
    registry.py    the methods by name; saving and loading a model of any method
    selection.py   choosing K by coherence and stability over two seeds
    tables.py      top terms, labels, topic map, prevalence over time, per-period terms, top documents
    result.py      TopicResult and its output directory
    inference.py   a saved model with its vocabulary and segmenter settings; topics of new documents
    report.py      the offline HTML report of a fit
"""
# The report module is loaded first: loaded later (by report()), it would replace the function `report`
# below as the package's attribute, and `pipeline.topics.report(...)` would fail from the second call on.
from pipeline.analysis.topics import report as _report_module  # noqa: F401
from pipeline.analysis.topics.fit import describe, fit, report
from pipeline.analysis.topics.inference import infer, infer_file, read_documents
from pipeline.analysis.topics.options import Options
from pipeline.analysis.topics.result import TopicResult, load
from pipeline.analysis.topics.vocabulary import document_tokens

__all__ = ["Options", "TopicResult", "describe", "document_tokens", "fit", "infer", "infer_file", "load",
           "read_documents", "report"]
