"""The browser tests never pass by skipping in CI, and CI runs them.

Without a browser they are skipped with a one-line reason on a person's machine; with ``CI`` set
they fail instead. ``.ci/run`` installs Chromium when it is missing and runs the README's test
command, whose pytest run includes tests/browser.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_browser_tests_without_a_browser(ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run two browser tests with the browser pointed at a path that does not exist."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["ATTRIBUTION_LAB_CHROMIUM"] = str(ROOT / "no-such-browser")
    if ci is not None:
        env["CI"] = ci
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-k", "notebook7_runs or voila_renders",
                           str(ROOT / "tests" / "browser")], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=300)


def test_without_a_browser_the_tests_skip_with_a_reason() -> None:
    """No CI variable: every selected browser test is skipped, the run passes, the reason names the path."""
    result = run_browser_tests_without_a_browser(None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b2 skipped\b", result.stdout), result.stdout
    assert "browser tests need a browser: no Chromium at" in result.stdout and "no-such-browser" in result.stdout


def test_in_ci_a_missing_browser_fails_the_run() -> None:
    """CI=true: the same run fails, saying that CI is set and why the tests cannot run."""
    result = run_browser_tests_without_a_browser("true")
    assert result.returncode != 0, result.stdout
    assert "CI is set but the browser tests cannot run" in result.stdout
    assert "skipped" not in result.stdout.splitlines()[-1]


def test_ci_installs_chromium_and_runs_the_readme_test_command() -> None:
    """.ci/run installs Debian's chromium when it is missing, then runs `make test`, the README's
    test command; `make test` runs pytest over tests/, which holds tests/browser."""
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" in script and "chromium" in script
    assert re.search(r"^make test\s*$", script, re.M), script
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    # pytest with no folder named (on several processes, with long options such as --durations=15)
    # runs testpaths, the whole tests/ folder
    assert recipe and re.search(r"python -m pytest(?: -n (?:auto|\$\$\w+)| --[\w-]+(?:=\S+)?)*\s*(?:;\s*)?\\?$",
                                recipe.group(1), re.M), "make test must run the whole tests/ folder"
    assert (ROOT / "tests" / "browser" / "test_lab_notebooks.py").is_file()
