"""A case made from an article the module has never seen works everywhere the shipped case works.

The path an instructor takes: ``attribution-lab new-case`` drafts a key; the instructor corrects
entries by hand and removes the draft marks; ``attribution-lab validate`` passes; then every lesson
and every exercise runs top to bottom on the new case (its first cell changed to
``CASE = "<folder>"``, as the README says), and a class's answers for it are graded.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
import yaml

from attribution_lab import load_case
from attribution_lab.cli import main
from attribution_lab.core.case import uncovered_text
from attribution_lab.instructor.synthetic import write_class

ROOT = Path(__file__).resolve().parents[2]

#: An invented news item (not a real place or person), written for this test only.
ARTICLE = """\
Harbour town votes to close its island ferry
The council of Port Wenlow voted on Tuesday to close the island ferry at the end of the year, according to minutes published on its website.
"We cannot keep paying for a boat that sails half empty," said council leader Mira Dunne.
The ferry carried about 40,000 passengers last year, the operator told the Wenlow Courier.
Islanders say the decision will cut them off from the mainland.
Critics fear that tourism on the island will collapse.
The ferry has sailed since 1962.
"""


@pytest.fixture(scope="module")
def new_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The drafted, hand-corrected and validated case folder."""
    work = tmp_path_factory.mktemp("new-case")
    article = work / "wenlow.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    assert main(["new-case", str(article), "--id", "wenlow_ferry", "--out", str(work / "cases")]) == 0
    folder = work / "cases" / "wenlow_ferry"
    assert main(["validate", str(folder)]) == 1, "a key with draft entries must not validate"

    # The instructor's review: correct what the drafting rules could not know, then drop the marks.
    key = folder / "key.yaml"
    data = yaml.safe_load(key.read_text("utf-8"))
    data["case"]["about"] = "An invented news item about a ferry closure, used to test new cases."
    by_start = {entry["quote"].split()[0]: entry for entry in data["statements"]}
    critics = by_start["Critics"]
    # Unnamed critics, and a forecast: the recorded facts decide both trust questions by the rules.
    critics["facts"].update(credits_source=True, source_named=False, content_kind="forecast")
    critics["reported_right"].update(answer="untraced", rule="A3")
    critics["believable"].update(answer="possibly_true", rule="B6")
    critics["believable"]["why"] = "A forecast about tourism that nothing confirms or contradicts yet."
    for entry in data["statements"]:
        entry.pop("draft", None)
        entry["takeaway"] = f"What {entry['id']} teaches, in the instructor's words."
        for field in ("origin", "chain", "claim_type", "reported_right", "believable", "red_flag"):
            if entry[field]["why"].startswith("DRAFT"):
                entry[field]["why"] = f"The instructor's reason for this {field.replace('_', ' ')} answer."
    key.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    return folder


def test_the_corrected_key_loads_with_every_sentence_covered(new_case: Path) -> None:
    """The reviewed case loads, has a statement per sentence and leaves no sentence uncovered."""
    case = load_case(new_case)
    assert case.id == "wenlow_ferry"
    assert len(case.statements) == 7
    assert uncovered_text(case) == []
    critics = next(s for s in case.statements if s.quote.startswith("Critics"))
    assert critics.answers["reported_right"] == "untraced" and critics.answers["believable"] == "possibly_true"
    assert critics.why("believable").startswith("A forecast about tourism")


def notebooks() -> list[Path]:
    """Every lesson and every exercise a student opens (the instructor notebooks are tested apart)."""
    lessons = [p for p in sorted((ROOT / "notebooks").glob("0*.ipynb"))]
    return lessons + sorted((ROOT / "exercises").glob("*.ipynb"))


@pytest.mark.slow
@pytest.mark.parametrize("path", notebooks(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_lesson_and_exercise_runs_on_the_new_case(new_case: Path, tmp_path: Path, path: Path) -> None:
    """With its first cell set to the new case's folder, the notebook runs without an error."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(path, as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    # lessons start on the Kursk case, worksheets on its practice case
    assert first.source.startswith(('CASE = "kursk"', 'CASE = "kursk_prisoners"')), f"{path.name}: the first code cell does not set CASE"
    first.source = f"CASE = {str(new_case)!r}"
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    (tmp_path / path.parent.name).mkdir()
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path / path.parent.name)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} on the new case: {errors[0]['ename']}: {errors[0]['evalue']}"


def test_a_class_on_the_new_case_is_graded(new_case: Path, tmp_path: Path) -> None:
    """Thirty synthetic answers files for the new case are all accepted and graded, one row each."""
    folder = tmp_path / "class"
    write_class(load_case(new_case), 30, folder, seed=3)
    out = tmp_path / "results.csv"
    assert main(["grade", str(folder), "--case", str(new_case), "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30
    assert all(0 <= float(r["points"]) <= float(r["out_of"]) for r in rows)
    assert len({r["points"] for r in rows}) > 1, "a synthetic class of mixed students scores differently"
    submission = json.loads(next(folder.glob("*.json")).read_text("utf-8"))
    assert submission["case_id"] == "wenlow_ferry"
