"""The package layout: one subpackage per stage, imports from later stages to earlier ones only."""
import ast
from pathlib import Path

from conftest import ROOT

# Stage order: a module may import its own stage and earlier ones (function-level imports included).
STAGES = ["record", "files", "safe_text", "versions", "text", "references", "ingest", "fetch", "build", "analysis", "writers",
          "cli"]
SAME_LEVEL = {"fetch": "ingest"}  # fetch and ingest are independent: neither imports the other


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "pipeline" else None


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_imports_point_from_later_stages_to_earlier_ones():
    wrong = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        own = path.relative_to(ROOT / "pipeline").parts[0].removesuffix(".py")
        if own not in STAGES:
            continue
        for module in _imports(path):
            other = _stage(module)
            if other in STAGES and STAGES.index(other) > STAGES.index(own):
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
            if other and SAME_LEVEL.get(own) == other or SAME_LEVEL.get(other) == own:
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not wrong, "\n".join(sorted(set(wrong)))


def test_every_stage_package_says_what_flows_in_and_out():
    for stage in STAGES:
        package = ROOT / "pipeline" / stage / "__init__.py"
        if package.exists():
            doc = ast.get_docstring(ast.parse(package.read_bytes()))
            assert doc and len(doc) > 80, f"{package} needs a docstring saying what flows in and out"
