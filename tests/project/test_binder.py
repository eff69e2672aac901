"""Binder (repo2docker) builds the same environment the module is tested in, and the README opens it.

environment.yml pins Python 3.11 and lists the client's named stack with the same version bounds as
pyproject.toml; postBuild installs the module itself; no binder/ or .binder/ folder hides the root
files; the README's Binder badge opens JupyterLab on the start notebook.
"""

from __future__ import annotations

import re
import stat
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: tomli is the same parser
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[2]
START = "notebooks/00_start_here.ipynb"
#: The client's named stack: Binder must provide each.
NAMED_STACK = ("jupyterlab", "ipywidgets", "nbval", "matplotlib")


#: conda-forge packages that install a PyPI package under another name: matplotlib-base is
#: matplotlib without the Qt GUI toolkit, all a notebook needs.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib"}


def _canonical(name: str) -> str:
    canonical = re.sub(r"[-_.]+", "-", name).lower()
    return CONDA_TO_PYPI.get(canonical, canonical)


def environment() -> dict:
    """environment.yml, parsed."""
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def conda_entries() -> dict[str, str]:
    """Conda and pip entries of environment.yml as {name: version bounds} (bounds without spaces)."""
    entries: dict[str, str] = {}
    for item in environment()["dependencies"]:
        specs = item["pip"] if isinstance(item, dict) and "pip" in item else [item]
        for spec in specs:
            if not isinstance(spec, str):
                continue
            match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*$", spec)
            assert match, f"environment.yml: cannot read the dependency {spec!r}"
            entries[_canonical(match.group(1))] = match.group(2).replace(" ", "")
    return entries


def pyproject_requirements() -> list[Requirement]:
    """The module's dependencies and its ``lab`` extra, from pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["lab"]]


def _bounds(text: str) -> set[str]:
    """A version specifier as a set of clauses, so order does not matter (conda's ``=3.11`` kept as is)."""
    return {clause for clause in text.replace(" ", "").split(",") if clause}


def test_environment_parses_and_pins_python_311() -> None:
    """environment.yml is valid YAML with a dependencies list that pins python=3.11."""
    env = environment()
    assert isinstance(env.get("dependencies"), list), "environment.yml has no dependencies list"
    pythons = [d for d in env["dependencies"] if isinstance(d, str) and re.match(r"^python\b", d.strip())]
    assert len(pythons) == 1, f"environment.yml must name python once; it has {pythons}"
    assert re.fullmatch(r"python\s*=\s*3\.11(\.\*)?", pythons[0].strip()), f"python is not pinned to 3.11: {pythons[0]!r}"


def test_environment_lists_the_named_stack() -> None:
    """jupyterlab, ipywidgets, nbval and matplotlib are all in environment.yml (matplotlib as the
    lean matplotlib-base, which does not pull in Qt)."""
    assert "matplotlib-base" in " ".join(map(str, environment()["dependencies"]))
    entries = conda_entries()
    missing = [name for name in NAMED_STACK if name not in entries]
    assert not missing, f"environment.yml lacks {missing}"


def test_environment_agrees_with_pyproject() -> None:
    """Every dependency of pyproject (and of its ``lab`` extra) is in environment.yml with the same bounds."""
    entries = conda_entries()
    problems = []
    for requirement in pyproject_requirements():
        name = _canonical(requirement.name)
        if name not in entries:
            problems.append(f"{requirement.name} is in pyproject.toml but not in environment.yml")
        elif _bounds(entries[name]) != _bounds(str(requirement.specifier)):
            problems.append(f"{requirement.name}: pyproject.toml says {requirement.specifier or 'any'}, "
                            f"environment.yml says {entries[name] or 'any'}")
    assert not problems, "\n".join(problems)


def test_postbuild_installs_the_module() -> None:
    """postBuild is executable, a bash script with ``set -e``, and runs ``pip install --no-deps .``."""
    path = ROOT / "postBuild"
    assert path.is_file(), "there is no postBuild file at the repository root"
    assert path.stat().st_mode & stat.S_IXUSR, "postBuild is not executable (git update-index --chmod=+x postBuild)"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].strip() == "#!/bin/bash", f"postBuild starts with {lines[:1]}, not #!/bin/bash"
    code = [line.split("#", 1)[0].strip() for line in lines[1:]]
    assert "set -e" in code or any(re.match(r"^set\s+-\w*e", line) for line in code), "postBuild lacks set -e"
    assert any(re.search(r"\bpip install --no-deps \.(\s|$)", line) for line in code), \
        "postBuild does not run `pip install --no-deps .`"


def test_postbuild_is_executable_in_git() -> None:
    """Git records postBuild as executable (mode 100755), so a fresh clone on Binder can run it."""
    try:
        out = subprocess.run(["git", "ls-files", "-s", "postBuild"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("git is not available")
    if not out.strip():
        pytest.skip("postBuild is not tracked by git here (not a checkout)")
    assert out.split()[0] == "100755", f"git records postBuild as {out.split()[0]}, not 100755"


def test_no_binder_folder_hides_the_root_files() -> None:
    """There is no binder/ or .binder/ folder: repo2docker would ignore the root's environment.yml."""
    present = [name for name in ("binder", ".binder") if (ROOT / name).exists()]
    assert not present, f"{present} exist: repo2docker would read them instead of the root files"


def test_readme_binder_badge_opens_the_start_notebook_in_lab() -> None:
    """The README has a Binder badge whose link opens JupyterLab on notebooks/00_start_here.ipynb."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badges = re.findall(r"\[!\[[^\]]*\]\(https://mybinder\.org/badge[^)]*\)\]\((https://mybinder\.org/v2/[^)\s]+)\)", readme)
    assert badges, "README.md has no Binder badge ([![...](https://mybinder.org/badge_logo.svg)](LINK))"
    problems = []
    for link in badges:
        url = urlparse(link)
        urlpath = parse_qs(url.query).get("urlpath", [""])[0]
        if not re.match(r"^/v2/gh/[^/]+/[^/]+/[^/?]+$", url.path):
            problems.append(f"{link}: not a /v2/gh/OWNER/REPO/BRANCH link")
        if urlpath.lstrip("/") != f"lab/tree/{START}":
            problems.append(f"{link}: urlpath is {urlpath!r}, not lab/tree/{START}")
    assert not problems, "\n".join(problems)
    assert (ROOT / START).is_file(), f"the badge opens {START}, which does not exist"


def test_environment_file_is_what_binder_reads() -> None:
    """No requirements.txt or Pipfile competes with environment.yml for Binder's attention at the root
    (repo2docker would ignore them, which misleads readers), and runtime.txt does not override python."""
    competing = [name for name in ("requirements.txt", "Pipfile", "runtime.txt") if (ROOT / name).exists()]
    assert not competing, f"{competing} at the root: repo2docker uses environment.yml and ignores these"

