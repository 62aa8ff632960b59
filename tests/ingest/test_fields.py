from pipeline.ingest import fields


def test_source_lines():
    assert fields.parse_source_line("2025年第6期47-58,165,共13页") == {
        "journal": None, "year": 2025, "volume": None, "issue": "6", "pages": "47-58,165"}
    assert fields.parse_source_line("中国行政管理. 2023,39(04)") == {
        "journal": "中国行政管理", "year": 2023, "volume": "39", "issue": "4", "pages": None}
    assert fields.parse_source_line("年,卷(期):2024.30(6)")["volume"] == "30"
    assert fields.parse_source_line("《江南论坛》 2025年1期")["journal"] == "江南论坛"
    assert fields.parse_source_line("社会学研究 2021(05):6-14")["pages"] == "6-14"


def test_authors_and_affiliations():
    assert fields.split_authors("景晓芬1,2 陈敏伟* 认领") == ["景晓芬", "陈敏伟"]
    assert fields.split_authors("张元 1, 李四 2") == ["张元", "李四"]
    assert fields.split_authors("王五 wangwu@ruc.edu.cn") == ["王五"]
    assert fields.split_affiliations("1.上海科技大学 2.复旦大学社会发展与公共政策学院,上海 200433") == [
        "上海科技大学", "复旦大学社会发展与公共政策学院"]
    assert fields.clean_affiliation("[1]重庆大学公共管理学院,重庆 400044") == "重庆大学公共管理学院"
    names, affs = fields.parse_english_author_line("LI Si;WANG Wu(School of Sociology,Renmin University,Beijing,100872)")
    assert names == ["LI Si", "WANG Wu"] and affs == ["School of Sociology,Renmin University,Beijing"]


def test_keywords():
    assert fields.split_keywords_zh('"五社联动" 社区治理；韧性社区,') == ["五社联动", "社区治理", "韧性社区"]
    assert fields.split_keywords_en("Party-led; community governance;") == ["Party-led", "community governance"]
    glued = "urban governancesocial capitalresilience"
    assert fields.split_keywords_en(glued, {"urban", "governance", "social", "capital", "resilience"}) == [
        "urban governance", "social capital", "resilience"]


def test_indexing_fund_references_residue():
    assert fields.find_indexing("CSTPCDCSSCICHSSCD北大核心") == ["CSTPCD", "CSSCI", "CHSSCD", "北大核心"]
    assert fields.join_fund(["国家社科基金(20BSH001)；", "教育部项目(19YJC840001)。"]) == \
        "国家社科基金(20BSH001)；教育部项目(19YJC840001)"
    assert fields.split_references(["[1]甲.论文[J].期刊,2020.", "续行", "[2]乙.书[M]."]) == [
        "[1]甲.论文[J].期刊,2020.续行", "[2]乙.书[M]."]
    assert fields.clean_abstract("<正>社区治理是基础。 更多 还原") == "社区治理是基础。"
    assert fields.clean_abstract("摘要正文AbstractFilter('ChDivSummary','ChDivSummaryMore','ChDivSummaryReset');") == "摘要正文"
    assert fields.parse_date("2025年01月20日 星期一") == "2025-01-20"
    # One parser for sites and exports: an impossible match is passed over for the next real date.
    assert fields.parse_date("编号 2019.13.45 发布于 2019/3/8 10:00") == "2019-03-08"
    assert fields.parse_date(None) is None and fields.parse_date("0000-00-00") is None
    assert fields.normalize_doi("DOI:10.16149/j.cnki.23-1523.2024.06.001。") == "10.16149/j.cnki.23-1523.2024.06.001"
