"""The grader's one-pass reader checks every time stamp of a file as the schema's pattern does:
the usual shape (``2025-04-29T10:00:00Z``) by comparing text, any other by the pattern itself, so
both kinds of stamp are accepted or refused exactly as the pattern says, wherever they stand."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from attribution_lab.formats.answers import TIME_PATTERN, encode
from attribution_lab.formats.answers_quick import allowed_values, decode_frame
from attribution_lab.instructor.synthetic import generate_class
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")
GOOD = generate_class(CASE, 1, seed=4)[0]

STAMPS = [
    "2025-04-29T10:00:00Z",  # the usual shape
    "2025-04-29T10:00:00.123456Z",  # fractions of a second
    "2025-04-29T10:00:00+02:00",  # an offset
    "2025-04-29T10:00Z",
    "9999-99-99T99:99:99Z",  # the pattern's, though no real time
    "2025-04-29t10:00:00Z",
    "2025-04-29T10:00:00z",
    "2025-04-29 10:00:00Z",
    "2025-04-29T10:00:00",
    "2025-04-29",
    "",
    "2025-04-29T10:00:00Z\n",
    "2025-04-29T10:00:00Z\n2025-04-29T10:00:00Z",  # two stamps in one: one line too many
    "\n2025-04-29T10:00:00Z",
    "2025-04-29T10:00:0Z",  # the usual length, another shape
    "２025-04-29T10:00:00Z",  # a digit, but not an ASCII one
    "2025-04-29T10:00:00Y",
    "1" * 40,
]


def _matches(stamp: str) -> bool:
    return len(stamp) <= 40 and TIME_PATTERN.fullmatch(stamp) is not None


def _accepted(data: dict[str, Any]) -> bool:
    return decode_frame(json.dumps(data).encode("utf-8"), allowed_values(CASE)) is not None


def test_the_good_file_is_accepted() -> None:
    """The file the stamps are put into is accepted as it is, so each case below tests its stamp."""
    assert decode_frame(encode(GOOD), allowed_values(CASE)) is not None


@pytest.mark.parametrize("stamp", STAMPS)
@pytest.mark.parametrize("where", ["created", "updated", "statement updated", "last_checked", "handed_in last"])
def test_a_stamp_is_accepted_exactly_when_it_matches_the_pattern(stamp: str, where: str) -> None:
    """A stamp is accepted or refused as the schema's pattern says, at the top, in a statement, in
    a hand-in record."""
    data = copy.deepcopy(GOOD)
    entry = next(iter(data["answers"].values()))
    if where in ("created", "updated"):
        data[where] = stamp
    elif where == "statement updated":
        entry["updated"] = stamp
    elif where == "last_checked":
        entry["last_checked"] = stamp
    else:
        data["handed_in"] = {"01": {"first": "2025-04-29T10:00:00Z", "last": stamp, "times": 1}}
    assert _accepted(data) is _matches(stamp), (where, stamp)


def test_a_null_checked_time_is_allowed_and_an_empty_one_is_not() -> None:
    """first_checked and last_checked may be null (never checked): no stamp to match; an empty
    text is not null and does not match."""
    data = copy.deepcopy(GOOD)
    for entry in data["answers"].values():
        entry["first_checked"] = entry["last_checked"] = None
    assert _accepted(data)
    next(iter(data["answers"].values()))["first_checked"] = ""
    assert not _accepted(data)


def test_stamps_of_the_usual_shape_are_told_without_the_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """The module writes every stamp in the usual shape; a file of them is accepted by comparing
    text alone (with a pattern that matches nothing put in its place), and another shape is not."""
    import re

    from attribution_lab.formats import answers_quick

    monkeypatch.setattr(answers_quick, "_STAMP_LINES", re.compile(r"(?!)"))
    assert _accepted(GOOD)
    assert not _accepted(GOOD | {"updated": "2025-04-29T10:00:00.5Z"})
