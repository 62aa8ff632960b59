"""`make bench`: run every benchmark script in bench/ and print its results (for BENCHMARKS.md)."""
import runpy
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
names = sys.argv[1:] or sorted(p.stem for p in HERE.glob("*.py") if p.stem not in ("__main__", "common"))
for name in names:
    print(f"\n### bench/{name}.py", flush=True)
    sys.argv = [str(HERE / f"{name}.py")]  # each script parses its own options: none given here
    runpy.run_path(sys.argv[0], run_name="__main__")
