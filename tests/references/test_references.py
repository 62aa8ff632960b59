"""References: parsing strings, cited-work keys, lists from saved pages, CSSCI/WoS imports, the
`references` command and the CiteSpace `CR` round trip."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import PAGES, TESTS, EXTERNAL, ROOT, need, write_corpus
from pipeline.analysis.corpus import load_corpus
from pipeline.ingest.files import ingest_file
from pipeline.references import FIELDS, parse_reference, work_key

REFERENCE_PAGES = PAGES / "references"
EXPORTS = TESTS / "exports"

# (string, expected fields) — one per style, both punctuation widths.
PARSED = [
    ("[3]朱健刚，王瀚.党领共治：社区实验视域下基层社会治理格局的再生产[J].中国行政管理,2021(05):6-14.",
     dict(authors=["朱健刚", "王瀚"], title="党领共治：社区实验视域下基层社会治理格局的再生产", source="中国行政管理",
          year=2021, volume=None, issue="5", pages="6-14", type="J")),
    ("[5]黄晓春． 党建引领下的当代中国社会治理创新［J］． 中国社会科学，2021，42（6）：116-135．",
     dict(authors=["黄晓春"], title="党建引领下的当代中国社会治理创新", source="中国社会科学", year=2021, volume="42",
          issue="6", pages="116-135", type="J")),
    ("[4]艾伯特·O.赫希曼.转变参与:私人利益与公共行动[M].上海:人民出版社,2015:4.",
     dict(authors=["艾伯特·O.赫希曼"], title="转变参与：私人利益与公共行动", source="人民出版社", year=2015, pages="4", type="M")),
    ("[8]牛永敢，孔晓，王阳，等. 鼻整形应用解剖学[M]. 3 版. 北京：人民卫生出版社，2019：65-66.",
     dict(authors=["牛永敢", "孔晓", "王阳"], title="鼻整形应用解剖学", source="人民卫生出版社", year=2019, pages="65-66", type="M")),
    ("[9]王明. 城市社区治理研究[D]. 北京：北京大学，2019.",
     dict(authors=["王明"], title="城市社区治理研究", source="北京大学", year=2019, type="D")),
    ("[1]中国视角与当代价值——关于艺术学理论认知相关问题的思考[J]. 周星. 艺术工作. 2019(06)",
     dict(authors=["周星"], title="中国视角与当代价值——关于艺术学理论认知相关问题的思考", source="艺术工作", year=2019,
          issue="6", type="J")),
    ("[1]学位授予和人才培养一级学科简介[M]. 高等教育出版社 , 国务院学位委员会第六届学科评议组, 2013",
     dict(authors=["国务院学位委员会第六届学科评议组"], title="学位授予和人才培养一级学科简介", source="高等教育出版社",
          year=2013, type="M")),
    # CNKI's web sources and unknown works: a title with an empty author (crashed the parser)
    ("[2]学位授予和人才培养学科目录. . 2011", dict(title="学位授予和人才培养学科目录", year=2011)),
    ("[6]中国文艺评论 . 2020", dict(title="中国文艺评论", year=2020)),
    # the name with its role in brackets, and a role in brackets after the name
    ("[3]宗白华全集[M]. 安徽教育出版社 , [宗白华著], 1994",
     dict(authors=["宗白华"], title="宗白华全集", source="安徽教育出版社", year=1994, type="M")),
    ("[2]必要的张力. [美]托马斯.S.库恩[著]. 福建人民出版社 . 1987",
     dict(authors=["托马斯.S.库恩"], title="必要的张力", source="福建人民出版社", year=1987, type="M")),
    # the same on a saved page, whose punctuation the ingest normalized to full width
    ("[2]协商民主与基层治理[M]. 中央编译出版社，陈家刚，2015",
     dict(authors=["陈家刚"], title="协商民主与基层治理", source="中央编译出版社", year=2015, type="M")),
    ("1.严栋.基于物联网的智慧图书馆.图书馆学刊.2010.32(7)",
     dict(authors=["严栋"], title="基于物联网的智慧图书馆", source="图书馆学刊", year=2010, volume="32", issue="7", type="J")),
    ("张明楷：《刑法学》，法律出版社2016年版，第12页。",
     dict(authors=["张明楷"], title="刑法学", source="法律出版社", year=2016, pages="12", type="M")),
    ("陈兴良：《刑法教义学的发展脉络》，载《政治与法律》2017年第3期，第2-15页。",
     dict(authors=["陈兴良"], title="刑法教义学的发展脉络", source="政治与法律", year=2017, issue="3", pages="2-15", type="J")),
    ("LECUN Y,BENGIO Y,HINTON G.Deep learning[J].Nature,2015,521(7553):436-444.DOI:10.1038/nature14539.",
     dict(authors=["LECUN Y", "BENGIO Y", "HINTON G"], title="Deep learning", source="Nature", year=2015, volume="521",
          issue="7553", pages="436-444", type="J", doi="10.1038/nature14539")),
    ("Ostrom, E., & Ahn, T. K. (2003). Foundations of social capital. Journal of Economic Methodology, 10(2), 155-178.",
     dict(authors=["Ostrom, E", "Ahn, T. K"], title="Foundations of social capital", source="Journal of Economic Methodology",
          year=2003, volume="10", issue="2", pages="155-178", type="J")),
    ("CORTES C, 1995, MACH LEARN, V20, P273, DOI 10.1007/BF00994018",
     dict(authors=["CORTES C"], title=None, source="MACH LEARN", year=1995, volume="20", pages="273", doi="10.1007/BF00994018")),
]


@pytest.mark.parametrize("raw,want", PARSED, ids=[w["title"] or w["source"] for _, w in PARSED])
def test_parse_reference_styles(raw, want):
    got = parse_reference(raw)
    assert list(got) == list(FIELDS) and got["raw"] == raw
    for field in FIELDS[1:]:
        assert got[field] == want.get(field, [] if field == "authors" else None), field


def test_unreadable_fields_are_null():
    got = parse_reference("宗白华全集 .")
    assert got["title"] == "宗白华全集" and got["year"] is None and got["type"] is None and got["authors"] == []
    assert parse_reference("")["title"] is None


def test_keys_join_variants_and_keep_works_apart():
    same = ["[2]黄晓春.党建引领下的当代中国社会治理创新[J].中国社会科学,2021(06):116-135.",
            "1.黄晓春.党建引领下的当代中国社会治理创新.中国社会科学.2021.(6)",
            "[3]党建引领下的当代中国社会治理创新[J]. 黄晓春. 中国社会科学. 2021(06)",
            "黄晓春：《党建引领下的当代中国社会治理创新》，载《中国社会科学》2021年第6期。"]
    assert len({work_key(parse_reference(s)) for s in same}) == 1
    editions = ["[3]费孝通.乡土中国[M].北京:北京大学出版社,1998.", "[8]费孝通.乡土中国（第2版）[M].北京:北京大学出版社,2012."]
    assert len({work_key(parse_reference(s)) for s in editions}) == 1
    cut = ["[8]牛永敢，孔晓，王阳，等. 鼻整形应用解剖学[M]. 北京：人民卫生出版社，2019.",
           "[4]牛永敢,孔晓,王阳,李明.鼻整形应用解剖学[M].北京:人民卫生出版社,2019."]
    assert len({work_key(parse_reference(s)) for s in cut}) == 1
    renamed = ["Zhang S, 1985, 图书馆学通讯, V2, P10", "Zhang S, 1985, 中国图书馆学报, V2, P10"]
    assert len({work_key(parse_reference(s)) for s in renamed}) == 1
    apart = ["[9]王明. 城市社区治理研究[D]. 北京：北京大学，2019.", "[5]李强.城市社区治理研究[M].北京:社会科学文献出版社,2016.",
             "[1]狮子艺术[M]. 东南大学出版社 , 张道一, 2018", "[2]乡土玩具[M]. 山东教育出版社 , 张道一, 2016"]
    assert len({work_key(parse_reference(s)) for s in apart}) == 4


# One hand-made page per layout (fictional text, real structure): the entries it must give.
PAGE_REFERENCES = {
    "cnki_kcms2_citation_network.html": (4, "[1] 基层协商民主的实践逻辑[J]. 孙立群，何佳. 政治学研究. 2019(03)"),
    "cnki_text_save.txt": (3, "[1]孙立群，何佳.基层协商民主的实践逻辑[J].政治学研究,2019(03): 45-57."),
    "wanfang_vue_references.html": (3, "黄晓春.党建引领下的当代中国社会治理创新[J].中国社会科学,2021(6):116-135."),
    "cqvip_qikan_references.html": (4, "1. 杨雪冬.风险社会与秩序重建[M].北京：社会科学文献出版社,2006."),
    "generic_numbered_paragraphs.html": (4, "［1］竹立家.网格化管理的基本逻辑[J].人民论坛,2015(9):21-23."),
    "generic_law_footnotes.html": (3, "①罗豪才、宋功德：《软法亦法：公共治理呼唤软法之治》，法律出版社2009年版，第3页。"),
}
CITING_OR_SIMILAR = ("黄蕾", "周可", "马力", "李伟", "陈凯", "张海波", "薛澜")


@pytest.mark.parametrize("name", sorted(PAGE_REFERENCES))
def test_reference_lists_of_each_layout(name):
    count, first = PAGE_REFERENCES[name]
    refs = ingest_file(REFERENCE_PAGES / name).records[0].references
    assert len(refs) == count and refs[0] == first
    assert not any(person in ref for ref in refs for person in CITING_OR_SIMILAR)
    assert all(parse_reference(ref)["title"] for ref in refs)


def test_wrapped_entry_of_a_text_save_is_joined():
    refs = ingest_file(REFERENCE_PAGES / "cnki_text_save.txt").records[0].references
    assert parse_reference(refs[1])["pages"] == "62-74"


def test_references_of_a_real_saved_article_page(external):
    page = need(EXTERNAL / "chinese-web-content-extraction" / "original" / "2397c95d-2de8-4ca5-a569-4fffd20b9d50.html")
    refs = ingest_file(page).records[0].references
    assert len(refs) == 13 and refs[0].startswith("[1]章炳林") and refs[-1].startswith("[13]李锋")
    parsed = [parse_reference(r) for r in refs]
    assert [p["type"] for p in parsed].count("D") == 4 and all(p["year"] and p["title"] for p in parsed)


def test_no_reference_lists_invented_on_real_pages_without_one(external):
    pages = sorted((need(EXTERNAL / "chinese-web-content-extraction" / "original")).glob("*.html"))
    with_refs = [p.name for p in pages if ingest_file(p).records and ingest_file(p).records[0].references]
    assert with_refs == ["2397c95d-2de8-4ca5-a569-4fffd20b9d50.html"]


def test_parse_accuracy_on_the_labelled_real_references(external):
    sys.path.insert(0, str(ROOT / "bench"))
    import references as bench

    pairs = bench.labelled()
    accuracy = bench.field_accuracy(pairs, parse_reference)
    assert len(pairs) == 60
    assert min(accuracy.values()) >= 0.9 and sum(accuracy.values()) / len(accuracy) >= 0.95, accuracy
    precision, recall, _, _ = bench.key_scores()
    assert precision >= 0.95 and recall >= 0.8


def test_cssci_export_gives_records_with_their_references():
    result = ingest_file(EXPORTS / "cssci_LY_sample.txt")
    assert result.error is None
    first, second = result.records
    assert first.title_zh == "党建引领社区治理的协作机制研究" and first.authors == ["林晓", "周明远"]
    assert first.journal == "社会科学研究" and (first.year, first.volume, first.issue, first.pages) == (2022, "44", "3", "58-71")
    assert first.affiliations == ["复旦大学国际关系与公共事务学院", "华东政法大学政府管理学院"]
    assert first.keywords_zh == ["党建引领", "社区治理", "协作机制", "基层治理"]
    assert len(first.references) == 5 and len(second.references) == 2
    parsed = [parse_reference(r) for r in first.references]
    assert [p["year"] for p in parsed] == [2021, 1998, 1990, 2014, None]
    assert parsed[1]["source"] == "北京大学出版社" and parsed[1]["type"] == "M"
    assert work_key(parsed[0]) == work_key(parse_reference(second.references[0]))


def test_reference_lists_by_title_give_the_export_its_references(tmp_path, capsys):
    """The real CiteSpace-export companion files (reference lists scraped from CNKI, `<p><title>…<ref>…`):
    read as reference lists, not as two pages with one huge body; merged by title into the export's
    records, whose references `references` and the co-citation network then use."""
    from pipeline.build.build import build
    from pipeline.cli.main import main

    folder = need(EXTERNAL / "cnki-exports" / "cnki2citespace")
    lists = ingest_file(folder / "ref_info.html")
    assert lists.error is None and len(lists.records) == 17
    assert all(r.source_kind == "reference-list" and not r.body and r.references for r in lists.records)
    wrapped = next(r for r in lists.records if r.title_zh == "艺术学理论的学科进路").references
    assert wrapped[0].endswith("of pictorial style. Michael Baxandall. Oxford University Press . 1988")  # one entry
    glued = next(r for r in lists.records if any("Rockhill" in x for x in r.references)).references
    assert any(x.startswith("建构艺术史与社会发展的宏观图卷") for x in glued)  # not glued to the entry before it
    paged = ingest_file(folder / "original_data.html").records
    assert not [x for r in paged for x in r.references if "末页" in x or "共" in x[:6]]
    assert any("references incomplete" in w for r in paged for w in r.cleaning.get("warnings", []))
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in folder.iterdir():
        (raw / path.name).symlink_to(path)
    out = tmp_path / "build"
    summary = build(raw, out, jobs=1, progress=False)
    assert not summary.failures and not summary.warnings
    documents = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    exported = [d for d in documents if any(s.endswith("download_1-307.txt") for s in d["sources"])]
    assert len(exported) == 307 and not [d for d in documents if "[J]" in d["body"] or "[M]" in d["body"]]
    mined = (out / "corpus_terms.tsv").read_text(encoding="utf-8")
    assert "李心峰" not in mined  # a cited author, mined as a term while the lists were a page's body
    cited = [d for d in exported if d["references"]]
    assert len(cited) == 19 and all(d["year"] and d["authors"] for d in cited)
    # The export's record leads its group: its kind, its cleaning, its title.
    assert all(d["source_kind"] == "export" and d["cleaning"]["export_format"] == "wos" for d in cited)
    assert main(["references", "top", "--corpus", str(out), "--format", "csv", "--top", "3"]) == 0
    top = capsys.readouterr().out.splitlines()
    # 宗白华全集 is cited as `宗白华, 2008` and `[宗白华著], 1994`: one work
    assert len(top) == 4 and top[1].startswith("宗白华|宗白华全集,") and int(top[1].split(",")[1]) >= 4
    assert main(["network", "--corpus", str(out), "--unit", "references", "--min-docs", "2", "--out",
                 str(tmp_path / "cocitation")]) == 0
    edges = (tmp_path / "cocitation" / "edges.csv").read_text(encoding="utf-8").splitlines()
    assert edges[0].startswith("source,target,weight") and len(edges) > 1


def _corpus(tmp_path):
    records = []
    for i, path in enumerate([EXPORTS / "cssci_LY_sample.txt"]):
        for rec in ingest_file(path).records:
            records.append(rec.to_dict())
    return write_corpus(tmp_path / "corpus", records)


def test_references_table_most_cited_and_bursts(tmp_path):
    corpus = load_corpus(_corpus(tmp_path))
    table = corpus.references()
    assert list(table.columns[:9]) == ["doc_id", "rank", "raw", "authors", "title", "source", "year", "volume", "issue"]
    assert len(table) == 7 and list(table.groupby("doc_id")["rank"].max().sort_values()) == [2, 5]
    top = corpus.most_cited(top=1)
    assert top.loc[0, "citations"] == 2 and top.loc[0, "title"] == "党建引领下的当代中国社会治理创新"
    assert list(corpus.reference_bursts().columns) == ["key", "title", "strength", "begin", "end"]


def _run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, input=stdin,
                          cwd=ROOT)


def test_references_command(tmp_path):
    corpus = _corpus(tmp_path)
    out = _run("references", "--corpus", str(corpus))
    assert out.returncode == 0
    header = out.stdout.splitlines()[0].split(",")
    assert header[:3] == ["doc_id", "rank", "raw"] and {"authors", "title", "source", "year", "type", "key"} <= set(header)
    assert len(out.stdout.splitlines()) == 8
    rows = [json.loads(line) for line in _run("references", "--corpus", str(corpus), "--format", "jsonl").stdout.splitlines()]
    assert rows[0]["authors"] == "黄晓春" and rows[0]["year"] == 2021
    parsed = _run("references", "parse", "-", stdin="1.严栋.基于物联网的智慧图书馆.图书馆学刊.2010.32(7)\n\n")
    lines = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert len(lines) == 2 and list(lines[0]) == list(FIELDS) and lines[0]["volume"] == "32" and lines[1]["title"] is None
    missing = _run("references", "--corpus", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")


def test_citespace_cr_lines_round_trip(tmp_path):
    from pipeline.writers import write_export

    records = ingest_file(EXPORTS / "cssci_LY_sample.txt").records
    records[0].references.append("LECUN Y, BENGIO Y, HINTON G. Deep learning[J]. Nature, 2015, 521(7553): 436-444.")
    [path] = write_export(records, "citespace", tmp_path)
    text = path.read_text(encoding="utf-8-sig")
    assert "CR 黄晓春, 2021, 中国社会科学" in text and "   LECUN Y, 2015, Nature, V521, P436" in text
    back = ingest_file(path).records
    for before, after in zip(records, back):
        dated = [raw for raw in before.references if parse_reference(raw)["year"]]
        assert len(after.references) == len(dated) and len(dated) >= len(before.references) - 1
        for raw, cr in zip(dated, after.references):
            want, got = parse_reference(raw), parse_reference(cr)
            assert got["year"] == want["year"] and got["volume"] == want["volume"]
            assert got["authors"][:1] == [a.split(",")[0] for a in want["authors"][:1]]
            assert got["source"] == (want["title"] if want["type"] in ("M", "D") or not want["source"] else want["source"])


def test_references_of_a_corpus_without_any_say_why(tmp_path, capsys):
    from pipeline.cli.main import main

    corpus = write_corpus(tmp_path / "c", [{"id": "a", "title_zh": "社区治理", "references": []}])
    assert main(["references", "--corpus", str(corpus)]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("doc_id,rank,raw") and "no record of this corpus lists references" in captured.err
