"""Export readers: every real CNKI/Wanfang export file, hand-checked samples, hand-written Refworks /
EndNote / 自定义 files from the format descriptions, tables through a column mapping, and bad input."""
import csv
import json
from collections import Counter

import pytest

from bench.common import nssf_projects
from conftest import EXTERNAL, NSSF_CSV, need
from pipeline.ingest.readers import ColumnMapping, ExportError, detect_format, read_export, read_export_file
from pipeline.record import make_id

EXPORTS = EXTERNAL / "cnki-exports"

# file -> (format, records), as the data README states (20, 20, 55 over six .net files, 307)
REAL_FILES = {
    "mrhelper/demo_cnki_202101.txt": ("estudy", 20),
    "mrhelper/demo_wanfang_202101.NET": ("noteexpress", 20),
    "cnki2bibtex/ChineseColon.net": ("noteexpress", 1),
    "cnki2bibtex/Classic5Test.net": ("noteexpress", 5),
    "cnki2bibtex/CoverAllTest15Entries.net": ("noteexpress", 15),
    "cnki2bibtex/LotsOfEnglish.net": ("noteexpress", 21),
    "cnki2bibtex/mixed.net": ("noteexpress", 12),
    "cnki2bibtex/withLineBreakInAddress.net": ("noteexpress", 1),
    "cnki2citespace/download_1-307.txt": ("wos", 307),
}


def read(name):
    path = need(EXPORTS / name)
    return read_export(str(path), path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_every_real_export_is_detected_and_fully_read(name):
    fmt, count = REAL_FILES[name]
    text = need(EXPORTS / name).read_text(encoding="utf-8")
    assert detect_format(text) == fmt
    records = read_export(name, text)
    assert len(records) == count
    assert all(r.source_kind == "export" and r.source == name for r in records)
    assert all(r.title_zh or r.title_en for r in records)
    assert len({r.id for r in records}) == count
    assert records[-1].id == make_id(text.encode("utf-8"), count - 1)  # stable ids, as the lead's ingest expects


def test_the_six_cnki_noteexpress_files_hold_55_records():
    assert sum(len(read(n)) for n in REAL_FILES if n.startswith("cnki2bibtex/")) == 55


def test_estudy_sample():
    records = read("mrhelper/demo_cnki_202101.txt")
    first = records[0]
    assert first.title_zh == "1例卡培他滨与苯妥英钠相互作用致乳腺癌合并癫痫患者小脑功能障碍的病例分析"
    assert first.authors == ["柯洪琴", "陈璿英", "王启斌"]
    assert first.affiliations == ["十堰市太和医院药学部(湖北医药学院附属医院)", "南昌大学第一附属医院药剂科"]
    assert first.journal == "中南药学" and first.year == 2021 and first.date == "2021-01-18"
    assert (first.volume, first.issue, first.pages) == ("19", "1", "168-170")
    assert first.keywords_zh == ["苯妥英钠", "卡培他滨", "相互作用", "小脑功能障碍", "不良反应"]
    assert first.abstract_zh.startswith("苯妥英钠作为一种传统抗癫痫药物") and "<正>" not in first.abstract_zh
    assert first.database == "CNKI" and first.doc_type == "journal"
    # the second record has no author line and no Year-年 line: year comes from PubTime
    assert records[1].authors == [] and records[1].year == 2021 and records[1].journal == "中华疾病控制杂志"
    assert all(r.year == 2021 for r in records)


def test_wanfang_noteexpress_sample_is_bilingual():
    records = read("mrhelper/demo_wanfang_202101.NET")
    first = records[0]
    assert first.title_zh == "超声引导下前锯肌平面阻滞对乳腺癌改良根治术术后肿瘤转移、复发的影响"
    assert first.title_en.startswith("Influence of ultrasound-guided serratus plane block")
    assert first.authors == ["江文杰", "韩超", "顾达民"]
    assert first.authors_en == ["Wenjie JIANG", "Chao HAN", "Damin GU"]
    assert first.affiliations == ["宜兴市人民医院"]
    assert first.journal == "临床检验杂志（电子版）"
    assert first.journal_en == "Clinical Laboratory Journal (Electronic Edition)"
    assert (first.year, first.volume, first.issue, first.pages) == (2020, "9", "1", "117-118")
    assert first.keywords_zh == ["前锯肌平面阻滞", "乳腺癌改良根治术", "基质金属蛋白酶"]
    assert first.database == "Wanfang"
    assert records[1].doi == "10.3969/j.issn.1672-9676.2020.01.039" and records[1].issn == "1672-9676"
    # "医院,浙江 湖州,313000": the address tail is not an institution
    assert any(r.affiliations == ["中国人民解放军陆军第72集团军医院"] for r in records)
    assert sum(bool(r.abstract_en) for r in records) == 1
    assert [len(r.keywords_en) for r in records if r.keywords_en] == [6]  # one record, six lines


def test_cnki_noteexpress_mixed_document_types():
    records = {r.title_zh or r.title_en: r for r in read("cnki2bibtex/CoverAllTest15Entries.net")}
    thesis = records["云环境下铁路“门到门”货运产品设计优化方法研究"]
    assert thesis.doc_type == "thesis" and thesis.journal is None  # 学位授予单位 is not a journal
    assert thesis.affiliations == ["北京交通大学"] and thesis.authors == ["殷玮川"] and thesis.year == 2018
    assert "IBM DOcplexcloud软件" in thesis.keywords_zh
    paper = records["坚持在大局下行动"]
    assert (paper.doc_type, paper.journal, paper.date, paper.pages) == ("newspaper", "人民铁道", "2019-01-09", "A01")
    patent = records["一种铁路故障检测器清洗装置"]
    assert patent.doc_type == "patent" and patent.affiliations == ["芜湖华佳新能源技术有限公司"]
    conference = records["城市竖向对下凹式立交桥积水风险的影响"]
    assert conference.doc_type == "conference" and conference.journal.startswith("共享与品质——2018中国城市规划年会论文集")
    assert records["Making Tracks"].doc_type == "book" and records["Making Tracks"].title_zh is None
    assert Counter(r.doc_type for r in records.values()) == Counter(
        journal=5, thesis=2, yearbook=2, standard=2, conference=1, newspaper=1, book=1, patent=1)
    assert records["携手前进,共创未来——习近平在巴拿马媒体发表署名文章"].keywords_zh[:2] == ["巴拿马", "习近平"]
    assert records["企业党员干部队伍建设问题研究"].pages == "210,209"


def test_cnki_noteexpress_old_records_and_odd_syntax():
    (rec,) = read("cnki2bibtex/withLineBreakInAddress.net")  # CR line endings, address over many lines
    assert rec.authors == ["谢昕", "王小增"] and rec.affiliations == ["中国地质大学政法学院"]
    assert (rec.journal, rec.year, rec.issue, rec.pages) == ("湖北社会科学", 2005, "9", "14-16")
    assert rec.keywords_zh == ["政府公共关系", "公共行政", "发展历程", "理念"]
    (rec,) = read("cnki2bibtex/ChineseColon.net")  # `{Abstract}：` with a full-width colon
    assert rec.abstract_zh.startswith("软组织肉瘤是一类间叶来源的恶性肿瘤")
    assert rec.url == "https://rs.yiigle.com/CN112152201604/889113.htm"
    assert rec.keywords_zh == ["肉瘤", "软组织肿瘤", "诊断", "治疗", "规范"]
    assert rec.affiliations == ["复旦大学附属肿瘤医院"]  # without the CNKI institution code |JG001257
    english = read("cnki2bibtex/LotsOfEnglish.net")[0]
    assert english.title_zh is None and english.title_en.startswith("Evaluation of in-person and on-line")
    assert len(english.authors) == 12 and english.authors[0] == "Henry Fan Yeung"
    assert english.abstract_en.startswith("The goal of") and english.keywords_en[0] == "Food safety education"
    assert english.journal == "Food Control" and english.year == 2019


def test_citespace_wos_sample():
    records = read("cnki2citespace/download_1-307.txt")
    first = records[0]
    assert first.title_zh == "艺术学理论的专业性研究规格及其方法论"
    assert first.authors == ["梁玖"] and first.affiliations == ["北京师范大学艺术与传媒学院"]
    assert (first.journal, first.year, first.issue, first.pages) == ("民族艺术研究", 2021, "5", "67-75")
    assert first.keywords_zh == ["艺术学理论", "专业性研究规格", "新增学科知识", "意识理论观", "重两端-揭示学理"]
    assert first.database == "CNKI"
    assert records[4].authors == ["喻仲文", "罗雯"]
    assert records[3].affiliations == ["北京大学艺术学院", "北京大学美学与美育研究中心"]
    assert Counter(r.year for r in records) == {2011: 16, 2012: 17, 2013: 35, 2014: 28, 2015: 45, 2016: 33,
                                                 2017: 25, 2018: 23, 2019: 29, 2020: 32, 2021: 24}


REFWORKS = """RT Journal Article
SR 1
A1 王明;李华;
AD 1.中国人民大学公共管理学院;2.北京大学政府管理学院
T1 党建引领社区治理的实践逻辑与路径优化
JF 中国行政管理
YR 2021
IS 05
OP 47-58+165
K1 党建引领;社区治理;基层治理现代化
AB 党建引领是新时代基层治理的鲜明特征。本文基于多个城市社区的调查，
分析党建引领社区治理的实践逻辑。
SN 1006-0863
CN 11-3121/D
LA 中文;
DS CNKI
LK https://kns.cnki.net/kcms/detail/detail.aspx?dbcode=CJFD&filename=ZXGL202105006
DO 10.19735/j.issn.1006-0863.2021.05.06

RT Dissertation/Thesis
SR 1
A1 赵六
A3 钱七
T1 韧性城市建设中的多元共治研究
PB 华中师范大学
YR 2020
K1 韧性城市;多元共治
AB 本文研究韧性城市建设中的多元共治。
DS CNKI

RT Journal Article
A1 孙八
T1 共治与韧性：一个文献综述
ZZ 一个不标准的标签
JF 社会科学
"""


def test_refworks_from_the_format_description():
    assert detect_format(REFWORKS) == "refworks"
    article, thesis, sparse = read_export("cnki.txt", REFWORKS)
    assert article.title_zh == "党建引领社区治理的实践逻辑与路径优化"
    assert article.authors == ["王明", "李华"]
    assert article.affiliations == ["中国人民大学公共管理学院", "北京大学政府管理学院"]
    assert (article.journal, article.year, article.issue, article.pages) == ("中国行政管理", 2021, "5", "47-58,165")
    assert article.keywords_zh == ["党建引领", "社区治理", "基层治理现代化"]
    assert article.abstract_zh == "党建引领是新时代基层治理的鲜明特征。本文基于多个城市社区的调查，\n分析党建引领社区治理的实践逻辑。"
    assert (article.issn, article.doi, article.database) == ("1006-0863", "10.19735/j.issn.1006-0863.2021.05.06", "CNKI")
    assert article.url.startswith("https://kns.cnki.net/")
    assert thesis.doc_type == "thesis" and thesis.journal is None and thesis.affiliations == ["华中师范大学"]
    assert thesis.authors == ["赵六"]  # the supervisor (A3) is not an author
    assert sparse.title_zh == "共治与韧性：一个文献综述" and sparse.journal == "社会科学" and sparse.year is None


ENDNOTE = """%0 Journal Article
%A 王明
%A 李华
%+ 中国人民大学公共管理学院;北京大学政府管理学院
%T 党建引领社区治理的实践逻辑与路径优化
%J 中国行政管理
%D 2021
%N 05
%K 党建引领;社区治理;基层治理现代化
%X 第一段讲背景。<br>第二段讲发现，增长了15% A股也受影响。
%P 47-58
%@ 1006-0863
%L 11-3121/D
%W CNKI

%0 Thesis %A 赵六 %T 韧性城市建设中的多元共治研究
%I 华中师范大学
%9 硕士
%D 2020
%K 韧性城市;多元共治
%W CNKI
"""


def test_endnote_with_shared_lines_and_br():
    assert detect_format(ENDNOTE) == "endnote"
    article, thesis = read_export("cnki.enw", ENDNOTE)
    assert article.authors == ["王明", "李华"]
    assert article.affiliations == ["中国人民大学公共管理学院", "北京大学政府管理学院"]
    assert (article.journal, article.year, article.issue, article.pages) == ("中国行政管理", 2021, "5", "47-58")
    assert article.keywords_zh == ["党建引领", "社区治理", "基层治理现代化"]
    assert article.abstract_zh == "第一段讲背景。\n第二段讲发现，增长了15% A股也受影响。"
    assert thesis.title_zh == "韧性城市建设中的多元共治研究" and thesis.authors == ["赵六"]
    assert thesis.doc_type == "thesis" and thesis.affiliations == ["华中师范大学"] and thesis.journal is None


CUSTOM = """SrcDatabase-来源库:期刊
Title-题名:共治视角下的社区韧性研究
Author-作者:张三;李四;
Organ-单位:复旦大学社会发展与公共政策学院;
Source-文献来源:社会学研究
Keyword-关键词:共治;;社区韧性;;基层治理
Summary-摘要:本文讨论共治与社区韧性。
PubTime-发表时间:2022-03-20
Year-年:2022
Period-期:02
PageCount-页码:1-20
Fund-基金:国家社会科学基金项目(21BSH001)
DOI-DOI:10.1234/abc.2022.02

SrcDatabase-来源库:硕士
Title-题名:城市更新中的居民参与
Author-作者:王五;
Source-文献来源:南京大学
Year-年:2021
"""


def test_cnki_custom_export_without_datatype_and_without_space_after_colon():
    assert detect_format(CUSTOM) == "estudy"
    paper, thesis = read_export("custom.txt", CUSTOM)
    assert paper.title_zh == "共治视角下的社区韧性研究" and paper.authors == ["张三", "李四"]
    assert paper.keywords_zh == ["共治", "社区韧性", "基层治理"]
    assert (paper.journal, paper.year, paper.issue, paper.pages) == ("社会学研究", 2022, "2", "1-20")
    assert paper.fund == "国家社会科学基金项目(21BSH001)" and paper.doi == "10.1234/abc.2022.02"
    assert thesis.doc_type == "thesis" and thesis.journal is None and thesis.affiliations == ["南京大学"]


def test_nssf_csv_with_a_column_mapping():
    mapping = ColumnMapping.from_args(["title_zh=项目名称", "year=立项时间", "authors=项目负责人",
                                       "affiliations=工作单位"])
    records = read_export_file(need(NSSF_CSV), mapping)
    with open(NSSF_CSV, encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.DictReader(fh) if any(v.strip() for v in row.values())]
    assert len(records) == len(rows) == 62504  # every row with content; none dropped
    assert sum(r.year is None for r in records) == 3560 + 4  # 0000-… dates and empty ones
    assert [r.title_zh or "" for r in records[:1000]] == [row["项目名称"] for row in rows[:1000]]
    untitled = [r for r in records if not r.title_zh]
    assert untitled and all(r.cleaning["warnings"] == ["no title"] for r in untitled)
    first = records[0]
    assert (first.title_zh, first.year, first.affiliations) == (rows[0]["项目名称"], 2017, [rows[0]["工作单位"]])
    # The loader the benchmarks and the trend tests share keeps the rows with a title, years read alike.
    titled = [(row["项目名称"], record.year) for row, record in zip(rows, records) if row["项目名称"].strip()]
    assert nssf_projects(NSSF_CSV) == titled and len(titled) == 62501


def test_mapping_from_a_toml_file_and_from_aliases(tmp_path):
    config = tmp_path / "map.toml"
    config.write_text('database = "NSSF"\ndoc_type = "project"\n[columns]\ntitle_zh = "名称"\ndate = "时间"\n',
                      encoding="utf-8")
    table = "名称,时间,负责人,作者\n党建引领研究,2017-06-30,张三,\n韧性研究,0000-00-00,李四,\n"
    with pytest.raises(ExportError, match="no title column"):
        read_export("t.csv", table, "table")
    rec, bad_date = read_export("t.csv", table, "table", ColumnMapping.from_file(config))
    assert (rec.title_zh, rec.date, rec.year, rec.database, rec.doc_type) == ("党建引领研究", "2017-06-30", 2017,
                                                                            "NSSF", "project")
    assert bad_date.date is None and bad_date.year is None
    # a header with a known title column is detected and mapped by its aliases
    aliased = "题名,作者,年,关键词\n数字治理研究,张三；李四,2020,数字治理;基层\n"
    assert detect_format(aliased) == "table"
    (rec,) = read_export("k.csv", aliased)
    assert (rec.authors, rec.year, rec.keywords_zh) == (["张三", "李四"], 2020, ["数字治理", "基层"])


def test_excel_and_json_lines_tables(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["篇名", "作者", "发表时间"])
    book.active.append(["共治研究", "王五", "2019-05-01"])
    book.save(tmp_path / "list.xlsx")
    (rec,) = read_export_file(tmp_path / "list.xlsx")
    assert (rec.title_zh, rec.authors, rec.year, rec.date) == ("共治研究", ["王五"], 2019, "2019-05-01")
    lines = json.dumps({"name": "韧性社区", "who": ["甲", "乙"], "yr": 2018}, ensure_ascii=False) + "\n"
    (rec,) = read_export("x.jsonl", lines, "table", ColumnMapping.from_args(["title_zh=name", "authors=who",
                                                                            "year=yr"]))
    assert (rec.title_zh, rec.authors, rec.year) == ("韧性社区", ["甲", "乙"], 2018)


def test_json_lines_table_skips_a_bad_line_and_names_it(tmp_path):
    from pipeline.ingest.files import ingest_file

    lines = ['{"name": "韧性社区", "yr": 2018}', '{"name": "共治', '["not", "a", "row"]', '{"name": "党建引领"}']
    warnings = []
    records = read_export("t.jsonl", "\n".join(lines), "table", ColumnMapping.from_args(["title_zh=name"]), warnings)
    assert [r.title_zh for r in records] == ["韧性社区", "党建引领"]
    assert warnings == ["line 2: not JSON (Unterminated string starting at)", "line 3: not a JSON object"]
    # Through ingest (a mapping beside the file): the same warnings, in the result that names the file.
    (tmp_path / "t.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "t.jsonl.map.toml").write_text('[columns]\ntitle_zh = "name"\n', encoding="utf-8")
    result = ingest_file(tmp_path / "t.jsonl")
    assert [r.title_zh for r in result.records] == ["韧性社区", "党建引领"]
    assert (result.warnings, result.error) == (warnings, None)
    with pytest.raises(ExportError, match=r"no line holds a JSON object \(line 1: not JSON"):
        read_export("t.jsonl", "{oops\n", "table", ColumnMapping.from_args(["title_zh=name"]), [])


@pytest.mark.parametrize("text, fmt, reason", [
    ("", None, "empty file"),
    ("   \n\n", None, "empty file"),
    ("just some notes\nabout nothing\n", None, "not a known export format"),
    ("<html><body>CNKI</body></html>", None, "not a known export format"),
    ("RT @someone: a retweet, not Refworks\nsecond line\n", None, "not a known export format"),
    ("PT J\nno tags here\n", None, "not a known export format"),
    ("RT\x00\x00\x01binary", None, "binary content"),
    ("{Reference Type}: Journal Article\n{Title}: x\n", "refworks", "no refworks records found"),
    ("RT Journal Article\nT1 x\n", "bibtex", "unknown export format 'bibtex'"),
])
def test_bad_or_unknown_input_names_the_reason(text, fmt, reason):
    with pytest.raises(ExportError, match=reason):
        read_export("bad.txt", text, fmt)


def test_bad_mappings_name_the_problem(tmp_path):
    with pytest.raises(ExportError, match="expected FIELD=COLUMN"):
        ColumnMapping.from_args(["title_zh"])
    with pytest.raises(ExportError, match="unknown record field.*titel"):
        ColumnMapping.from_args(["titel=项目名称"])
    with pytest.raises(ExportError, match="column.*项目名称.*not in the header"):
        read_export("t.csv", "题名,年\nx,2020\n", "table", ColumnMapping.from_args(["title_zh=项目名称"]))
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ExportError, match="unreadable Excel workbook"):
        read_export_file(broken)


def test_export_files_in_gb18030_are_decoded(tmp_path):
    path = tmp_path / "CNKI-20240101.txt"
    path.write_bytes(CUSTOM.encode("gb18030"))
    paper, thesis = read_export_file(path)
    assert paper.title_zh == "共治视角下的社区韧性研究" and thesis.affiliations == ["南京大学"]
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ExportError, match="binary"):
        read_export_file(tmp_path / "binary.txt")


def test_a_cut_off_wos_file_keeps_its_records_and_flags_the_last():
    text = need(EXPORTS / "cnki2citespace" / "download_1-307.txt").read_text(encoding="utf-8")
    cut = text[: text.index("\nER\n", len(text) // 2) - 200]
    records = read_export("cut.txt", cut)
    assert 100 < len(records) < 307
    assert records[-1].cleaning["warnings"] == ["truncated: the file ends inside this record (no ER)"]
    assert "warnings" not in records[-2].cleaning and "warnings" not in read("cnki2citespace/download_1-307.txt")[-1].cleaning
