"""``attribution-lab migrate-key``: a schema-1 key becomes a schema-2 draft, and nothing is lost.

The fixture is the Kursk key as it stood in schema 1 (key version 1.1.0), with its article.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from attribution_lab import load_case
from attribution_lab.cli import main
from attribution_lab.core.case import FIELDS, RULED_FIELDS
from attribution_lab.core.rules import decide
from attribution_lab.storage.cases import case_problems

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1_kursk"


@pytest.fixture
def old_case(tmp_path: Path) -> Path:
    """A copy of the schema-1 Kursk case folder."""
    folder = tmp_path / "kursk_v1"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_validate_refuses_schema_1_and_names_the_command(old_case: Path, capsys) -> None:
    """A schema-1 key is refused with one line that says how to convert it."""
    assert main(["validate", str(old_case)]) == 1
    err = capsys.readouterr().err
    assert "schema_version: is 1" in err and f"attribution-lab migrate-key {old_case}" in err


def test_migrate_keeps_the_old_key_and_every_answer_it_can(old_case: Path, capsys) -> None:
    """The old key is kept byte for byte as key.v1.yaml; the new key is schema 2, every statement a
    draft; quotes, cues, evidence, and the answers and accepted answers for origin, chain, claim type
    and red flag are those of the old key; the rationale becomes the takeaway."""
    before = (old_case / "key.yaml").read_bytes()
    old = yaml.safe_load(before)
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 0
    out = capsys.readouterr().out
    assert "Converted" in out and "key.v1.yaml" in out
    assert (old_case / "key.v1.yaml").read_bytes() == before
    draft = load_case(old_case, allow_drafts=True)
    assert draft.key_version == "2.0.0"
    by_id = {entry["id"]: entry for entry in old["statements"]}
    for statement in draft.statements:
        entry = by_id[statement.id]
        assert statement.draft and statement.quote == entry["quote"] and statement.cue == entry["cue"]
        assert statement.takeaway == entry["rationale"]
        for field in ("origin", "claim_type", "red_flag"):
            assert statement.answers[field] == entry[field]
            assert [a.answer for a in statement.accepted[field]] == [a["answer"] for a in entry.get("accepted", {}).get(field, [])]
        assert statement.answers["chain"] == tuple(entry["chain"])
    assert len(draft.statements) == len(old["statements"])


def test_migrated_trust_answers_follow_from_the_guessed_facts(old_case: Path) -> None:
    """Both trust answers of every migrated statement are what the rules give for its guessed facts,
    so the draft never contradicts its own rules."""
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 0
    draft = load_case(old_case, allow_drafts=True)
    for statement in draft.statements:
        for field in RULED_FIELDS:
            rule = decide(draft.rules[field], statement.facts)
            assert rule is not None and (rule.id, rule.answer) == (statement.key[field].rule, statement.answers[field])


def test_the_migrated_key_is_not_a_case_until_reviewed(old_case: Path) -> None:
    """The converted key validates only as a draft: each statement is listed as a draft, and once the
    marks are removed every drafted why still to write is named."""
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 0
    problems = [str(p) for p in case_problems(old_case)]
    assert sum("draft: is still a draft" in p for p in problems) == 21
    data = yaml.safe_load((old_case / "key.yaml").read_text("utf-8"))
    for entry in data["statements"]:
        del entry["draft"]
    (old_case / "key.yaml").write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    problems = [str(p) for p in case_problems(old_case)]
    assert any("S01: origin.why: still begins with 'DRAFT'" in p for p in problems)
    assert len({p.split(": ")[1] for p in problems if "still begins with 'DRAFT'" in p}) == 21


def test_migrate_refuses_a_second_run_and_an_existing_copy(old_case: Path, capsys) -> None:
    """Converting twice says the key is already schema 2; an old copy in the way needs --force."""
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 0
    capsys.readouterr()
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 1
    assert "already schema_version 2" in capsys.readouterr().err
    shutil.copy(old_case / "key.v1.yaml", old_case / "key.yaml")
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 1
    assert "key.v1.yaml: already exists" in capsys.readouterr().err
    assert main(["migrate-key", str(old_case), "--like", "kursk", "--force"]) == 0


def test_migrate_refuses_an_invalid_schema_1_key(old_case: Path, capsys) -> None:
    """A schema-1 key that was not valid is refused, naming where, and nothing is written."""
    data = yaml.safe_load((old_case / "key.yaml").read_text("utf-8"))
    del data["statements"][0]["rationale"]
    (old_case / "key.yaml").write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    before = (old_case / "key.yaml").read_bytes()
    assert main(["migrate-key", str(old_case)]) == 1
    err = capsys.readouterr().err
    assert "is not a valid schema-1 key" in err and "statements.0" in err
    assert (old_case / "key.yaml").read_bytes() == before and not (old_case / "key.v1.yaml").exists()


def test_fields_of_a_migrated_key_are_all_present(old_case: Path) -> None:
    """Every field of schema 2 has an answer, a why and a hint in every migrated statement."""
    assert main(["migrate-key", str(old_case), "--like", "kursk"]) == 0
    for statement in load_case(old_case, allow_drafts=True).statements:
        assert set(statement.key) == set(FIELDS)
        assert all(statement.why(f) and statement.hint(f) for f in FIELDS)
