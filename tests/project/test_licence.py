"""The module says what may be reused: an MIT licence for the code, CC BY 4.0 for the teaching
material, the seed article's status, a citation file, and a wheel that carries both licences."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_code_licence_is_the_one_the_package_declares() -> None:
    """LICENSE holds the MIT text, and pyproject.toml and CITATION.cff declare MIT too."""
    licence = (ROOT / "LICENSE").read_text("utf-8")
    assert licence.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in licence
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["license"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    assert declared == citation["license"] == "MIT"
    assert citation["cff-version"] == "1.2.0" and citation["title"] and citation["authors"]
    assert citation["version"] == tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def test_the_teaching_material_is_cc_by_and_the_seed_article_is_left_out() -> None:
    """LICENSE-CONTENT.md puts lessons, worksheets and keys under CC BY 4.0 and names the seed
    article (and its packaged copy) as covered by neither licence; seeds/README.md says so too."""
    content = " ".join((ROOT / "LICENSE-CONTENT.md").read_text("utf-8").split())
    assert "Creative Commons Attribution 4.0 International" in content
    for folder in ("notebooks/", "exercises/", "solutions/", "key.yaml"):
        assert folder in content
    seed = next(p.name for p in (ROOT / "seeds").glob("*.txt"))
    assert f"Not covered by either licence:** the seed article, `seeds/{seed}`" in content
    assert "src/attribution_lab/cases/kursk/article.txt" in content
    assert "neither of the module's licences" in " ".join((ROOT / "seeds" / "README.md").read_text("utf-8").split())


@pytest.mark.slow
def test_the_wheel_carries_both_licences(tmp_path: Path) -> None:
    """A wheel built from the checkout holds LICENSE and LICENSE-CONTENT.md in its metadata."""
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    wheel = next(tmp_path.glob("attribution_lab-*.whl"))
    names = {Path(n).name for n in zipfile.ZipFile(wheel).namelist() if "/licenses/" in n}
    assert names == {"LICENSE", "LICENSE-CONTENT.md"}
