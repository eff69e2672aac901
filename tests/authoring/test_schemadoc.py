"""docs/case-format.md is generated from the key's schema and must match it."""

from __future__ import annotations

from pathlib import Path

from attribution_lab.authoring.schemadoc import render
from attribution_lab.cli import main
from attribution_lab.formats.key import case_schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_case_format_equals_the_generated_text() -> None:
    """The committed docs/case-format.md is exactly what the generator writes today
    (regenerate with `attribution-lab schemadoc --write docs/case-format.md`)."""
    assert (ROOT / "docs" / "case-format.md").read_text("utf-8") == render()


def test_every_schema_field_is_documented() -> None:
    """Each top-level, case and statement field of the schema appears in the generated text."""
    schema = case_schema()
    text = render()
    fields = [*schema["properties"], *schema["properties"]["case"]["properties"], *schema["$defs"]["statement"]["properties"]]
    for name in fields:
        assert f"| `{name}` |" in text


def test_write_option_writes_the_file(tmp_path) -> None:
    """`attribution-lab schemadoc --write FILE` writes the same text that render returns."""
    target = tmp_path / "format.md"
    assert main(["schemadoc", "--write", str(target)]) == 0
    assert target.read_text("utf-8") == render()
