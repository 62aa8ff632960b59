"""One CLI convention: a user error is one line `error: …` on stderr and exit code 2, from every command."""
import subprocess
import sys

import pytest

from conftest import ROOT
from pipeline.cli.main import main, make_parser

MISSING_CORPUS = [
    ["trends", "共治"], ["keywords"], ["bursts"], ["network"], ["glossary"], ["export", "--format", "csv", "--out", "x"],
    ["duplicates"], ["lexicon", "suggest"], ["topics", "fit", "--out", "x"], ["references"], ["references", "top"],
]


@pytest.mark.parametrize("command", MISSING_CORPUS, ids=lambda c: " ".join(c[:2]))
def test_a_missing_corpus_is_one_error_line_and_exit_2(command, tmp_path, capsys):
    assert main([*command, "--corpus", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "none" in err


def test_build_of_a_missing_directory_is_one_line_without_traceback():
    run = subprocess.run([sys.executable, "-m", "pipeline", "build", "--raw", "/nonexistent", "--out", "/tmp/x-none"],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == "error: /nonexistent: no such input directory\n"


def test_bad_option_values_are_one_error_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["trends", "共治", "--by", "decade"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: argument --by: invalid choice") and err.count("\n") == 1


def test_every_option_of_every_command_says_what_it_does():
    undocumented = []

    def walk(parser, path):
        for action in parser._actions:
            if getattr(action, "choices", None) and isinstance(action.choices, dict):  # subcommands
                for name, child in action.choices.items():
                    walk(child, [*path, name])
            elif action.option_strings and action.help in (None, "") and "-h" not in action.option_strings:
                undocumented.append(f"{' '.join(path)} {action.option_strings[0]}")
    walk(make_parser(), [])
    assert not undocumented, undocumented
