"""Is a text traditional or simplified? Decided from characters that exist in one script only.

In: a string. Out: counts of traditional-only and simplified-only characters, and a verdict.

The two character sets are data (data/traditional_only.txt, data/simplified_only.txt), derived from
OpenCC's own dictionaries by `derive_sets` (run `python -m pipeline.text.chinese_script` to rewrite them
after an OpenCC upgrade; tests/text/test_chinese_script.py checks they match the installed OpenCC):

- traditional-only: a character OpenCC's t2s maps to something else (TSCharacters, TSCharactersExt) that
  is not itself among its own simplified forms (於 → 于 於 is excluded: 於 is also a simplified surname),
  is not a simplified form of any character, and that s2t leaves alone (not a key of STCharacters);
- simplified-only: the mirror image (STCharacters keys not among their own traditional forms, not a
  traditional form of anything, and not keys of TSCharacters).

A few traditional-only characters do occur in simplified text (names such as 李穎, chemistry's 噁唑), so a
single one never makes a text traditional on its own: `script_of` weighs both counts.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TRADITIONAL_FILE = DATA / "traditional_only.txt"
SIMPLIFIED_FILE = DATA / "simplified_only.txt"
TRADITIONAL, SIMPLIFIED = "traditional", "simplified"


def read_char_set(path: Path) -> frozenset[str]:
    """Characters of a data file: every character of the non-comment lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line.strip() for line in lines if not line.startswith("#")))


@functools.cache
def _pattern(path: Path) -> re.Pattern:
    return re.compile("[" + "".join(sorted(read_char_set(path))) + "]")


def traditional_only() -> frozenset[str]:
    return read_char_set(TRADITIONAL_FILE)


# What `evidence` marks the characters of each set with, to count them.
_TRADITIONAL_MARK, _SIMPLIFIED_MARK = "\x01", "\x02"


@functools.cache
def _marks() -> dict[int, str]:
    return ({ord(c): _TRADITIONAL_MARK for c in read_char_set(TRADITIONAL_FILE)}
            | {ord(c): _SIMPLIFIED_MARK for c in read_char_set(SIMPLIFIED_FILE)})


def evidence(text: str) -> tuple[int, int]:
    """(traditional-only characters, simplified-only characters) in `text`. Counted by marking them
    (str.translate, a fifth of the time of a regular expression of either set); a text that holds a
    mark already (a control character: records lose theirs before this) is searched instead."""
    if _TRADITIONAL_MARK in text or _SIMPLIFIED_MARK in text:
        return len(_pattern(TRADITIONAL_FILE).findall(text)), len(_pattern(SIMPLIFIED_FILE).findall(text))
    marked = text.translate(_marks())
    return marked.count(_TRADITIONAL_MARK), marked.count(_SIMPLIFIED_MARK)


def script_of(text: str) -> str | None:
    """TRADITIONAL when traditional-only characters outnumber simplified-only ones, SIMPLIFIED for the
    reverse, None when the text does not tell (no such characters, or as many of each)."""
    traditional, simplified = evidence(text)
    return TRADITIONAL if traditional > simplified else SIMPLIFIED if simplified > traditional else None


# ---- deriving the sets from OpenCC's dictionaries ------------------------------------------------------

def opencc_dictionary(name: str) -> dict[str, list[str]]:
    """An OpenCC dictionary of the installed wheel (e.g. TSCharacters) as {key: [values]}, read by
    converting its .ocd2 file to text with the wheel's own `opencc_dict` tool."""
    import subprocess
    import tempfile

    import opencc

    clib = Path(opencc.__file__).resolve().parent / "clib"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{name}.txt"
        subprocess.run([clib / "bin" / "opencc_dict", "-i", clib / "share" / "opencc" / f"{name}.ocd2",
                        "-o", out, "-f", "ocd2", "-t", "text"], check=True,
                       env={"LD_LIBRARY_PATH": str(clib / "lib64")})
        lines = out.read_text(encoding="utf-8").splitlines()
    return {key: values.split(" ") for key, values in (line.split("\t") for line in lines if line)}


def derive_sets() -> tuple[frozenset[str], frozenset[str]]:
    """(traditional-only, simplified-only) characters by the rules in the module docstring."""
    t2s = {**opencc_dictionary("TSCharacters"), **opencc_dictionary("TSCharactersExt")}
    s2t = opencc_dictionary("STCharacters")

    def one_sided(forward: dict, backward: dict) -> frozenset[str]:
        targets = {c for values in forward.values() for c in values}
        return frozenset(c for c, values in forward.items()
                         if len(c) == 1 and c not in values and c not in targets and c not in backward)

    return one_sided(t2s, s2t), one_sided(s2t, t2s)


def render(chars: frozenset[str], what: str) -> str:
    """A data file: a provenance header, then the characters in code point order, 50 a line."""
    import opencc

    version = getattr(opencc, "__version__", "?")
    ordered = "".join(sorted(chars))
    header = (f"# {what}: {len(chars)} characters, derived from OpenCC {version}'s dictionaries\n"
              "# (TSCharacters, TSCharactersExt, STCharacters; https://github.com/BYVoid/OpenCC, Apache-2.0)\n"
              "# by pipeline/text/chinese_script.py (derive_sets, rules in its docstring). Do not edit by hand.\n")
    return header + "\n".join(ordered[i:i + 50] for i in range(0, len(ordered), 50)) + "\n"


def main() -> None:
    traditional, simplified = derive_sets()
    TRADITIONAL_FILE.write_text(render(traditional, "traditional-only"), encoding="utf-8")
    SIMPLIFIED_FILE.write_text(render(simplified, "simplified-only"), encoding="utf-8")
    print(f"{TRADITIONAL_FILE}: {len(traditional)}; {SIMPLIFIED_FILE}: {len(simplified)}")


if __name__ == "__main__":
    main()
