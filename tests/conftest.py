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
