"""The shared per-document views of a corpus: tokens (pipeline.analysis.tokens) and author keywords
(pipeline.analysis.corpus.document_keywords), read in one place and reused by every analysis."""
import pandas as pd
import pyarrow.compute
import pytest

from conftest import write_corpus
from pipeline.analysis import topics
from pipeline.analysis.bursts import _yearly_keyword_counts
from pipeline.analysis.corpus import Corpus, document_keywords, load_corpus
from pipeline.analysis.trends import periods

RECORDS = [
    {"id": "a", "year": 2020, "title_zh": "韧性治理", "abstract_zh": "共同富裕"},
    {"id": "b", "year": 2021, "title_zh": "社区", "title_en": "Community"},
    {"id": "c", "year": 2021, "title_zh": "无词"},
]
# Not in document order; "c" has no row; "z" has no document.
TOKENS = [
    {"id": "z", "tokens_zh": ["孤儿"], "tokens_en": []},
    {"id": "b", "tokens_zh": ["社区"], "tokens_en": ["community"]},
    {"id": "a", "tokens_zh": ["韧性", "治理"], "tokens_en": None},
]


@pytest.fixture
def corpus(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path / "c", RECORDS))
    tokens = pd.DataFrame(TOKENS, columns=["id", "tokens_zh", "tokens_en"])
    return Corpus(docs=corpus.docs, tokens=tokens, path=corpus.path)


def test_tokens_line_up_with_the_documents(corpus):
    assert corpus.document_tokens() == [["韧性", "治理"], ["社区", "community"], []]
    assert corpus.document_tokens("zh") == [["韧性", "治理"], ["社区"], []]
    assert corpus.document_tokens("en") == [[], ["community"], []]
    assert corpus.aligned_tokens.counts.tolist() == [2, 2, 0]
    with pytest.raises(ValueError, match="tokens must be one of"):
        corpus.document_tokens("fr")


def test_a_repeated_token_id_does_not_shift_later_documents(corpus):
    """Two identical inputs give records with the same id: every document must keep its own tokens."""
    repeated = pd.DataFrame([TOKENS[2], TOKENS[2], TOKENS[0], TOKENS[1]], columns=["id", "tokens_zh", "tokens_en"])
    aligned = Corpus(docs=corpus.docs, tokens=repeated, path=corpus.path).aligned_tokens
    assert aligned.lists("zh") == [["韧性", "治理"], ["社区"], []]


def test_each_call_gets_its_own_lists(corpus):
    first = corpus.document_tokens()
    first[0].append("改动")
    assert corpus.document_tokens()[0] == ["韧性", "治理"]


def test_topics_get_documents_in_id_order_with_their_own_tokens(corpus):
    shuffled = Corpus(docs=corpus.docs.iloc[[2, 0, 1]].reset_index(drop=True), tokens=corpus.tokens)
    docs, token_lists = topics.document_tokens(shuffled, "both")
    assert docs["id"].tolist() == ["a", "b", "c"]
    assert token_lists == [["韧性", "治理"], ["社区", "community"], []]


def test_without_tokens_parquet_the_chosen_fields_are_segmented(tmp_path):
    corpus = load_corpus(write_corpus(tmp_path / "plain", RECORDS))
    title_only = "".join(corpus.document_tokens(fields=["title"])[0])
    with_abstract = "".join(corpus.document_tokens(fields=["title", "abstract"])[0])
    assert "韧性" in title_only and "富裕" not in title_only
    assert "韧性" in with_abstract and "富裕" in with_abstract
    assert corpus.aligned_tokens.counts is None


def test_token_counts_are_computed_once_per_corpus(corpus, monkeypatch):
    calls = []

    class CountingCompute:
        def __getattr__(self, name):
            if name == "list_value_length":
                calls.append(name)
            return getattr(pyarrow.compute, name)

    monkeypatch.setattr("pipeline.analysis.tokens.pc", CountingCompute())
    tables = [corpus.trends([term]) for term in ("韧性", "社区", "治理")]
    assert [t["tokens"].tolist() for t in tables] == [[2, 2]] * 3
    assert [t["token_occurrences"].tolist() for t in tables] == [[1, 0], [0, 1], [1, 0]]
    assert len(calls) == 2  # one per token column, for the first query only
    assert corpus.text_index.tokens is corpus.aligned_tokens  # the concept index reuses the same lists


def test_author_keyword_rule():
    docs = pd.DataFrame({
        "keywords_zh": [["韧性", " 韧性 ", "治理", ""], [], None, ["韧性"]],
        "keywords_en": [["Resilience"], ["Resilience ", "GOVERNANCE", "governance", " "], None, None],
    })
    assert document_keywords(docs) == [{"韧性", "治理"}, {"resilience", "governance"}, set(), {"韧性"}]
    assert document_keywords(docs.drop(columns="keywords_en"))[1] == set()


def test_keyword_counts_bursts_and_networks_count_keywords_alike(tmp_path):
    records = [
        {"id": "k1", "year": 2020, "title_zh": "题", "keywords_zh": ["韧性", " 韧性 ", "治理"]},
        {"id": "k2", "year": 2020, "title_zh": "题", "keywords_en": ["Resilience ", "resilience", "Governance"]},
        {"id": "k3", "year": 2021, "title_zh": "题", "keywords_zh": ["韧性"], "keywords_en": ["resilience"]},
    ]
    corpus = load_corpus(write_corpus(tmp_path / "k", records))
    expected = {"韧性": 2, "治理": 1, "resilience": 1, "governance": 1}
    author = corpus.keywords(method="author", top=10)
    assert dict(zip(author["term"], author["docs"])) == expected
    network = corpus.network(unit="keywords", min_docs=1, top=None)
    assert dict(zip(network.nodes["node"], network.nodes["docs"])) == expected
    split = periods(corpus.docs, "year")
    matrix = _yearly_keyword_counts(corpus.author_keywords, split.rows, split.codes, len(split.labels))
    assert matrix.sum(axis=1).to_dict() == expected
    assert matrix.loc["韧性"].tolist() == [1, 1]
