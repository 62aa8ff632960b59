"""Bundled data travels with the package: a wheel built from the repository, installed into a fresh venv
outside it, segments and runs trends with the default lexicon, stopwords and concepts."""
import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with only the wheel installed; the dependencies come from this venv's site-packages
    (added as a plain path, so this venv's editable install of the repository is not seen)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout.split(b"\0")
    for name in filter(None, files):
        src, dst = ROOT / name.decode(), source / name.decode()
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dst.symlink_to(src.readlink())
        elif src.is_file():
            dst.write_bytes(src.read_bytes())
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(tmp / "dist"), str(source)], check=True)
    (wheel,) = (tmp / "dist").glob("pipeline-*.whl")
    env_dir = tmp / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--disable-pip-version-check", "--target", str(site), str(wheel)], check=True)
    return python, tmp / "elsewhere"


def _run(installed, *args, stdin=""):
    python, cwd = installed
    cwd.mkdir(exist_ok=True)
    return subprocess.run([python, *args], input=stdin, capture_output=True, text=True, cwd=cwd, check=True)


def test_the_installed_package_is_the_wheel_not_the_repository(installed):
    where = _run(installed, "-c", "import pipeline; print(pipeline.__file__)").stdout.strip()
    assert str(ROOT) not in where and "venv" in where


def test_an_installed_wheel_segments_with_the_default_lexicon_and_stopwords(installed):
    out = _run(installed, "-m", "pipeline", "segment", "--corpus", "none", stdin="党建引领下的协作型共治\n").stdout
    assert out == "党建引领 协作型共治\n"  # both are lexicon terms; 下 and 的 are stopwords


def test_an_installed_wheel_runs_trends_with_the_default_concepts(installed):
    python, cwd = installed
    corpus = cwd / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    rows = [{"id": "a", "title_zh": "社区韧性研究", "year": 2020}, {"id": "b", "title_zh": "城市治理", "year": 2020}]
    (corpus / "documents.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    out = _run(installed, "-m", "pipeline", "trends", "韧性", "--corpus", str(corpus), "--format", "json").stdout
    (row,) = json.loads(out)
    assert (row["concept"], row["docs"], row["total"]) == ("韧性", 1, 2)
    concepts = _run(installed, "-c", "import pipeline; print(len(pipeline.load_concepts()))").stdout
    assert int(concepts) > 5


def test_an_installed_wheel_has_the_gazetteer_and_institution_names(installed):
    code = ("from pipeline.analysis.regions import region; from pipeline.analysis.institutions import split_affiliation;"
            "print(region('延边大学'), region('清华大学'), *split_affiliation('华中理工大学管理学院'))")
    assert _run(installed, "-c", code).stdout.split() == ["吉林", "北京", "华中科技大学", "管理学院"]
