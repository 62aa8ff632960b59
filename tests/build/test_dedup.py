"""Duplicates across page kinds and exports: found, merged with the best field from each source, kept apart
when they are different papers."""
import json
import random

from pipeline.cli.main import main
from pipeline.build.dedup import MIN_NEAR_TITLE, MatchKeys, find_duplicates, merge_duplicates, normalize_title
from pipeline.ingest.readers import read_export
from pipeline.record import Record

TITLE = "党建引领社区治理的实践逻辑与路径优化"
MIRROR_BODY = ("黨建引領社區治理的實踐邏輯與路徑優化\n"
               + "一、問題的提出\n" + "新時代基層治理強調黨建引領，社區是治理的基本單元。" * 40
               + "\n二、實踐邏輯\n" + "黨組織通過組織嵌入、資源整合與價值引領推動多元共治。" * 40)

EXPORT = f"""RT Journal Article
A1 王明;李华;
AD 中国人民大学公共管理学院
T1 {TITLE}
JF 中国行政管理
YR 2021
IS 05
OP 47-58
K1 党建引领;社区治理;基层治理现代化
AB 党建引领是新时代基层治理的鲜明特征。
DS CNKI
DO 10.19735/j.issn.1006-0863.2021.05.06
"""


def the_same_article() -> list[Record]:
    page = Record(id="c0ffee0000000001", source="raw/cnki/abstract.html", source_kind="cnki", title_zh=TITLE,
                  authors=["王明", "李华"], affiliations=["中国人民大学公共管理学院", "北京大学政府管理学院"],
                  journal="中国行政管理", year=2021, issue="5", pages="47-58",
                  abstract_zh="党建引领是新时代基层治理的鲜明特征。", body="党建引领是新时代基层治理的鲜明特征。",
                  keywords_zh=["党建引领", "社区治理"], fund="国家社会科学基金项目(20BZZ001)", indexing=["CSSCI"],
                  url="https://kns.cnki.net/kcms/detail/ZXGL202105006.html")
    mirror = Record(id="aaaa000000000002", source="raw/mirror/fulltext.html", source_kind="mirror",
                    title_zh="黨建引領社區治理的實踐邏輯與路徑優化", authors=["王明"], body=MIRROR_BODY)
    (export,) = read_export("raw/exports/cnki-refworks.txt", EXPORT)
    return [page, mirror, export]


def test_page_mirror_and_export_become_one_record():
    page, mirror, export = records = the_same_article()
    merged, groups = merge_duplicates(records)
    assert len(merged) == 1 and len(groups) == 1
    rec = merged[0]
    assert rec.body == MIRROR_BODY  # the full text, from the mirror
    assert (rec.title_zh, rec.authors, rec.journal, rec.year) == (TITLE, ["王明", "李华"], "中国行政管理", 2021)
    assert rec.affiliations == page.affiliations and rec.fund == page.fund and rec.indexing == ["CSSCI"]
    assert rec.url == page.url and rec.source == page.source and rec.source_kind == "cnki"
    assert rec.doi == "10.19735/j.issn.1006-0863.2021.05.06" and rec.database == "CNKI"  # only the export had them
    assert rec.sources == sorted([page.source, mirror.source, export.source])
    assert rec.id == min(r.id for r in records)
    group = groups[0]
    assert group.id == rec.id and sorted(group.member_ids) == sorted(r.id for r in records)
    assert set(group.reasons) == {"title+author+year", "near-title"}


def test_merging_is_deterministic_whatever_the_input_order():
    records = the_same_article() + [Record(id="f" * 16, source="other", title_zh="数字政府建设的地方实践研究",
                                           authors=["周九"], year=2020)]
    expected = sorted(r.to_json() for r in merge_duplicates(records)[0])
    shuffled = records[:]
    random.Random(7).shuffle(shuffled)
    assert sorted(r.to_json() for r in merge_duplicates(shuffled)[0]) == expected


def test_similar_titles_of_different_papers_stay_apart():
    records = [
        Record(id="1", source="a", title_zh="党建引领社区治理研究", authors=["张三"], year=2020),
        Record(id="2", source="b", title_zh="党建引领乡村治理研究", authors=["李四"], year=2020),
        Record(id="3", source="c", title_zh="基层党建引领城市社区治理创新的实践研究（上）", authors=["王五"], year=2019),
        Record(id="4", source="d", title_zh="基层党建引领城市社区治理创新的实践研究（下）", authors=["王五"], year=2019),
        Record(id="5", source="e", title_zh="新时代党建引领城市基层社区治理创新研究", authors=["赵六"], year=2021),
        Record(id="6", source="f", title_zh="新时代党建引领城市基层社区治理创新研究", authors=["钱七"], year=2021),
    ]
    merged, groups = merge_duplicates(records)
    assert groups == [] and [r.id for r in merged] == ["1", "2", "3", "4", "5", "6"]
    assert [r.sources for r in merged] == [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]


def test_a_record_without_year_does_not_chain_two_years_together():
    title = "清朝西南驿递制度与边疆治理研究"
    records = [Record(id="1", title_zh=title, authors=["赵平"], year=2012),
               Record(id="2", title_zh=title, authors=["赵平"]),
               Record(id="3", title_zh=title, authors=["赵平"], year=2017)]
    groups = find_duplicates(records)
    assert len(groups) == 1 and len(groups[0][0]) == 2  # the undated one joins one of them, not both


def test_same_doi_merges_across_languages():
    records = [Record(id="2", title_zh="韧性城市评价", doi="10.1000/ABC", year=2020),
               Record(id="1", title_en="Evaluating resilient cities", doi="10.1000/abc", year=2020)]
    merged, groups = merge_duplicates(records)
    assert len(merged) == 1 and groups[0].reasons == ["doi"]
    assert merged[0].title_zh == "韧性城市评价" and merged[0].title_en == "Evaluating resilient cities"


def test_title_normalization_folds_script_punctuation_space_and_case():
    assert normalize_title("黨建引領：社區 治理（Ⅱ）") == normalize_title("党建引领社区治理(ii)")
    assert normalize_title("Digital  Governance: A Review") == "digitalgovernanceareview"


def test_duplicates_command_lists_groups_for_review(tmp_path, capsys):
    (tmp_path / "documents.jsonl").write_text("".join(r.to_json() + "\n" for r in the_same_article()),
                                              encoding="utf-8")
    assert main(["duplicates", "--corpus", str(tmp_path), "--format", "json"]) == 0
    (group,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(group["member_ids"]) == 3 and group["title"] == TITLE
    merged, _ = merge_duplicates(the_same_article())
    (tmp_path / "documents.jsonl").write_text(merged[0].to_json() + "\n", encoding="utf-8")
    assert main(["duplicates", "--corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "3 records  (merged)" in out and "raw/mirror/fulltext.html" in out and out.endswith("1 groups\n")


def exact_groups(records):
    """find_duplicates on records whose titles are too short for near matching: exact keys only."""
    assert all(len(normalize_title(r.title_zh or r.title_en)) < MIN_NEAR_TITLE for r in records)
    return find_duplicates(records)


def test_exact_key_folds_script_punctuation_width_and_case_of_title_and_author():
    records = [Record(id="1", title_zh="黨建引領：治理（一）", authors=["張 三", "李四"], year=2020),
               Record(id="2", title_zh="党建引领治理(一)", authors=["张三"], year=2020),
               Record(id="3", title_zh="ＡＩ 治理", authors=["Wang Ming"], year=2021),
               Record(id="4", title_zh="AI治理", authors=["wang ming"], year=2021)]
    assert exact_groups(records) == [([0, 1], ["title+author+year"]), ([2, 3], ["title+author+year"])]


def test_exact_key_needs_the_same_year_and_first_author():
    title = "韧性治理"
    assert exact_groups([Record(id="1", title_zh=title, authors=["张三"], year=2020),
                         Record(id="2", title_zh=title, authors=["张三"], year=2021)]) == []
    assert exact_groups([Record(id="1", title_zh=title, authors=["张三", "李四"], year=2020),
                         Record(id="2", title_zh=title, authors=["李四", "张三"], year=2020)]) == []
    # Without a year (or an author) the key is incomplete, so no exact match.
    assert exact_groups([Record(id="1", title_zh=title, authors=["张三"]),
                         Record(id="2", title_zh=title, authors=["张三"])]) == []
    assert exact_groups([Record(id="1", title_zh=title, year=2020), Record(id="2", title_zh=title, year=2020)]) == []


def test_doi_key_ignores_case_space_and_wrapping():
    records = [Record(id="1", title_zh="甲", doi=" 10.1000/ABC.2020 "), Record(id="2", title_en="B", doi="10.1000/abc.2020"),
               Record(id="3", title_zh="甲", doi="10.1000/abc.2021"),
               Record(id="4", title_en="C", doi="https://doi.org/10.1000/abc.2020"), Record(id="5", doi="DOI:10.1000/abc.2020")]
    assert exact_groups(records) == [([0, 1, 3, 4], ["doi"])]


def test_normalize_title_is_the_title_key_dedup_uses():
    titles = ["黨建引領：社區 治理（Ⅱ）", "Digital  Governance: A Review", "ＡＩ治理", "", "《韧性》——城市"]
    keys = MatchKeys.of([Record(id=str(i), title_zh=t or None) for i, t in enumerate(titles)])
    assert keys.titles == [normalize_title(t) for t in titles]
    assert keys.titles[0] == "党建引领社区治理ii" and keys.titles[4] == "韧性城市"


def test_minhash_signatures_depend_on_each_titles_bigram_set_only():
    from pipeline.build import dedup

    titles = ["党建引领社区治理研究", "甲乙甲乙甲乙甲乙", "韧性城市评价指标体系构建", "甲乙甲乙甲乙甲乙甲乙"]
    together = dedup._minhash_signatures(titles, batch=3)  # neighbours and a batch boundary
    alone = [dedup._minhash_signatures([title])[0] for title in titles]
    assert all((t == a).all() for t, a in zip(together, alone))
    assert (together[1] == together[3]).all()  # the same bigrams {甲乙, 乙甲}
    assert (together[0] != together[2]).sum() > 50  # unrelated titles agree on few of the 60 values


def test_merged_groups_are_reviewable_member_by_member(tmp_path, external):
    """Issue 14: a group merged by the build lists each member's file and record number, first author,
    year and the rule that matched it (was: only the group's sources, useless inside one table)."""
    from pipeline.analysis.corpus import load_records
    from pipeline.build.build import build
    from pipeline.build.dedup import format_groups, review_groups

    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("mixed.net", "withLineBreakInAddress.net"):
        (raw / name).write_bytes((external / "cnki-exports" / "cnki2bibtex" / name).read_bytes())
    table = "题名,作者,年份\n数字政府建设的地方实践研究,周九,2020\n乡村振兴中的合作社,王五,2019\n数字政府建设的地方实践研究,周九,2020\n"
    (raw / "one-table.csv").write_text(table, encoding="utf-8")
    build(raw, tmp_path / "build", jobs=1, progress=False)
    groups = {g.title: g for g in review_groups(load_records(tmp_path / "build"))}
    inside = groups["数字政府建设的地方实践研究"]
    assert sorted((m["place"], m["first_author"], m["year"]) for m in inside.members) == [
        ("record 1", "周九", 2020), ("record 3", "周九", 2020)]  # members in id order
    assert [m["matched"] for m in inside.members] == [None, "title+author+year"]
    across = groups["基于公共行政理念的政府公共关系发展历程探析"]
    assert sorted((m["source"].rsplit("/", 1)[-1], m["place"]) for m in across.members) == [
        ("mixed.net", "record 10"), ("withLineBreakInAddress.net", "record 1")]
    text = format_groups([inside])
    assert "one-table.csv record 1  |  周九, 2020  |" in text and "same title, first author and year with one-table.csv record" in text


def test_near_title_members_show_their_similarity():
    from pipeline.build.dedup import member_summaries

    first = Record(id="a", source="t.csv", title_zh="党建引领社区治理的实践逻辑与路径优化研究", authors=["王明"], year=2021,
                   cleaning={"record_number": 4})
    second = Record(id="b", source="t.csv", title_zh="党建引领社区治理的实践逻辑与路径优化", authors=["王明"], year=None,
                    cleaning={"record_number": 9})
    summaries = member_summaries([second, first])
    assert [s["place"] for s in summaries] == ["record 4", "record 9"]
    rule, similarity = summaries[1]["matched"].split()
    assert rule == "near-title" and summaries[1]["with"] == "a" and 0.8 <= float(similarity) < 1
