"""bench/t2s: traditional → simplified throughput of the official OpenCC wheel (what we depend on) against
opencc-python-reimplemented (what the user first asked for), on the same real traditional text.

The reimplementation installs the same module name (`opencc`), so it is timed in a subprocess from its
own directory: `pip install --target DIR opencc-python-reimplemented==0.1.7`, then
`OPENCC_REIMPL_DIR=DIR python bench/t2s.py`. Without that variable only our side is measured.
"""
from __future__ import annotations

import os
import subprocess
import sys

from common import EXTERNAL, ROOT, machine, need

TIMER = """
import sys, time
sys.path.insert(0, sys.argv[1])
import opencc
text = open(sys.argv[2], encoding="utf-8").read()
conv = opencc.OpenCC("t2s")
times = []
for _ in range(3):
    start = time.perf_counter(); out = conv.convert(text); times.append(time.perf_counter() - start)
sys.stdout.write(f"{sorted(times)[1]}\\n{out}")
"""


def sample_text() -> str:
    """Real traditional text: seed 003, the Taiwanese blog page, repeated to ~2 MB."""
    seed = (ROOT / "corpus" / "raw" / "003_9b1384a9c2849d8b.txt").read_text(encoding="utf-8")
    blog = (need(EXTERNAL / "readability-zh-pages") / "GoldStandard" / "pixnet.txt").read_text(encoding="utf-8")
    unit = seed + blog
    return unit * (2_000_000 // len(unit.encode()) + 1)


def main() -> None:
    import tempfile

    text = sample_text()
    mb = len(text.encode()) / 1e6
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write(text)
    site_packages = os.path.dirname(os.path.dirname(__import__("opencc").__file__))
    ours = subprocess.run([sys.executable, "-c", TIMER, site_packages, fh.name], capture_output=True, text=True)
    ours_s, ours_out = ours.stdout.split("\n", 1)
    print(f"## t2s ({machine()}), {mb:.1f} MB of real traditional text, median of 3")
    print(f"- opencc (official wheel): {mb / float(ours_s):7.1f} MB/s")
    other = os.environ.get("OPENCC_REIMPL_DIR")
    if other:
        theirs = subprocess.run([sys.executable, "-c", TIMER, other, fh.name], capture_output=True, text=True)
        theirs_s, theirs_out = theirs.stdout.split("\n", 1)
        differ = sum(a != b for a, b in zip(ours_out, theirs_out)) + abs(len(ours_out) - len(theirs_out))
        print(f"- opencc-python-reimplemented: {mb / float(theirs_s):7.1f} MB/s")
        print(f"- ratio: {float(theirs_s) / float(ours_s):.1f}x; characters differing: {differ} of {len(ours_out)}")
    os.unlink(fh.name)


if __name__ == "__main__":
    main()
