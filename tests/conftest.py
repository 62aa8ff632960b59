"""Shared test fixtures. Real third-party data lives in ../shared/data/external (never copied here)."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PIPELINE_SHARED", ROOT.parent / "shared"))
EXTERNAL = SHARED / "data" / "external"
SEEDS = SHARED / "seeds"


def need(path: Path) -> Path:
    """Return the external data path, or skip loudly naming what is missing."""
    if not path.exists():
        pytest.skip(f"external test data missing: {path} (expected ../shared beside the repo, "
                    f"or set PIPELINE_SHARED)")
    return path


@pytest.fixture
def external() -> Path:
    return need(EXTERNAL)


def write_corpus(directory: Path, records: list[dict], tokens: list[dict] | None = None) -> Path:
    """A built corpus directory (documents.jsonl, optional tokens.parquet) as `build` would leave it."""
    import json

    import pandas as pd

    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "documents.jsonl", "w", encoding="utf-8") as fh:
        for record in sorted(records, key=lambda r: r["id"]):
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    if tokens is not None:
        pd.DataFrame(tokens, columns=["id", "tokens_zh", "tokens_en"]).to_parquet(directory / "tokens.parquet")
    return directory


NSSF_CSV = EXTERNAL / "nssf-projects" / "social-2017-09-26.csv"


def nssf_titles():
    """NSSF project titles (simplified, as the build normalizes) with the year from 立项时间
    (`0000-…` or empty: no year). Rows without a title are not documents."""
    import opencc
    import pandas as pd

    table = pd.read_csv(need(NSSF_CSV), dtype=str, keep_default_na=False)
    table = table[table["项目名称"].str.strip() != ""]
    t2s = opencc.OpenCC("t2s.json")
    year = pd.to_numeric(table["立项时间"].str[:4], errors="coerce")
    return pd.DataFrame({
        "title": [t2s.convert(t) for t in table["项目名称"]],
        "year": year.where(year > 0).astype("Int64"),
    }).reset_index(drop=True)


@pytest.fixture(scope="session")
def nssf_corpus(tmp_path_factory) -> Path:
    """The NSSF titles imported as record JSON Lines through the real build (ingest, normalize)."""
    import json

    import pandas as pd

    from pipeline.build import build

    root = tmp_path_factory.mktemp("nssf")
    (root / "raw").mkdir()
    titles = nssf_titles()
    with open(root / "raw" / "nssf.jsonl", "w", encoding="utf-8") as fh:
        for i, (title, year) in enumerate(zip(titles["title"], titles["year"])):
            record = {"id": f"nssf{i:06d}", "title_zh": title, "year": None if pd.isna(year) else int(year)}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    # Every row stays a document (no dedup), so counts compare with pandas on the same rows.
    summary = build(root / "raw", root / "build", jobs=1, progress=False, dedup=False)
    assert not summary.failures, summary.report()
    return root / "build"
