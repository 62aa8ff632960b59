"""Versions of the code a cached result depends on, derived from the code itself (never a list kept by
hand): a module, every `pipeline` module it imports (at any depth, function-level imports included), the
`__init__` of their packages, and the data files beside them (their directory and its `data/` folder).
A new helper module or an edited word list then invalidates what it could change, and nothing else."""
from __future__ import annotations

import ast
import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_ROOT = PACKAGE_DIR.parent


def _module_file(name: str) -> Path | None:
    base = _ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _statements(nodes: list) -> Iterator[ast.AST]:
    """The statements among `nodes` and, at any depth, in their blocks (an import is a statement, and
    only statements hold statements: the expressions, most of a tree, need no visit)."""
    for node in nodes:
        yield node
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            children = getattr(node, block, None)
            if isinstance(children, list):
                yield from _statements(children)


@functools.cache
def _imported(path: Path, module: str) -> set[str]:
    """The `pipeline` modules a file imports (a `from package import name` that names a submodule counts)."""
    names = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _statements(ast.parse(path.read_bytes()).body):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    found = set()
    for name in names:
        if name == "pipeline" or name.startswith("pipeline."):
            parts = name.split(".")
            # the module and the packages that importing it runs
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if _module_file(".".join(parts[:i])))
    return found


@functools.cache
def module_closure(module: str) -> tuple[Path, ...]:
    """Source files of `module` and of every pipeline module it imports, sorted."""
    seen, todo = set(), [module]
    while todo:
        name = todo.pop()
        if name in seen or (path := _module_file(name)) is None:
            continue
        seen.add(name)
        todo.extend(_imported(path, name) - seen)
    return tuple(sorted(p for name in seen if (p := _module_file(name))))


def _data_files(directory: Path) -> list[Path]:
    beside = [p for p in directory.iterdir() if p.is_file() and p.suffix not in (".py", ".pyc")]
    data = directory / "data"
    nested = [p for p in data.rglob("*") if p.is_file()] if data.is_dir() else []
    return beside + nested


@functools.cache
def code_version(module: str, data: bool = True, exclude: tuple[str, ...] = ()) -> str:
    """A short digest of `module`'s import closure (and, with `data`, the data files beside it), leaving
    out files whose name is in `exclude`."""
    files = set(module_closure(module))
    if data:
        for directory in {p.parent for p in module_closure(module)}:
            files.update(_data_files(directory))
    digest = hashlib.sha256()
    for file in sorted(files):
        if file.name in exclude:
            continue
        digest.update(str(file.relative_to(PACKAGE_DIR)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]
