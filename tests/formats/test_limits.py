"""Every limit on the files the module reads has one owner, ``formats/limits.py``; the shipped
schemas state the same numbers, so the quick check, the salvage and the schema cannot drift apart."""

from __future__ import annotations

from attribution_lab.formats import limits
from attribution_lab.formats.answers import submission_schema


def test_the_answers_schema_states_the_limits_of_limits_py() -> None:
    """The submission schema's maximum name and id length and attempts equal limits.py's."""
    schema = submission_schema()
    student = schema["properties"]["student"]["properties"]
    assert student["id"]["maxLength"] == student["name"]["maxLength"] == limits.MAX_STUDENT_TEXT
    entry = next(node for node in schema["$defs"].values() if "attempts" in node.get("properties", {}))
    assert entry["properties"]["attempts"]["maximum"] == limits.MAX_ATTEMPTS


def test_limits_are_positive_and_an_answers_file_is_smaller_than_a_key() -> None:
    """The limits make sense together: an answers file is allowed less than a key or an article."""
    assert 0 < limits.MAX_SUBMISSION_BYTES < limits.MAX_CASE_FILE_BYTES
    assert 0 < limits.MAX_ARTICLE_BYTES <= limits.MAX_CASE_FILE_BYTES
    assert limits.MAX_SUBMISSION_DEPTH >= 5  # answers > statement > current > chain > label
