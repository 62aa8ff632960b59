"""notebooks/trends.ipynb runs top to bottom against a corpus built here (the NSSF titles)."""

import nbformat
from nbclient import NotebookClient

from conftest import ROOT, nssf_titles

NOTEBOOK = ROOT / "notebooks" / "trends.ipynb"


def text_of(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
    return "".join(parts)


def test_trends_notebook_runs(nssf_corpus, monkeypatch):
    monkeypatch.setenv("PIPELINE_CORPUS", str(nssf_corpus))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert f"{len(nssf_titles()):,} documents, years" in text_of(code[1]) or \
        f"{len(nssf_titles())} documents, years" in text_of(code[1]), text_of(code[1])
    assert "党建引领" in text_of(code[2]) or "共治" in text_of(code[2])
    images = [o for cell in code for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 2  # the trend plot and the network
    assert "社会组织" in text_of(code[6])  # most central concept of the NSSF titles
    stderr = "".join(o.get("text", "") for cell in code for o in cell.get("outputs", []) if o.get("name") == "stderr")
    assert "missing from font" not in stderr and "Glyph" not in stderr
