"""Lean installs: what `make lab` installs for a student holds no test tool; `make test` adds the
test tools and nbval (the instructors' extra) on top."""

from __future__ import annotations

import re
from pathlib import Path

import tomllib
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"pytest", "pytest-xdist", "hypothesis", "playwright", "axe-playwright-python", "ruff", "mypy", "nbval", "notebook"}


def _extras() -> dict[str, set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {"": {Requirement(r).name for r in project["dependencies"]}}
    names.update({extra: {Requirement(r).name for r in reqs} for extra, reqs in project["optional-dependencies"].items()})
    return names


def _recipe(target: str) -> str:
    makefile = (ROOT / "Makefile").read_text("utf-8")
    found = re.search(rf"^{re.escape(target)}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    assert found, f"the Makefile has no {target} rule"
    return found.group(1)


def test_the_students_install_has_no_test_tool() -> None:
    """The package and its lab extra name none of the test tools, nbval included."""
    extras = _extras()
    assert not (extras[""] | extras["lab"]) & TEST_TOOLS
    assert "nbval" in extras["instructor"] and {"pytest", "playwright", "hypothesis"} <= extras["test"]


def test_make_lab_installs_the_lab_extra_only_and_make_test_adds_the_rest() -> None:
    """`make lab`'s set-up installs '.[lab]'; `make test` installs lab, instructor, site and test on top."""
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert re.search(r"^lab: \$\(STAMP\)$", makefile, re.M)
    assert re.search(r"^test: \$\(TEST_STAMP\)$", makefile, re.M)
    assert "-e '.[lab]'" in _recipe("$(STAMP)")
    assert "-e '.[lab,instructor,site,test]'" in _recipe("$(TEST_STAMP)")


def test_every_environment_gets_the_modules_jupyterlab_settings() -> None:
    """`make lab` and Binder's postBuild both copy lab-settings/overrides.json where JupyterLab reads
    overrides, and it switches the news prompt off."""
    import json

    settings = json.loads((ROOT / "lab-settings" / "overrides.json").read_text("utf-8"))
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"
    assert "cp lab-settings/overrides.json $(VENV)/share/jupyter/lab/settings/" in _recipe("$(STAMP)")
    post_build = (ROOT / "postBuild").read_text("utf-8")
    assert "share/jupyter/lab/settings" in post_build and "cp lab-settings/overrides.json" in post_build
