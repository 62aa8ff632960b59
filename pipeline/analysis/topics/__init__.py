"""Topic models over the built corpus (what `python -m pipeline topics …` runs):

    result = pipeline.topics.fit(corpus, k=20)      # LDA (gensim) or method="nmf"; k_range=(5, 30) chooses K
    result.save("topics/k20"); pipeline.topics.report("topics/k20")
    pipeline.topics.infer("topics/k20", token_lists)

    topics.py    vocabulary, the models, K selection, the tables, saving and loading, inference
    report.py    the offline HTML report of a fit
"""
# The report module is loaded first: loaded later (by report()), it would replace the function `report`
# below as the package's attribute, and `pipeline.topics.report(...)` would fail from the second call on.
from pipeline.analysis.topics import report as _report_module  # noqa: F401
from pipeline.analysis.topics.topics import (Options, TopicResult, describe, document_tokens, fit, infer, infer_file,
                                             load, read_documents, report)

__all__ = ["Options", "TopicResult", "describe", "document_tokens", "fit", "infer", "infer_file", "load",
           "read_documents", "report"]
