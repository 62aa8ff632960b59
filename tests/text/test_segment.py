"""Segmentation: the lexicon guarantee, stopwords, English tokens, the engine, tokens.parquet, CLI."""
import json
import logging

import pyarrow.parquet as pq
import pytest

import pipeline.build.tokens as token_store
import pipeline.text.segment as segment
from conftest import EXTERNAL, ROOT, SEEDS, need
from pipeline.build.build import build
from pipeline.cli.main import main
from pipeline.analysis.corpus import load_corpus
from pipeline.text.normalize import normalize_text
from pipeline.record import Record
from pipeline.build.tokens import write_tokens
from pipeline.text.english import fold_plural
from pipeline.text.segment import Segmenter, get_segmenter, record_text_zh, segment_texts
from pipeline.text.wordlists import DEFAULT_LEXICON, load_stopwords, read_lexicon

CSL = EXTERNAL / "csl" / "csl_benchmark_joined_dev_test.jsonl"
LEXICON_TERMS = [term for term, _ in read_lexicon(DEFAULT_LEXICON)]
# Sentences in which plain jieba cuts terms apart (measured: 党建 / 引领, 协作 / 型 / 共 / 治 / 下, 村 / 改 / 居).
CARRIERS = ["在{}下推进", "“{}”", "以{}为例", "我国{}的"]


@pytest.fixture(scope="module")
def csl_records():
    rows = [json.loads(line) for line in need(CSL).read_text(encoding="utf-8").splitlines()]
    # As the build would hold them: normalized like every ingested record.
    return [(normalize_text(r["abstract"]), [normalize_text(k) for k in r["keywords"]]) for r in rows]


@pytest.fixture(scope="module")
def seed_records(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-build")
    build(ROOT / "corpus" / "raw", out, jobs=1, progress=False)
    records = [Record.from_dict(json.loads(line)) for line in (out / "documents.jsonl").open(encoding="utf-8")]
    return out, records


def expected_seeds():
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(need(SEEDS).glob("*.expected.json"))]


# --- the lexicon guarantee ------------------------------------------------------------------------

def test_every_lexicon_term_is_one_token_where_plain_jieba_splits_it():
    import jieba

    seg = Segmenter()
    assert len(LEXICON_TERMS) >= 300 and len(set(LEXICON_TERMS)) == len(LEXICON_TERMS)
    jieba_split = 0
    for term in LEXICON_TERMS:
        for carrier in CARRIERS:
            text = carrier.format(term)
            assert term in seg.tokens_zh(text), (term, text, seg.raw_tokens_zh(text))
            jieba_split += term not in jieba.lcut(text)
    assert jieba_split > len(LEXICON_TERMS)  # the guarantee is doing real work (measured: 1310 of 1624)


def test_seed_keywords_and_lexicon_terms_come_out_whole(seed_records):
    _, records = seed_records
    by_file = {r.source.rsplit("/", 1)[-1]: r for r in records}
    seg = get_segmenter(DEFAULT_LEXICON, sorted({k for r in records for k in r.keywords_zh}))
    checked = overlaps = 0
    for expected in expected_seeds():
        record = by_file[expected["file"]]
        # Only the running text: the keywords field would trivially contain the keywords.
        text = "\n".join(filter(None, [record.title_zh, record.abstract_zh, record.body]))
        tokens = seg.tokens_zh(text, own_terms=record.keywords_zh)
        spans = seg.protected_spans(text, record.keywords_zh)

        def overlapped_everywhere(term):  # by other protected terms: only one can be the token there
            return all(any(i < b and a < i + len(term) and (a, b) != (i, i + len(term)) for a, b in spans)
                       for i in segment._find_all(text, term))

        for keyword in map(normalize_text, expected["keywords_zh"]):
            if keyword in text:
                assert keyword in tokens or overlapped_everywhere(keyword), (keyword, expected["file"])
                overlaps += keyword not in tokens
                checked += 1
        # A lexicon term that occurs as a whole word is a token, unless a different protected term
        # overlaps it there (an author keyword, or a longer/earlier term).
        for term in LEXICON_TERMS:
            for start in segment._find_all(text, term):
                end = start + len(term)
                if seg._is_whole(text, start, end) and not any(
                        start < b and a < end and (a, b) != (start, end) for a, b in spans):
                    assert term in tokens, (term, expected["file"])
                    checked += 1
    assert checked >= 50 and overlaps <= 1  # 韧性社区治理现代化 / 社区治理现代化体系 in seed 002's title
    everything = [t for r in records for t in seg.segment_record(r)[0]]
    for term in ["党建引领", "五社联动", "协作型共治", "超大社区", "村改居", "一核多元", "韧性社区治理", "社区治理"]:
        assert term in everything


def test_csl_author_keywords_come_out_whole(csl_records):
    """≥ 99% of the author keywords found verbatim in their abstract are single tokens (measured
    99.5%), against 44% for plain jieba.lcut."""
    import jieba

    seg = Segmenter(extra_terms=[k for _, keywords in csl_records for k in keywords])
    total = whole = whole_jieba = 0
    for abstract, keywords in csl_records:
        tokens = set(seg.raw_tokens_zh(abstract, own_terms=keywords))
        jieba_tokens = set(jieba.lcut(abstract))
        for keyword in set(keywords):
            if keyword in abstract:
                total += 1
                whole += keyword in tokens
                whole_jieba += keyword in jieba_tokens
    assert total > 8000
    assert whole / total >= 0.99
    assert whole_jieba / total < 0.6


def test_overlapping_author_keywords_each_get_an_occurrence():
    seg = Segmenter(lexicon=None, field_lexicon=None)
    text = "粮食行业结构优化与否，取决于行业结构"
    tokens = seg.tokens_zh(text, own_terms=["行业结构", "结构优化"])
    assert "行业结构" in tokens and "结构优化" in tokens


def test_global_term_inside_a_longer_word_is_not_cut_out():
    seg = Segmenter(lexicon=None, field_lexicon=None, extra_terms=["城市", "CSR", "村改居"])
    assert "城市化" in seg.tokens_zh("快速城市化进程")
    assert "CSR" not in seg.tokens_zh("证监会CSRC发布")
    assert "村改居" in seg.tokens_zh("推进村改居工作")


def test_generic_terms_are_rejected_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="pipeline.text.segment"):
        seg = Segmenter(lexicon=None, field_lexicon=None, extra_terms=["治", "2020", "研究", "社区 治理", "协作型共治", "GIS"])
    assert seg.rejected == {"治": "single character", "2020": "no letters (number or punctuation)",
                            "研究": "stopword", "社区 治理": "contains whitespace"}
    assert seg.terms == ("GIS", "协作型共治")
    assert "4 term(s) too generic" in caplog.text and "'治'" in caplog.text


def test_lexicon_file_format(tmp_path):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("# comment\n党建引领 100 n\n\n共治型社區 vn  # traditional, normalized\n三治融合 5\n",
                       encoding="utf-8")
    assert read_lexicon(lexicon) == [("党建引领", "n"), ("共治型社區", "vn"), ("三治融合", None)]
    seg = Segmenter(lexicon=lexicon, field_lexicon=None)
    assert seg.terms == ("三治融合", "党建引领", "共治型社区")
    assert seg.pos["共治型社区"] == "vn"


# --- stopwords, filtering, determinism --------------------------------------------------------------

def test_no_stopword_punctuation_or_number_in_tokens(seed_records, csl_records):
    _, records = seed_records
    seg = get_segmenter(DEFAULT_LEXICON, ())
    stopwords = load_stopwords(True)
    tokens = [t for r in records for t in seg.segment_record(r)[0]]
    tokens += [t for abstract, _ in csl_records[:400] for t in seg.tokens_zh(abstract)]
    assert len(tokens) > 20000
    assert not {t.lower() for t in tokens} & stopwords
    assert all(any(ch.isalpha() for ch in t) for t in tokens)
    assert {"本文", "研究", "的", "和", "摘要"} & set(seg.raw_tokens_zh("摘要：本文研究的是党建和治理")) == \
        {"本文", "研究", "的", "和", "摘要"}


def test_academic_stopwords_are_switchable_and_keep_stopwords_keeps_them():
    text = "本文研究党建引领的作用"
    assert Segmenter().tokens_zh(text) == ["党建引领"]
    assert Segmenter(academic_stopwords=False).tokens_zh(text) == ["本文", "研究", "党建引领", "作用"]
    assert Segmenter(keep_stopwords=True).tokens_zh(text + "。2024") == ["本文", "研究", "党建引领", "的", "作用"]


def test_same_input_same_tokens(csl_records, tmp_path):
    """Same tokens in another process with another hash seed (set and dict order must not leak in)."""
    import os
    import subprocess
    import sys

    texts = [abstract for abstract, _ in csl_records[:200]]
    (tmp_path / "in.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    script = ("import json, sys; from pipeline.text.segment import segment_texts; "
              "print(json.dumps(segment_texts(json.load(open(sys.argv[1], encoding='utf-8'))), ensure_ascii=False))")
    other = subprocess.run([sys.executable, "-c", script, str(tmp_path / "in.json")], capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": "12345"}, check=True, cwd=ROOT)
    assert json.loads(other.stdout) == segment_texts(texts)


def test_segment_texts_normalizes_traditional_text():
    assert segment_texts(["黨建引領下的協作型共治"], extra_terms=["协作型共治"]) == [["党建引领", "协作型共治"]]


def test_pos_filter_keeps_nouns_verbs_and_protected_terms():
    text = "在快速城市化进程中，“村改居”社区普遍面临居民关系疏离、管理体制滞后等困境"
    plain, filtered = Segmenter().tokens_zh(text), Segmenter(pos_filter=True).tokens_zh(text)
    assert set(filtered) < set(plain)
    assert {"村改居", "社区", "面临", "居民"} <= set(filtered)
    assert "普遍" in plain and "普遍" not in filtered


def test_segmenter_and_dictionary_are_built_once_per_process():
    first = get_segmenter(DEFAULT_LEXICON, ["协作型共治", "超大社区"])
    assert get_segmenter(DEFAULT_LEXICON, ["超大社区", "协作型共治"]) is first
    assert get_segmenter(DEFAULT_LEXICON, ["协作型共治", "超大社区"], keep_stopwords=True) is not first
    assert segment.get_engine("rjieba") is segment.get_engine("rjieba")


def test_importing_the_stage_loads_no_segmenter_library():
    import subprocess
    import sys

    code = ("import sys, pipeline.cli.main, pipeline.text.segment, pipeline.build.build; "
            "print(sorted({'jieba', 'rjieba', 'gensim'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


# --- the engine ----------------------------------------------------------------------------------

def test_rjieba_gives_jieba_tokens_on_the_csl_abstracts(csl_records):
    """rjieba is used only because its tokens are jieba's (HMM off), on real text, with the lexicon."""
    import jieba

    abstracts = [abstract for abstract, _ in csl_records]
    rust = segment.get_engine("rjieba")
    assert [rust.cut(a) for a in abstracts] == [jieba.lcut(a, HMM=False) for a in abstracts]
    keywords = [k for _, ks in csl_records for k in ks]
    fast, reference = Segmenter(extra_terms=keywords), Segmenter(extra_terms=keywords, engine="jieba")
    assert [fast.tokens_zh(a, own_terms=k) for a, k in csl_records] == \
        [reference.tokens_zh(a, own_terms=k) for a, k in csl_records]


# --- English ------------------------------------------------------------------------------------

@pytest.mark.parametrize("word, folded", [
    ("communities", "community"), ("community", "community"), ("governances", "governance"),
    ("policies", "policy"), ("approaches", "approach"), ("processes", "process"), ("cases", "case"),
    ("taxes", "tax"), ("co-governances", "co-governance"), ("politics", "politics"),
    ("economics", "economics"), ("analysis", "analysis"), ("analyses", "analysis"), ("status", "status"),
    ("crises", "crisis"), ("various", "various"), ("series", "series"), ("business", "business"),
    ("women", "woman"), ("topics", "topic"), ("news", "news"), ("famous", "famous"), ("classes", "class"),
])
def test_fold_plural(word, folded):
    assert fold_plural(word) == folded


def test_tokens_en():
    seg = Segmenter(lexicon=None, field_lexicon=None)
    text = "Co-governance of Resilient Communities: the CPC’s community-level politics, and 2024 policies."
    assert seg.tokens_en(text) == ["co-governance", "resilient", "community", "cpc", "community-level",
                                   "politics", "policy"]


# --- tokens.parquet --------------------------------------------------------------------------------

def _records():
    return [
        Record(id="b", title_zh="党建引领社区治理", keywords_zh=["党建引领"], title_en="Party-led Communities"),
        Record(id="a", abstract_zh="五社联动推动韧性社区建设。平台型治理。", keywords_zh=["五社联动"]),
        Record(id="c", body="村改居社区的治理困境"),
    ]


def test_write_tokens_sorted_and_byte_identical(tmp_path):
    stats = write_tokens(_records(), tmp_path / "one")
    write_tokens(list(reversed(_records())), tmp_path / "two")
    table = pq.read_table(tmp_path / "one" / "tokens.parquet")
    assert table.column_names == ["id", "tokens_zh", "tokens_en"]
    data = table.to_pydict()
    assert data["id"] == ["a", "b", "c"]
    assert data["tokens_zh"][1] == ["党建引领", "社区治理", "党建引领"]
    assert data["tokens_en"][1] == ["party-led", "community"]
    assert stats.documents == 3 and stats.segmented == 3 and stats.reused == 0
    assert (tmp_path / "one" / "tokens.parquet").read_bytes() == (tmp_path / "two" / "tokens.parquet").read_bytes()


def test_write_tokens_is_incremental_and_resegments_what_a_lexicon_change_touches(tmp_path, monkeypatch):
    out = tmp_path / "build"
    assert write_tokens(_records(), out).written
    written = (out / "tokens.parquet").stat().st_mtime_ns
    again = write_tokens(_records(), out)
    assert again.reused == 3 and again.segmented == 0
    assert not again.written and (out / "tokens.parquet").stat().st_mtime_ns == written  # a no-op writes nothing

    calls = []
    real = Segmenter.segment_record
    monkeypatch.setattr(Segmenter, "segment_record", lambda self, r, **kw: calls.append(r.id) or real(self, r, **kw))
    # A new record whose keyword 平台型治理 occurs in record "a": "a" and the new one are re-segmented.
    grown = [*_records(), Record(id="d", title_zh="平台型治理研究", keywords_zh=["平台型治理"])]
    stats = write_tokens(grown, out)
    assert sorted(calls) == ["a", "d"] and stats.reused == 2
    fresh = tmp_path / "fresh"
    write_tokens(grown, fresh)
    assert (out / "tokens.parquet").read_bytes() == (fresh / "tokens.parquet").read_bytes()
    assert "平台型治理" in pq.read_table(out / "tokens.parquet").to_pydict()["tokens_zh"][0]

    # A changed lexicon file re-segments what it touches, too.
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text(DEFAULT_LEXICON.read_text(encoding="utf-8") + "\n治理困境\n", encoding="utf-8")
    calls.clear()
    write_tokens(grown, out, lexicon_path=lexicon)
    assert calls == ["c"]

    # A changed stopword list or segmenter version re-segments everything.
    monkeypatch.setattr(segment, "SEGMENTER_VERSION", "test")
    segment._cached_segmenter.cache_clear()
    calls.clear()
    write_tokens(grown, out, lexicon_path=lexicon)
    assert sorted(calls) == ["a", "b", "c", "d"]
    segment._cached_segmenter.cache_clear()


def test_a_damaged_token_cache_only_costs_resegmentation(tmp_path, caplog):
    write_tokens(_records(), tmp_path / "good")
    out = tmp_path / "damaged"
    write_tokens(_records(), out)
    (out / "token_keys.parquet").write_bytes(b"PAR1 truncated")
    with caplog.at_level(logging.WARNING, logger="pipeline.text.segment"):
        stats = write_tokens(_records(), out)
    assert stats.segmented == 3 and "unreadable token cache" in caplog.text
    assert (out / "tokens.parquet").read_bytes() == (tmp_path / "good" / "tokens.parquet").read_bytes()


def test_build_writes_tokens_for_the_seeds(seed_records, tmp_path):
    out, records = seed_records
    corpus = load_corpus(out)
    assert corpus.tokens is not None and list(corpus.tokens.columns) == ["id", "tokens_zh", "tokens_en"]
    assert list(corpus.tokens["id"]) == sorted(r.id for r in records)
    tokens = dict(zip(corpus.tokens["id"], corpus.tokens["tokens_zh"]))
    for record in records:
        for keyword in record.keywords_zh:
            assert keyword in list(tokens[record.id])
    assert sum(len(t) for t in corpus.tokens["tokens_en"]) > 100
    # Streaming from documents.jsonl gives the same file as segmenting the records in memory (with the
    # terms the build mined from them: 公共空间 recurs in the seeds).
    mined = [line.split("\t")[0] for line in (out / "corpus_terms.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert "公共空间" in mined
    write_tokens(records, tmp_path, corpus_terms=mined)
    assert (tmp_path / "tokens.parquet").read_bytes() == (out / "tokens.parquet").read_bytes()


def test_rebuild_resegments_only_after_a_change(tmp_path):
    import shutil

    raw, out = tmp_path / "raw", tmp_path / "build"
    shutil.copytree(ROOT / "corpus" / "raw", raw)
    first = build(raw, out, jobs=1, progress=False).tokens
    assert first.segmented == 4 and first.written
    assert build(raw, out, jobs=1, progress=False).tokens is None  # a no-op rebuild does not even look
    target = raw / "001_eee3230f3eb5a9d6.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("党建引领", "党建引领下"), encoding="utf-8")
    third = build(raw, out, jobs=1, progress=False).tokens
    assert third.segmented == 1 and third.reused == 3 and third.written


# --- CLI --------------------------------------------------------------------------------------------

def test_cli_segment_one_line_per_input_line(tmp_path, capsys):
    source = tmp_path / "in.txt"
    source.write_text("党建引领下的社区治理\n\n協作型共治\nResilient communities\n", encoding="utf-8")
    assert main(["segment", str(source), "--corpus", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split("\n") == ["党建引领 社区治理", "", "协作型共治", "resilient community", ""]
    assert main(["segment", str(source), "--keep-stopwords", "--corpus", str(tmp_path)]) == 0
    assert capsys.readouterr().out.split("\n")[0] == "党建引领 下 的 社区治理"


def test_cli_segment_uses_the_corpus_keywords(seed_records, tmp_path, capsys):
    out, _ = seed_records
    source = tmp_path / "in.txt"
    source.write_text("推进协作型共治\n", encoding="utf-8")
    assert main(["segment", str(source), "--corpus", str(out)]) == 0
    assert capsys.readouterr().out == "推进 协作型共治\n"


def test_cli_segment_empty_input_prints_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["segment", str(empty), "--corpus", str(tmp_path)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_segment_bad_input_names_the_file(tmp_path, capsys):
    binary = tmp_path / "x.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    assert main(["segment", str(binary)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {binary}") and err.count("\n") == 1
    assert main(["segment", str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


def test_parallel_segmentation_equals_single_process(tmp_path, monkeypatch):
    from pipeline.record import Record
    from pipeline.build.tokens import write_tokens

    monkeypatch.setattr(token_store, "PART_BYTES", 8192)  # many partitions, so that both workers get some
    records = [Record(id=f"{i:04d}", title_zh=f"党建引领社区治理研究之{i}", keywords_zh=["党建引领", f"关键词{i % 7}"],
                      abstract_zh="协作型共治下的超大社区治理之道，五社联动构建韧性社区。" * 3, abstract_en="Resilient communities")
               for i in range(300)]
    one, two = tmp_path / "one", tmp_path / "two"
    stats1 = write_tokens(records, one, jobs=1)
    stats2 = write_tokens(records, two, jobs=2)
    assert stats1.segmented == stats2.segmented == 300
    assert pq.ParquetFile(two / "tokens.parquet").num_row_groups > 4  # one per partition
    assert (one / "tokens.parquet").read_bytes() == (two / "tokens.parquet").read_bytes()
    # Incremental across partitions and workers: one changed record is the only one segmented again.
    records[150].abstract_zh = "村改居社区的治理困境"
    again = write_tokens(records, two, jobs=2)
    assert again.segmented == 1 and again.reused == 299
    write_tokens(records, one, jobs=1)
    assert (one / "tokens.parquet").read_bytes() == (two / "tokens.parquet").read_bytes()
    assert not [p.name for p in two.iterdir() if p.name.startswith(".")]  # no partition left behind


def test_a_record_is_scanned_once_for_its_cache_key_and_its_tokens():
    seg = Segmenter()
    scanned = []
    matcher = seg._matcher

    class CountingMatcher:
        def find_matches_as_indexes(self, text, overlapping):
            scanned.append(text)
            return matcher.find_matches_as_indexes(text, overlapping=overlapping)

    seg._matcher = CountingMatcher()
    record = Record(id="a", title_zh="党建引领下的社区治理", abstract_zh="五社联动与韧性社区", keywords_zh=["社区治理"])
    token_store._cache_key(seg, record, seg.terms_in(record_text_zh(record)))
    zh, _ = seg.segment_record(record)
    assert "党建引领" in zh and "五社联动" in zh
    assert len(scanned) == 1
    seg.segment_record(Record(id="b", title_zh="协作型共治"))
    assert len(scanned) == 2 and seg.tokens_zh("协作型共治") == ["协作型共治"]
