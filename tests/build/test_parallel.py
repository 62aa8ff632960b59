"""pipeline.build.workers: ordered maps over local worker processes, and byte ranges of whole lines."""
import multiprocessing

from pipeline.build.workers import Workers, line_ranges, read_lines


def test_results_come_in_item_order_from_the_workers():
    with Workers(2) as workers:
        assert list(workers.map(abs, range(-40, 0))) == list(range(40, 0, -1))
        assert list(workers.map(abs, [-3])) == [3]  # one item runs in this process


def test_workers_stop_the_processes_of_a_map_left_unfinished():
    with Workers(2) as workers:
        results = workers.map(abs, range(-50, 0))
        assert next(results) == 50
        assert multiprocessing.active_children()
    assert multiprocessing.active_children() == []


def test_line_ranges_cut_a_file_into_whole_lines(tmp_path):
    path = tmp_path / "lines.jsonl"
    lines = [f'{{"id":"{i:03d}","text":"{"党建" * (i % 13)}"}}\n'.encode() for i in range(200)]
    path.write_bytes(b"".join(lines))
    ranges = list(line_ranges(path, 500))
    assert len(ranges) > 10 and ranges[0][0] == 0
    assert all(offset + size == following for (offset, size), (following, _) in zip(ranges, ranges[1:]))
    assert [line + b"\n" for offset, size in ranges for line in read_lines(path, offset, size)] == lines
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert list(line_ranges(empty, 500)) == []


def test_corpus_terms_mined_by_workers_equal_those_mined_in_one_process(nssf_corpus, monkeypatch):
    """The build segments the term-mining sample in its workers, in parts of MINING_PART documents: the
    terms and their scores are those of one process (62,501 titles, every 4th mined)."""
    from pipeline.build.layout import corpus_files
    from pipeline.text import lexicon

    documents = corpus_files(nssf_corpus) / "documents.jsonl"
    alone = lexicon.corpus_terms(documents, [])
    monkeypatch.setattr(lexicon, "MINING_PART", 700)
    with Workers(2) as workers:
        spread = lexicon.corpus_terms(documents, [], map=workers.map)
    assert spread == alone and len(alone) >= 20
