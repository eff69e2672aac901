"""What the lessons teach as a rule holds in every shipped case's key.

Lessons 01 and 02 and worksheet 02 teach that a sentence with no cue is the writer's own (the key
accepts the speaker too when the clause runs on from someone's words). Before key 1.1.0, S21 had no
cue and a named expert as its answer, so the lessons contradicted the key.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attribution_lab.storage.cases import builtin_cases, load_case

ROOT = Path(__file__).resolve().parents[2]
#: How the lessons word the rule (Markdown emphasis removed).
NO_CUE_RULE = ("no cue", "without a cue")


@pytest.mark.parametrize("case_id", builtin_cases())
def test_a_statement_without_a_cue_has_the_writer_as_its_origin(case_id: str) -> None:
    """Every statement whose key records no cue has the writer (the case's own voice) as the origin answer."""
    case = load_case(case_id)
    writer = next(label for label in case.labels("origin") if label == "writer")
    wrong = [s.id for s in case.statements if s.cue is None and s.answers["origin"] != writer]
    assert not wrong, f"{case_id}: statements without a cue whose origin is not the writer: {wrong}"


def test_the_lessons_state_the_no_cue_rule_that_the_keys_follow() -> None:
    """The rule checked above is the one the lessons teach (so the test follows the text)."""
    for name in ("notebooks/01_reading_the_article.ipynb", "notebooks/02_who_said_it.ipynb", "exercises/02_origins_worksheet.ipynb"):
        cells = json.loads((ROOT / name).read_text("utf-8"))["cells"]
        text = " ".join("".join(cell["source"]) for cell in cells).lower().replace("*", "")
        assert any(f"{wording} is the writer's own claim" in text for wording in NO_CUE_RULE), name
