"""References: reading reference strings into fields, and the identity of cited works.

    from pipeline.references import parse_reference, work_key
    ref = parse_reference("[2]黄晓春.党建引领下的当代中国社会治理创新[J].中国社会科学,2021(06):116-135.")
    ref["title"], ref["year"], ref["type"]        # '党建引领下的当代中国社会治理创新', 2021, 'J'
    work_key(ref)                                  # '黄晓春|党建引领下的当代中国社会治理创新'

Used at ingest (CSSCI and WoS `CR` references, CiteSpace `CR` lines) and by the analyses
(pipeline.citations). Format knowledge is data: formats.toml (type codes, publisher words, patterns),
journal_aliases.txt (former journal names).
"""
from pipeline.references.keys import cited_author, cited_journal, work_key
from pipeline.references.parse import FIELDS, TYPES, parse_reference

__all__ = ["FIELDS", "TYPES", "cited_author", "cited_journal", "parse_reference", "work_key"]
