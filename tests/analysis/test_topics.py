"""Topic models: quality on CSL (known categories), reproducibility, choosing K, outputs, report safety."""
import io
import json
import random

import numpy as np
import pandas as pd
import pytest

from conftest import EXTERNAL, need
from csl_corpus import CSL, read_csl, write_csl_corpus
import pipeline.cli.main as cli
from pipeline.analysis import topics
from pipeline.analysis.corpus import load_corpus
from pipeline.text.wordlists import single_character_terms

# Plain gensim LdaModel with default settings on plain jieba.lcut tokens reaches NMI 0.04-0.05 on these
# 2,000 abstracts (bench/topics.py, BENCHMARKS.md); our defaults must clear this floor.
NMI_FLOOR = 0.15
FAST = ["--passes", "5", "--quiet"]
# The synthetic themes have 8 words each, so every theme word is in most documents of its theme.
SMALL = [*FAST, "--min-docs", "2", "--max-share", "0.9"]
SMALL_OPTIONS = topics.Options(min_docs=2, max_share=0.9, passes=5)


def write_corpus(folder, docs, tokens):
    """A built corpus directory: documents.jsonl + tokens.parquet (both sorted by id)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "documents.jsonl", "w", encoding="utf-8") as fh:
        for doc in sorted(docs, key=lambda d: d["id"]):
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    table = pd.DataFrame({"id": [d["id"] for d in docs], "tokens_zh": tokens, "tokens_en": [[] for _ in docs]})
    table.sort_values("id").to_parquet(folder / "tokens.parquet", index=False)
    return folder


def two_themes(folder, n=120, title=None):
    """Documents from two vocabularies; theme B grows from 2010 to 2019; every seventh document is empty.
    Theme B's term 晚期词 occurs only after 2015 (for the per-period terms)."""
    rng = random.Random(7)
    theme_a = ["城市", "社区", "治理", "居民", "共治", "街道", "网格", "服务"]
    theme_b = ["农业", "土壤", "产量", "灌溉", "品种", "种植", "施肥", "农田"]
    docs, tokens = [], []
    for i in range(n):
        year = 2010 + i % 10
        b = rng.random() < 0.15 + 0.07 * (year - 2010)
        words = [] if i % 7 == 6 else rng.choices(theme_b if b else theme_a, k=30)
        if b and year > 2015 and words:
            words += ["晚期词"] * 3
        docs.append({"id": f"d{i:04d}", "title_zh": title or f"文档{i}", "year": year, "source_kind": "generic"})
        tokens.append(words)
    return write_corpus(folder, docs, tokens)


@pytest.fixture(scope="module")
def csl_dir(tmp_path_factory):
    need(CSL)
    folder = tmp_path_factory.mktemp("csl")
    return folder, write_csl_corpus(folder)


def nmi(result, categories):
    from sklearn.metrics import normalized_mutual_info_score

    dt = result.doc_topics.dropna(subset=["main_topic"])
    return normalized_mutual_info_score([categories[i] for i in dt["id"]], dt["main_topic"].astype(int))


@pytest.mark.slow
@pytest.mark.parametrize("method", ["lda", "nmf", "lda-gensim"])
def test_k13_on_csl_recovers_categories_above_floor(csl_dir, method):
    folder, categories = csl_dir
    result = topics.fit(load_corpus(folder), k=13, method=method, seed=0)
    assert len(result.doc_topics) == 2000
    assert nmi(result, categories) >= NMI_FLOOR
    # Top terms are words a reader can use: a single character only if it is a listed field term (before
    # the list, 27 of LDA's 130 top-10 terms here were single characters: 法 例 组 体 L P …).
    top = result.topics[result.topics["rank"] <= 10]["term"]
    single = top[top.str.len() == 1]
    assert set(single) <= single_character_terms(), sorted(set(single) - single_character_terms())
    # and they are there when asked for: the filter is what removes them.
    kept = topics.fit(load_corpus(folder), k=13, method=method, seed=0,
                      options=topics.Options(single_characters=True, passes=5))
    assert (kept.topics[kept.topics["rank"] <= 10]["term"].str.len() == 1).sum() >= 5


@pytest.mark.parametrize("method, engine_file", [("lda", "lda.tomotopy"), ("lda-gensim", "lda.gensim")])
def test_a_fit_with_progress_shown_is_the_same_in_any_process(tmp_path, method, engine_file):
    """The command as users run it (progress shown: tomotopy 0.14's own progress switch recursed without
    end) in two processes whose string hashing differs: the same files, model included (gensim pickled a
    list made from a set into its model file)."""
    import os
    import subprocess
    import sys

    corpus = two_themes(tmp_path / "corpus")
    for out, hash_seed in (("a", "1"), ("b", "2")):
        run = subprocess.run([sys.executable, "-m", "pipeline", "topics", "fit", "--corpus", str(corpus), "--k", "3",
                              "--method", method, "--passes", "5", "--min-docs", "2", "--max-share", "0.9",
                              "--out", str(tmp_path / out)],
                             capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert run.returncode == 0, run.stderr[-2000:]
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert any(p.name.startswith(engine_file) for p in files)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("method, engine_file", [("lda", "lda.tomotopy"), ("lda-gensim", "lda.gensim")])
def test_same_seed_gives_byte_identical_outputs(tmp_path, method, engine_file):
    corpus = two_themes(tmp_path / "corpus")
    for out in ("a", "b", "c"):
        seed = "1" if out == "c" else "0"
        assert cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "3", "--seed", seed, "--method", method,
                         "--out", str(tmp_path / out), *SMALL]) == 0
    for name in ("topics.csv", "doc_topics.parquet", "prevalence.csv", "terms_by_period.csv", "topic_info.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "topics.csv").read_bytes() != (tmp_path / "c" / "topics.csv").read_bytes()
    # The model files too (gensim wrote the date and platform into them: issue 13, finding 11).
    model_files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a" / "model").rglob("*") if p.is_file())
    assert any(p.name.startswith(engine_file) for p in model_files)
    for name in model_files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def _first(folder, n):
    corpus = load_corpus(folder)
    docs = corpus.docs.head(n)[["id", "title_zh", "year"]].astype(object).where(lambda d: d.notna(), None)
    tokens = corpus.tokens.set_index("id").loc[docs["id"], "tokens_zh"].map(list).tolist()
    return docs.to_dict("records"), tokens


@pytest.mark.slow
def test_k_range_prints_table_and_chooses_reproducibly(csl_dir, tmp_path, capsys):
    folder, _ = csl_dir
    subset = write_corpus(tmp_path / "subset", *_first(folder, 600))
    chosen = []
    for out, jobs in (("a", "2"), ("b", "1")):   # parallel and single-process runs agree
        assert cli.main(["topics", "fit", "--corpus", str(subset), "--k-range", "4:6", "--jobs", jobs,
                         "--out", str(tmp_path / out), *FAST]) == 0
        printed = capsys.readouterr().out
        assert "npmi" in printed and "c_v" in printed and "stability" in printed and "<- chosen" in printed
        table = pd.read_csv(tmp_path / out / "k_selection.csv")
        assert table["k"].tolist() == [4, 5, 6]
        assert table["chosen"].sum() == 1
        assert table["npmi"].between(-1, 1).all() and table["c_v"].between(0, 1).all()
        assert table["stability"].between(0, 1).all()
        k = int(table.loc[table["chosen"], "k"].iloc[0])
        assert f"chosen K = {k}" in printed
        assert json.loads((tmp_path / out / "fit.json").read_text())["k"] == k
        chosen.append(k)
    assert chosen[0] == chosen[1]
    assert (tmp_path / "a" / "k_selection.csv").read_bytes() == (tmp_path / "b" / "k_selection.csv").read_bytes()
    # A later single-K fit into the same directory leaves no stale K table or model behind.
    assert cli.main(["topics", "fit", "--corpus", str(subset), "--k", "3", "--method", "nmf",
                     "--out", str(tmp_path / "a"), *FAST]) == 0
    assert not (tmp_path / "a" / "k_selection.csv").exists()
    assert sorted(p.name for p in (tmp_path / "a" / "model").iterdir()) == [
        "dictionary.txt", "field_lexicon.txt", "lexicon.txt", "model.json", "nmf.joblib", "segmenter.json"]


def test_outputs_follow_the_contract(tmp_path):
    corpus = two_themes(tmp_path / "corpus")
    assert cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "2", "--out", str(tmp_path / "out"), *SMALL]) == 0
    terms = pd.read_csv(tmp_path / "out" / "topics.csv")
    assert terms.columns.tolist() == ["topic", "rank", "term", "weight"]
    assert set(terms["topic"]) == {0, 1}
    # The two themes come out as the two topics: each topic's top 8 terms are one theme's vocabulary.
    tops = [set(g.sort_values("rank")["term"].head(8)) for _, g in terms.groupby("topic")]
    assert sorted(len(t & {"城市", "社区", "治理", "居民", "共治", "街道", "网格", "服务"}) for t in tops) == [0, 8]

    dt = pd.read_parquet(tmp_path / "out" / "doc_topics.parquet")
    assert dt.columns.tolist() == ["id", "main_topic", "topic_0", "topic_1"]
    assert dt["id"].tolist() == sorted(load_corpus(corpus).docs["id"])
    empty = dt["id"].str[1:].astype(int) % 7 == 6       # documents without tokens
    assert dt.loc[empty, "main_topic"].isna().all()
    assert np.allclose(dt.loc[~empty, ["topic_0", "topic_1"]].sum(axis=1), 1, atol=1e-5)
    info = pd.read_csv(tmp_path / "out" / "topic_info.csv")
    assert info["docs"].sum() == (~empty).sum()
    assert all("·" in label for label in info["label"])


def test_prevalence_by_year_follows_the_growing_theme(tmp_path):
    result = topics.fit(load_corpus(two_themes(tmp_path, n=400)), k=2, seed=0,
                        options=SMALL_OPTIONS)
    prev = result.prevalence
    assert set(prev["year"]) == set(range(2010, 2020))
    assert (prev["ci_low"] <= prev["prevalence"]).all() and (prev["prevalence"] <= prev["ci_high"]).all()
    farm = int(result.topics[result.topics.term == "农业"].sort_values("weight").iloc[-1]["topic"])
    series = prev[prev.topic == farm].set_index("year")["prevalence"]
    assert series[2019] > series[2010] + 0.3
    # 晚期词 is used only after 2015: it is among the farm topic's terms in the late period only.
    by_period = result.terms_by_period[result.terms_by_period.topic == farm]
    late_terms = by_period.groupby("period")["term"].apply(set)
    assert [p for p, ts in late_terms.items() if "晚期词" in ts] == [p for p in late_terms.index if p > "2016"]


@pytest.mark.parametrize("method", ["lda", "nmf"])   # NMF: new documents get their sub-words as the fit's did
def test_infer_assigns_new_documents_to_their_theme(tmp_path, method):
    corpus = two_themes(tmp_path / "corpus")
    result = topics.fit(load_corpus(corpus), k=2, method=method, options=SMALL_OPTIONS)
    result.save(tmp_path / "out")
    farm = int(result.topics[result.topics.term == "农业"].sort_values("weight").iloc[-1]["topic"])
    table = topics.infer(tmp_path / "out", [["农业", "土壤", "灌溉"] * 5, ["社区", "治理"] * 5, ["未知词"]],
                         ids=["farm", "city", "unknown"])
    assert table["id"].tolist() == ["farm", "city", "unknown"]
    assert table["main_topic"].tolist()[:2] == [farm, 1 - farm]
    assert pd.isna(table["main_topic"].iloc[2])
    # 农田灌溉 is no term of the fit; its sub-words 农田 and 灌溉 are, for NMF only
    inner = topics.infer(tmp_path / "out", [["农田灌溉"]])["main_topic"].iloc[0]
    assert (inner == farm) if method == "nmf" else pd.isna(inner)


def test_report_is_offline_and_escapes_scraped_text(tmp_path):
    evil = "<script>alert(1)</script>"
    corpus = two_themes(tmp_path / "corpus", title=evil)
    assert cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "2", "--out", str(tmp_path / "out"), *SMALL]) == 0
    assert cli.main(["topics", "report", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert evil not in page and page.count("<script") == 1      # only the page's own script
    assert "src=" not in page and "http" not in page            # nothing fetched
    assert page.count("<polygon") == 2 and "<circle data-topic" in page   # per-topic bands, topic map


def test_show_prints_topics(tmp_path, capsys):
    corpus = two_themes(tmp_path / "corpus")
    cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "2", "--out", str(tmp_path / "out"), *SMALL])
    capsys.readouterr()
    assert cli.main(["topics", "show", str(tmp_path / "out"), "--top", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("LDA, 2 topics, 120 documents")
    assert lines[1].startswith("recurs: in how many of 2 refits")
    assert len(lines) == 4 and all(len(line.split(":")[-1].split()) == 3 and "2/2" in line for line in lines[2:])


def test_bad_input_is_one_clear_line(tmp_path, capsys):
    corpus = two_themes(tmp_path / "corpus")
    (corpus / "tokens.parquet").unlink()
    assert cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "2", "--out", str(tmp_path / "o")]) == 2
    assert "no tokens.parquet" in capsys.readouterr().err
    assert cli.main(["topics", "fit", "--corpus", str(corpus), "--k-range", "5-9", "--out", str(tmp_path / "o")]) == 2
    assert "--k-range must look like 5:30" in capsys.readouterr().err
    assert cli.main(["topics", "show", str(tmp_path)]) == 2
    assert "not a topic-model directory" in capsys.readouterr().err
    two_themes(tmp_path / "c2")
    assert cli.main(["topics", "fit", "--corpus", str(tmp_path / "c2"), "--k", "2", "--min-docs", "500",
                     "--out", str(tmp_path / "o")]) == 2
    assert "no terms left after pruning" in capsys.readouterr().err


@pytest.mark.parametrize("method, workers", [("lda", 2), ("lda-gensim", 2), ("lda-gensim", 1), ("nmf", 1)],
                         ids=["lda-parallel", "lda-multicore", "lda-gensim", "nmf"])
def test_other_engines_separate_the_two_themes(tmp_path, method, workers):
    options = topics.Options(min_docs=2, max_share=0.9, passes=5, workers=workers)
    result = topics.fit(load_corpus(two_themes(tmp_path)), k=2, method=method, options=options)
    tops = [set(g.sort_values("rank")["term"].head(8)) for _, g in result.topics.groupby("topic")]
    assert sorted(len(t & {"农业", "土壤", "产量", "灌溉", "品种", "种植", "施肥", "农田"}) for t in tops) == [0, 8]


def test_infer_command_segments_new_text_and_records(tmp_path, capsys):
    corpus = two_themes(tmp_path / "corpus")
    cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "2", "--out", str(tmp_path / "out"), *SMALL])
    terms = pd.read_csv(tmp_path / "out" / "topics.csv")
    farm = int(terms[terms.term == "农业"].sort_values("weight").iloc[-1]["topic"])
    (tmp_path / "new.txt").write_text("农业、土壤、灌溉和品种\n\n城市社区的治理与居民共治\n", encoding="utf-8")
    (tmp_path / "new.jsonl").write_text(json.dumps({"id": "r1", "title_zh": "農業土壤與灌溉"}, ensure_ascii=False)
                                        + "\n", encoding="utf-8")   # traditional characters: normalized first
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00binary")
    capsys.readouterr()
    assert cli.main(["topics", "infer", str(tmp_path / "out"), str(tmp_path / "new.txt")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"id": str})
    assert table.columns.tolist() == ["id", "main_topic", "topic_0", "topic_1"]
    assert table["id"].tolist() == ["1", "3"] and table["main_topic"].tolist() == [farm, 1 - farm]
    assert cli.main(["topics", "infer", str(tmp_path / "out"), str(tmp_path / "new.jsonl")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table["id"].tolist() == ["r1"] and table["main_topic"].tolist() == [farm]
    assert cli.main(["topics", "infer", str(tmp_path / "out"), str(tmp_path / "bad.txt")]) == 2
    assert "bad.txt: cannot read as UTF-8 text" in capsys.readouterr().err


def test_infer_documents_skip_a_bad_json_line_and_name_it(tmp_path, caplog):
    path = tmp_path / "new.jsonl"
    path.write_text('{"id": "r1", "title_zh": "農業"}\n{"id": "r2", "title_zh": \n{"title_zh": "社区"}\n',
                    encoding="utf-8")
    records = topics.read_documents(path)
    assert [(r.id, r.title_zh) for r in records] == [("r1", "农业"), ("3", "社区")]
    assert caplog.messages == [f"{path}: line 2: not JSON (Expecting value)"]
    path.write_text("[1]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"new.jsonl: no line holds a JSON object \(line 1: not a JSON object\)"):
        topics.read_documents(path)


def test_fit_on_a_corpus_made_by_build(tmp_path):
    """Records in, `build` (ingest + segmentation), `topics fit`: the themes of the text come out."""
    rng = random.Random(3)
    city = ["城市", "社区", "治理", "居民", "街道", "网格", "物业", "志愿者"]
    farm = ["农业", "土壤", "灌溉", "品种", "种植", "施肥", "农田", "水稻"]
    raw = tmp_path / "raw"
    raw.mkdir()
    with open(raw / "records.jsonl", "w", encoding="utf-8") as fh:
        for i in range(80):
            words = rng.choices(farm if i % 2 else city, k=20)
            fh.write(json.dumps({"id": f"r{i:03d}", "title_zh": "、".join(words[:4]), "year": 2010 + i % 5,
                                 "abstract_zh": "，".join(words) + "。"}, ensure_ascii=False) + "\n")
    assert cli.main(["build", "--raw", str(raw), "--out", str(tmp_path / "build"), "-q"]) == 0
    assert cli.main(["topics", "fit", "--corpus", str(tmp_path / "build"), "--k", "2", "--out",
                     str(tmp_path / "out"), *SMALL]) == 0
    dt = pd.read_parquet(tmp_path / "out" / "doc_topics.parquet")
    assert len(dt) == 80
    # Every document's main topic is its theme's topic.
    theme = dt["id"].str[1:].astype(int) % 2
    assert dt.groupby(theme)["main_topic"].nunique().tolist() == [1, 1]
    assert dt.loc[theme == 0, "main_topic"].iloc[0] != dt.loc[theme == 1, "main_topic"].iloc[0]


def test_notebook_api_reaches_topics_after_plain_import(tmp_path):
    import pipeline

    result = pipeline.topics.fit(pipeline.load_corpus(two_themes(tmp_path)), k=2, options=SMALL_OPTIONS)
    assert isinstance(result.doc_topics, pd.DataFrame) and isinstance(result.prevalence, pd.DataFrame)
    assert len(result.doc_topics) == 120 and result.prevalence["year"].nunique() == 10


def test_infer_segments_new_text_with_the_settings_of_the_fit(tmp_path, capsys):
    """河长制 / 湖长制 are the corpus's author keywords (protected by the build), not in the default
    lexicon (plain segmentation cuts them into 河 长 制). New text must be cut as the fitted corpus was."""
    rng = random.Random(5)
    water = ["河长制", "湖长制", "水质", "河道", "治水", "流域"]
    farm = ["农业", "土壤", "灌溉", "品种", "种植", "施肥"]
    raw = tmp_path / "raw"
    raw.mkdir()
    with open(raw / "records.jsonl", "w", encoding="utf-8") as fh:
        for i in range(60):
            words = rng.choices(water if i % 2 else farm, k=20)
            fh.write(json.dumps({"id": f"r{i:03d}", "title_zh": "、".join(words[:4]), "year": 2015,
                                 "keywords_zh": ["河长制", "湖长制"] if i % 2 else ["农业"],
                                 "abstract_zh": "，".join(words) + "。"}, ensure_ascii=False) + "\n")
    assert cli.main(["build", "--raw", str(raw), "--out", str(tmp_path / "build"), "-q"]) == 0
    assert cli.main(["topics", "fit", "--corpus", str(tmp_path / "build"), "--k", "2", "--out",
                     str(tmp_path / "out"), *SMALL]) == 0
    model_dir = tmp_path / "out" / "model"
    settings = json.loads((model_dir / "segmenter.json").read_text(encoding="utf-8"))
    assert {"河长制", "湖长制"} <= set(settings["extra_terms"]) and settings["lexicon"] == "lexicon.txt"
    terms = pd.read_csv(tmp_path / "out" / "topics.csv")
    water_topic = int(terms[terms.term == "河长制"].sort_values("weight").iloc[-1]["topic"])
    (tmp_path / "new.txt").write_text("全面推行河长制和湖长制\n", encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["topics", "infer", str(tmp_path / "out"), str(tmp_path / "new.txt")]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert table["main_topic"].tolist() == [water_topic]


def test_fit_on_a_real_corpus_where_some_records_have_no_year(tmp_path):
    """Issue 14: the real CNKI / Wanfang exports (dated; a few records without a year) with the CSL
    records (no year at all) crashed `topics fit` after the whole fit (IndexError in prevalence_by)."""
    exports = need(EXTERNAL / "cnki-exports")
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in sorted(exports.rglob("*")):
        if path.suffix in (".txt", ".net", ".NET"):
            (raw / path.name).symlink_to(path)
    with open(raw / "csl.jsonl", "w", encoding="utf-8") as fh:
        for row in read_csl():
            fh.write(json.dumps({"id": "csl-" + row["id"], "title_zh": row["title"], "abstract_zh": row["abstract"],
                                 "keywords_zh": row["keywords"]}, ensure_ascii=False) + "\n")
    assert cli.main(["build", "--raw", str(raw), "--out", str(tmp_path / "build"), "-q"]) == 0
    corpus = load_corpus(tmp_path / "build")
    dated = corpus.docs["year"].notna()
    assert 300 < dated.sum() < len(corpus.docs) - 1900          # the exports dated, CSL not
    assert cli.main(["topics", "fit", "--corpus", str(tmp_path / "build"), "--k", "6", "--out",
                     str(tmp_path / "out"), *FAST]) == 0
    prevalence = pd.read_csv(tmp_path / "out" / "prevalence.csv")
    doc_topics = pd.read_parquet(tmp_path / "out" / "doc_topics.parquet").set_index("id")
    years = corpus.docs.set_index("id")["year"]
    counted = years[doc_topics["main_topic"].notna()].dropna()
    # Each year's documents are exactly the dated, non-empty ones; undated records are in no year.
    per_year = prevalence.groupby("year")["docs"].first()
    assert per_year.to_dict() == counted.astype(int).value_counts().sort_index().to_dict()
    assert np.allclose(prevalence.groupby("year")["prevalence"].sum(), 1, atol=1e-4)
    assert len(doc_topics) == len(corpus.docs)
    assert pd.read_csv(tmp_path / "out" / "terms_by_period.csv")["period"].notna().all()
    assert cli.main(["topics", "report", str(tmp_path / "out")]) == 0


def test_topics_that_recur_across_seeds_are_reported_in_the_table_and_the_report(tmp_path):
    corpus = two_themes(tmp_path / "corpus")
    assert cli.main(["topics", "fit", "--corpus", str(corpus), "--k", "2", "--out", str(tmp_path / "out"), *SMALL]) == 0
    info = pd.read_csv(tmp_path / "out" / "topic_info.csv")
    params = json.loads((tmp_path / "out" / "fit.json").read_text())
    assert params["stability_seeds"] == [1, 2]
    # Two clear themes: both come back in both refits, with most of their top terms.
    assert info["recurs"].tolist() == [2, 2] and (info["stability"] > 0.6).all()
    assert cli.main(["topics", "report", str(tmp_path / "out")]) == 0
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Stability across seeds" in page and page.count("recurs: in 2 of 2 refits") == 2


def test_rare_compounds_count_as_their_parts_and_frequent_ones_also_as_theirs():
    from pipeline.analysis.tokens import with_compound_parts
    from pipeline.text.segment import Segmenter

    segmenter = Segmenter(lexicon=None, field_lexicon=None, extra_terms=["乡村振兴", "乡村振兴战略", "修正罗德里格斯参数模型"])
    docs = [["乡村振兴战略", "农民"]] * 3 + [["修正罗德里格斯参数模型", "姿态"]]
    out, n = with_compound_parts(docs, 3, segmenter)
    assert n == 2
    assert out[0] == ["乡村振兴战略", "乡村振兴", "战略", "农民"]           # frequent: itself and its parts
    assert out[3] == ["修正", "罗德里格斯", "参数", "模型", "姿态"]         # rare: its parts only


def test_compound_parts_and_subwords_lift_nmf_on_records_with_their_keywords(tmp_path):
    """Issue 15: protecting every author keyword as one token made rare long tokens that pruning drops;
    with their parts counted, NMF recovers the CSL categories much better, and better again when long
    words also count the words inside them (BENCHMARKS.md)."""
    need(CSL)
    categories = write_csl_corpus(tmp_path / "csl", keywords=True)
    corpus = load_corpus(tmp_path / "csl")
    scores = {}
    for parts, subwords in ((False, False), (True, False), (True, True)):
        options = topics.Options(compound_parts=parts, subwords=subwords, stability_seeds=0)
        result = topics.fit(corpus, k=13, method="nmf", seed=0, options=options)
        scores[parts, subwords] = nmi(result, categories)
        assert (result.params["compounds_with_parts"] > 1000) == parts
    assert scores[True, False] >= scores[False, False] + 0.04, scores
    assert scores[True, True] >= scores[True, False] + 0.01, scores


def test_our_topics_beat_plain_jieba_pipelines_on_records_with_keywords(tmp_path):
    """bench/topic_quality.py in small (seed 0): on the CSL records with their author keywords, our NMF and
    LDA recover the categories better than jieba + scikit-learn / gensim, both as the libraries give them
    and tuned with our pruning and settings (seeds 0-4 in BENCHMARKS.md: ours higher on every seed)."""
    import sys

    from conftest import ROOT
    from sklearn.metrics import normalized_mutual_info_score

    sys.path.insert(0, str(ROOT / "bench"))
    import topic_quality

    need(CSL)
    rows = sorted(read_csl(), key=lambda r: r["id"])
    texts = [r["title"] + "。" + r["abstract"] + "。" + "；".join(r["keywords"]) for r in rows]
    categories = np.asarray([r["category"] for r in rows])
    write_csl_corpus(tmp_path / "csl", keywords=True)
    corpus = load_corpus(tmp_path / "csl")
    # margins: on seed 0 ours led by 0.05 / 0.03 (NMF) and 0.27 / 0.14 (LDA)
    for method, baseline, margins in (("nmf", topic_quality.sklearn_nmf, (0.02, 0.01)),
                                      ("lda", topic_quality.gensim_lda, (0.1, 0.05))):
        main, top, nonempty, _ = topic_quality.ours(corpus, method, 0)
        ours = normalized_mutual_info_score(categories[nonempty], main[nonempty])
        for tuned, margin in zip((False, True), margins):
            plain_main, _, plain_nonempty = baseline(texts, 0, tuned=tuned)
            plain = normalized_mutual_info_score(categories[plain_nonempty], plain_main[plain_nonempty])
            assert ours > plain + margin, (method, tuned, ours, plain)
        assert not [t for terms in top for t in terms[:10] if len(t) == 1 and t not in single_character_terms()]


def test_long_words_count_their_inner_words_for_nmf_and_not_for_lda(tmp_path):
    from pipeline.analysis.tokens import with_subwords
    from pipeline.text.segment import get_segmenter

    out = with_subwords([["控制器", "飞行控制系统", "控制", "研究方法", "Lyapunov函数"], []], get_segmenter())
    # 控制 is the document's own word (not counted again); 研究 and 方法 are stopwords; jieba's search-mode words
    assert out[0][5:] == ["飞行", "系统", "函数"] and out[1] == []
    corpus = load_corpus(two_themes(tmp_path / "c"))
    for method, subwords in (("nmf", True), ("lda", False)):
        result = topics.fit(corpus, k=2, method=method, options=SMALL_OPTIONS)
        assert result.params["options"]["subwords"] is subwords
