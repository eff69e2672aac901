"""The grader's msgspec structs follow the answers file's JSON Schema, the one definition of the
format: same properties, same required ones, object by object. (What they accept is compared with
the full check by the property tests in test_properties.py.)"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from attribution_lab.core.case import FIELDS
from attribution_lab.formats.answers import submission_schema
from attribution_lab.formats.answers_quick import QuickHandIn, QuickStatement, QuickStudent, QuickSubmission, QuickValues


def _objects() -> list[tuple[str, dict[str, Any], type]]:
    schema = submission_schema()
    defs = schema["$defs"]
    return [
        ("the file", schema, QuickSubmission),
        ("student", schema["properties"]["student"], QuickStudent),
        ("handed_in record", schema["properties"]["handed_in"]["additionalProperties"], QuickHandIn),
        ("statement_answers", defs["statement_answers"], QuickStatement),
        ("values", defs["values"], QuickValues),
    ]


@pytest.mark.parametrize(("what", "schema", "struct"), _objects(), ids=[o[0] for o in _objects()])
def test_struct_has_the_schemas_properties(what: str, schema: dict[str, Any], struct: type) -> None:
    """Each struct names exactly the schema object's properties, requires exactly its required
    ones, and refuses any other (additionalProperties: false)."""
    fields = msgspec.structs.fields(struct)
    assert {f.encode_name for f in fields} == set(schema["properties"]), what
    assert {f.encode_name for f in fields if f.required} == set(schema.get("required", [])), what
    assert schema["additionalProperties"] is False and struct.__struct_config__.forbid_unknown_fields, what


def test_values_fields_are_in_field_order() -> None:
    """The scorer looks up a statement's answers by position: the struct's fields in FIELDS order."""
    assert QuickValues.__struct_fields__ == FIELDS
