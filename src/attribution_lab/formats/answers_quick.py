"""The quick reading of an answers file: a strict subset of what the schema and the case accept,
fast enough for a class of thousands.

:func:`decode_frame` decodes the bytes into the structs below in one msgspec pass and checks the
frame as it goes (types, required and unknown properties, limits), so no dict of the whole file is
built and walked in Python. The grader scores the structs as they are
(:meth:`~attribution_lab.instructor.scoring.Scorer.grade_bytes`); the class report reads the same
file as plain data (:func:`parse_quickly`). A None from :func:`decode_frame` means "ask the full
check" (:func:`~attribution_lab.formats.answers.parse_submission`), never "reject". The structs
follow the JSON Schema file (``schemas/submission-v1.schema.json``, the one definition of the
format); a test compares their properties with the schema's, and property tests check that what
they accept the full check accepts too, with the same values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from ..core.case import FIELDS, Case
from ..core.submission import FORMAT, SCHEMA_VERSION, Submission
from .answers import TIME_PATTERN, parse_submission
from .limits import MAX_ATTEMPTS, MAX_STUDENT_TEXT, MAX_SUBMISSION_BYTES

_LABEL = re.compile(r"[a-z][a-z0-9_]*")
_STATEMENT_ID = re.compile(r"S[0-9]{2,3}")
_CASE_ID = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class AllowedValues:
    """What the quick check lets through for one case: labels and ids that also match the schema."""

    case_id: str
    statement_ids: frozenset[str]
    labels: Mapping[str, frozenset[str]]

    @cached_property
    def case_id_ok(self) -> bool:
        """Whether the case's id is one the schema allows (a file naming it is then checked by equality alone)."""
        return len(self.case_id) <= 40 and _CASE_ID.fullmatch(self.case_id) is not None

    @cached_property
    def decoder(self) -> msgspec.json.Decoder[QuickSubmission[str, str]]:
        """The grader's one-pass decoder of this case's answers files (:func:`decode_frame`)."""
        ids = _literal(self.statement_ids)
        labels = _literal(frozenset().union(*self.labels.values()))
        return msgspec.json.Decoder(QuickSubmission[ids, labels])  # type: ignore[valid-type]


def _literal(values: frozenset[str]) -> Any:
    """The Literal type of some strings (sorted, so the same case gives the same type). With none,
    a NUL character: no valid id or label, so the scorer refuses it and the full check decides.
    """
    return Literal[tuple(sorted(values))] if values else Literal["\x00"]


_allowed_cache: dict[int, AllowedValues] = {}


def allowed_values(case: Case) -> AllowedValues:
    """The labels and ids of a case that the quick check lets through (remembered per case)."""
    found = _allowed_cache.get(id(case))
    if found is None or found.case_id != case.id:
        labels = {
            f: frozenset(label for label in case.labels(f) if len(label) <= 40 and _LABEL.fullmatch(label)) for f in FIELDS
        }
        found = AllowedValues(
            case.id,
            frozenset(s for s in case.statement_ids if _STATEMENT_ID.fullmatch(s)),
            labels,
        )
        _allowed_cache[id(case)] = found
    return found


def parse_quickly(raw: bytes, case: Case, file: str) -> Submission:
    """Like :func:`~attribution_lab.submission.parse_submission`, and as strict, but fast for good files.

    A file that the grader's one-pass decoder accepts (:func:`decode_frame`), with every answer a
    label of its own field, is returned as plain data at once; any other goes to
    ``parse_submission``, which either accepts it too or raises :class:`SubmissionError` with every
    problem.
    """
    if quick_frame(raw, allowed_values(case)) is not None:
        # The same bytes as plain data: dicts with the keys in the file's order and lists, as
        # json.loads gives them (the structs would give the fields in the schema's order and
        # chains as tuples). Decoding twice costs less than walking the parsed file in Python.
        data: Submission = msgspec.json.decode(raw)
        return data
    return parse_submission(raw, case, file)


# --------------------------------------------------------------------------------------------
# The grader's one-pass decoder: msgspec structs that follow the schema
#
# Stricter than the schema where that is cheaper (exact ints, no BOM, no lone surrogates, the
# statement ids, labels and case id of one case), never looser: what they refuse goes to the full
# check, which words the reason. Time stamps are decoded as short strings and matched against the
# schema's pattern in :func:`decode_frame` (a pattern inside msgspec costs a Python call per value).
# gc=False: the structs hold only strings, numbers and other such structs, never a cycle, so the
# cyclic collector has no reason to track them.

if TYPE_CHECKING:
    FieldName = str
    FormatName = str
    SchemaVersion = int
else:
    FieldName = Literal[FIELDS]  # the schema allows any label here; the case's fields are a strict subset
    FormatName, SchemaVersion = Literal[FORMAT], Literal[SCHEMA_VERSION]

_Stamp = Annotated[str, Meta(max_length=40)]  # and TIME_PATTERN, checked by decode_frame
_Count = Annotated[int, Meta(ge=0, le=MAX_ATTEMPTS)]
_Text = Annotated[str, Meta(max_length=MAX_STUDENT_TEXT)]
_PerField = Annotated[dict[FieldName, _Count], Meta(max_length=20)]


#: A case's statement ids and labels: each case's decoder takes the structs with these bound to the
#: Literal of its own ids and labels (:attr:`AllowedValues.decoder`), so msgspec refuses any other
#: and hands back the case's own string objects, whose hashes are already known: the scorer's
#: look-ups then cost next to nothing.
S = TypeVar("S", bound=str)
L = TypeVar("L", bound=str)


class QuickValues(Struct, Generic[L], forbid_unknown_fields=True, frozen=True, gc=False):
    """One statement's ``current`` or ``first`` answers, fields in FIELDS order. Any label of the
    case is let through for any field here: the scorer checks each against its field's labels as
    it scores it (its tables hold every valid label). Frozen, hence hashable.
    """

    origin: L | UnsetType = UNSET
    reported_right: L | UnsetType = UNSET
    believable: L | UnsetType = UNSET
    claim_type: L | UnsetType = UNSET
    chain: Annotated[tuple[L, ...], Meta(max_length=20)] | UnsetType = UNSET
    red_flag: L | UnsetType = UNSET


class QuickStatement(Struct, Generic[L], forbid_unknown_fields=True, gc=False):
    """One statement's entry (the schema's ``statement_answers``)."""

    current: QuickValues[L]
    first: QuickValues[L]
    attempts: _Count
    missed: _PerField | UnsetType = UNSET
    checks: _PerField | UnsetType = UNSET
    revealed: Annotated[list[FieldName], Meta(max_length=20)] | UnsetType = UNSET
    first_checked: _Stamp | UnsetType | None = UNSET
    last_checked: _Stamp | UnsetType | None = UNSET
    updated: _Stamp | UnsetType = UNSET


class QuickStudent(Struct, forbid_unknown_fields=True, gc=False):
    """Who handed the file in, as they typed it."""

    id: _Text | UnsetType = UNSET
    name: _Text | UnsetType = UNSET


class QuickHandIn(Struct, forbid_unknown_fields=True, gc=False):
    """When a worksheet was first and last handed in, and how many times."""

    first: _Stamp
    last: _Stamp
    times: Annotated[int, Meta(ge=1, le=MAX_ATTEMPTS)]


class QuickSubmission(Struct, Generic[S, L], forbid_unknown_fields=True, gc=False):
    """An answers file as the grader reads it (the schema's top level)."""

    format: FormatName
    schema_version: SchemaVersion
    case_id: str  # equal to the case's id, checked by decode_frame
    key_version: Annotated[str, Meta(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+\Z")]
    student: QuickStudent
    created: _Stamp
    updated: _Stamp
    answers: Annotated[dict[S, QuickStatement[L]], Meta(max_length=1000)]
    handed_in: Annotated[dict[Annotated[str, Meta(pattern=r"^[0-9]{2}\Z")], QuickHandIn], Meta(max_length=20)] | UnsetType = UNSET


#: Time stamps one to a line: all of a file's checked with one match (one call instead of sixty).
_STAMP_LINES = re.compile(rf"(?:(?:{TIME_PATTERN.pattern})\n)*")
#: The stamps the module writes (``2025-04-29T10:00:00Z``) with every digit made a 0: a file whose
#: stamps all have this shape matches the pattern, and it is told by comparing text, not matching.
_USUAL_SHAPE = "0000-00-00T00:00:00Z\n"
_DIGITS_TO_ZERO = str.maketrans("123456789", "000000000")
#: A stamp allowed to be missing (UNSET) or null stands in as a valid one, so that every stamp of a
#: file is one line; the decoder has already refused a null or missing stamp where none is allowed.
_NO_STAMP = {None: _USUAL_SHAPE[:-1], UNSET: _USUAL_SHAPE[:-1]}
_ENTRY_STAMPS = attrgetter("updated", "first_checked", "last_checked")


def _stamps_ok(data: QuickSubmission[Any, Any]) -> bool:
    """Every time stamp of a decoded file matches the schema's pattern (their length msgspec
    checked). A newline cannot be part of a stamp, so each line must be one whole stamp.
    """
    stamps = [data.created, data.updated, *chain.from_iterable(map(_ENTRY_STAMPS, data.answers.values()))]
    if data.handed_in is not UNSET:
        for record in data.handed_in.values():
            stamps.append(record.first)
            stamps.append(record.last)
    text = "\n".join(map(_NO_STAMP.get, stamps, stamps)) + "\n"  # built in C: no Python code per stamp
    # The usual shape, exactly one stamp a line (as many newlines as stamps, so none inside one),
    # is certainly a match; any other text is matched against the pattern itself.
    return text.translate(_DIGITS_TO_ZERO) == _USUAL_SHAPE * len(stamps) or _STAMP_LINES.fullmatch(text) is not None


#: A decoded statement's current and first-try answers, read in C (the scorer uses them too).
current_of, first_of = attrgetter("current"), attrgetter("first")


def answers_in_their_fields(data: QuickSubmission[str, str], allowed: AllowedValues) -> bool:
    """Whether every answer of a decoded file is a label of its own field (the decoder lets any
    label of the case through for any field). One set a field, built in C: no Python code per answer.
    """
    entries = data.answers.values()
    tries = [*map(current_of, entries), *map(first_of, entries)]
    for name in FIELDS:
        given = set(map(attrgetter(name), tries))
        given.discard(UNSET)
        if name == "chain":
            given = set(chain.from_iterable(given))
        if not given <= allowed.labels[name]:
            return False
    return True


def quick_frame(raw: bytes, allowed: AllowedValues) -> QuickSubmission[str, str] | None:
    """The file as the quick reading takes it: decoded by :func:`decode_frame`, with every answer a
    label of its own field (:func:`answers_in_their_fields`); None when the full check must decide.
    """
    frame = decode_frame(raw, allowed)
    return frame if frame is not None and answers_in_their_fields(frame, allowed) else None


def decode_frame(raw: bytes, allowed: AllowedValues) -> QuickSubmission[str, str] | None:
    """An answers file's bytes decoded and checked in one pass, all but the answers' values (the
    scorer checks those as it scores them, see :meth:`~attribution_lab.instructor.scoring.Scorer.grade_bytes`);
    None when the full check must decide.
    """
    if len(raw) > MAX_SUBMISSION_BYTES:
        return None
    try:
        data = allowed.decoder.decode(raw)
    except msgspec.DecodeError:  # ValidationError included: parse_submission words the reason
        return None
    if data.case_id != allowed.case_id or not allowed.case_id_ok or not _stamps_ok(data):
        return None
    return data
