"""Issue 2's accuracy bar: `body` of the whole ingest against hand-made main text on 69 real pages."""
import statistics

from conftest import EXTERNAL, need
from pipeline.ingest.evaluate import char_f1
from pipeline.ingest.files import ingest_file
from pipeline.text.normalize import normalize_text

DATA = EXTERNAL / "chinese-web-content-extraction"


def test_mean_body_f1_through_ingest_is_at_least_090():
    pages = sorted((need(DATA) / "original").glob("*.html"))
    assert len(pages) == 69
    scores = []
    for page in pages:
        result = ingest_file(page)
        assert result.error is None, (page.name, result.error)
        body = result.records[0].body
        # No replacement character that the page's own bytes (in the encoding used) do not have.
        source_text = page.read_bytes().decode(result.records[0].cleaning["encoding"], "replace")
        assert body.count("\ufffd") <= source_text.count("\ufffd"), page.name
        # The corpus is simplified with one punctuation form: compare with the hand-made text in that form.
        expected = normalize_text((DATA / "cleaned" / f"{page.stem}.txt").read_text(encoding="utf-8"))
        scores.append(char_f1(body, expected))
    assert statistics.mean(scores) >= 0.90, statistics.mean(scores)
