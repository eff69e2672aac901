"""The attribution-lab command line: validate and show, with exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from attribution_lab.cli import main

BROKEN = Path(__file__).resolve().parents[1] / "fixtures" / "broken_keys"


def test_validate_reports_the_kursk_case_valid_with_its_count(capsys, kursk) -> None:
    """`validate` with no argument checks the Kursk case and prints its statement count."""
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert f"kursk: valid (key version {kursk.key_version}, {len(kursk.statements)} statements)" in out


def test_validate_lists_every_problem_and_exits_1(capsys) -> None:
    """A broken case prints one line per problem (file, statement, field) and exits 1."""
    assert main(["validate", str(BROKEN / "several_problems")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert any("S01: origin.answer:" in line for line in err)
    assert any("S04: quote:" in line for line in err)
    assert err[-1].endswith("2 problem(s); the case is not valid")


def test_show_prints_statements_with_ids(capsys, kursk) -> None:
    """`show` prints each statement's id and text."""
    assert main(["show"]) == 0
    out = capsys.readouterr().out
    for statement in kursk.statements:
        assert f"{statement.id}: " in out


def test_unknown_case_exits_1_without_traceback(capsys) -> None:
    """An unknown case is a one-line error, exit 1."""
    assert main(["show", "no_such_case"]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_console_script_is_installed() -> None:
    """The `attribution-lab` console script runs from the environment."""
    exe = Path(sys.executable).with_name("attribution-lab")
    result = subprocess.run([str(exe), "validate"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "valid" in result.stdout
