"""The topic-model contract, checked on every registered method the way scikit-learn's check_estimator
checks an estimator: parameters in the constructor only, fit returns the model, shapes, nonnegativity,
empty documents, determinism for a seed, an unfitted copy from get_params, saving and loading, errors."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix

from pipeline.analysis.topics import Options
from pipeline.analysis.topics.registry import METHODS, MODELS, load_model, make_model, save_model

K = 2


def two_blocks(n_docs: int = 60, seed: int = 0):
    """Counts over 12 terms: documents use terms 0-5 or 6-11 (alternating); every tenth row is empty."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n_docs, 12))
    for i in range(n_docs):
        if i % 10 != 9:
            block = (i % 2) * 6
            np.add.at(X[i], block + rng.integers(0, 6, 20), 1)
    return csr_matrix(X)


@pytest.fixture(params=METHODS)
def model_class(request):
    return MODELS[request.param]


def small(model_class, seed=0):
    return model_class.from_options(K, seed, Options(passes=5))


def test_registry_names_the_methods():
    assert METHODS == ("lda", "nmf", "lda-gensim")
    assert all(cls.method == name for name, cls in MODELS.items())
    assert type(make_model("lda-gibbs", 3)) is MODELS["lda"]   # its name before it became the default
    with pytest.raises(ValueError, match="method must be one of"):
        make_model("lsi", 3)


def test_a_gensim_model_saved_as_lda_before_issue_15_loads_as_gensim(tmp_path):
    """`lda` named gensim's LdaModel until issue 15: such a saved model still loads as what it is."""
    import json

    X = two_blocks()
    model = small(MODELS["lda-gensim"], seed=3).fit(X)
    save_model(model, tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    (tmp_path / "m" / "model.json").write_text(json.dumps({**meta, "method": "lda"}))
    loaded = load_model(tmp_path / "m")
    assert type(loaded) is MODELS["lda-gensim"] and np.allclose(loaded.transform(X), model.transform(X))


def test_gibbs_priors_follow_the_document_length():
    """alpha sums to the mean document length over the topics, eta is 0.1, and neither is re-estimated."""
    X = two_blocks()   # 54 documents of 20 tokens, 6 empty
    model = small(MODELS["lda"]).fit(X)
    assert np.allclose(model.engine_.alpha, 20 / K) and np.isclose(model.engine_.eta, 0.1)
    assert np.allclose(type(model)(K, alpha=0.5).fit(X).engine_.alpha, 0.5)
    # transform gives the words' counts per topic, the prior's pseudo-counts taken out
    weights = model.transform(X)
    assert np.array_equal(weights, np.rint(weights)) and set(weights.sum(axis=1)) == {0.0, 20.0}


def test_constructor_only_stores_its_parameters(model_class):
    model = small(model_class)
    params = model.get_params()
    assert params["k"] == K and params["seed"] == 0
    assert not hasattr(model, "components_")
    assert type(model)(**params).get_params() == params


def test_fit_returns_the_model_with_nonnegative_components(model_class):
    X = two_blocks()
    model = small(model_class)
    assert model.fit(X) is model
    assert model.components_.shape == (K, X.shape[1])
    assert np.isfinite(model.components_).all() and (model.components_ >= 0).all()


def test_transform_separates_the_blocks_and_zeros_empty_documents(model_class):
    X = two_blocks()
    weights = small(model_class).fit(X).transform(X)
    assert weights.shape == (X.shape[0], K) and (weights >= 0).all()
    empty = np.asarray(X.sum(axis=1)).ravel() == 0
    assert (weights[empty] == 0).all()
    main = weights[~empty].argmax(axis=1)
    block = np.arange(X.shape[0])[~empty] % 2
    assert len(set(main[block == 0])) == 1 and len(set(main[block == 1])) == 1
    assert main[block == 0][0] != main[block == 1][0]


def test_same_seed_same_model_and_unfitted_copy_refits_alike(model_class):
    X = two_blocks()
    a, b = small(model_class).fit(X), small(model_class).fit(X)
    assert np.array_equal(a.components_, b.components_)
    copy = type(a)(**a.get_params()).fit(X)
    assert np.array_equal(a.transform(X), copy.transform(X))


def test_saved_model_loads_with_its_parameters_and_transforms_alike(model_class, tmp_path):
    X = two_blocks()
    model = small(model_class, seed=3).fit(X)
    save_model(model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
    assert np.allclose(loaded.transform(X), model.transform(X))
    # Saving another method into the folder leaves no file of the first behind.
    other = MODELS[next(m for m in METHODS if m != model.method)]
    save_model(small(other).fit(X), tmp_path / "m")
    assert not any(p.match(pattern) for p in (tmp_path / "m").iterdir() for pattern in model.engine_files)


def test_a_fitted_model_pickles(model_class):
    """choose_k fits in worker processes and returns the models: every engine must survive pickling."""
    import pickle

    X = two_blocks()
    model = small(model_class).fit(X)
    copy = pickle.loads(pickle.dumps(model))
    assert np.array_equal(copy.components_, model.components_)
    assert np.allclose(copy.transform(X), model.transform(X))


def test_errors_are_value_errors(model_class):
    X = two_blocks()
    with pytest.raises(ValueError, match="not fitted"):
        small(model_class).transform(X)
    with pytest.raises(ValueError, match="at least 2 topics"):
        model_class(k=1).fit(X)
    with pytest.raises(ValueError, match="empty"):
        small(model_class).fit(csr_matrix((0, 12)))
