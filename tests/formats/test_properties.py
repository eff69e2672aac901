"""Property-based tests: thousands of generated inputs to the three places where outside data enters.

* the answers-file reader (:func:`submission.parse_submission`): arbitrary bytes, arbitrary JSON
  trees and mutations of a valid submission may only ever raise :class:`SubmissionError`, and every
  problem it lists names the file and says what is wrong;
* the key loader (:func:`formats.key.parse_yaml`, :func:`formats.key.validate_key`, :func:`formats.key.decode_key`):
  mutated copies of the Kursk key only ever give :class:`CaseError` (or an empty problem list, and
  then a case), each problem with a message;
* the engine (:func:`engine.check_statement`, :func:`engine.score`): arbitrary values only raise
  :class:`UnknownLabelError` / :class:`UnknownStatementError`, scores stay within ``[0, out_of]`` and
  the key's own answers (and every accepted alternative) always earn full marks.

How many inputs each property tried is printed at the end of the module (and recorded in
docs/robustness.md). Hypothesis' example database is switched off so the tests leave no files.
"""

from __future__ import annotations

import collections
import copy
import json
import math
import sys
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from budget import examples
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from attribution_lab.core.case import FIELDS, Case
from attribution_lab.core.engine import check_statement, is_unanswered, normalise, score
from attribution_lab.core.feedback import field_feedback
from attribution_lab.core.submission import new_submission, record_check, record_choice
from attribution_lab.errors import CaseError, Problem, SubmissionError, UnknownLabelError, UnknownStatementError
from attribution_lab.formats.answers import parse_submission, salvage, submission_problems
from attribution_lab.formats.answers_quick import UNSET, parse_quickly
from attribution_lab.formats.key import decode_key, parse_yaml, validate_key
from attribution_lab.formats.limits import MAX_SUBMISSION_BYTES
from attribution_lab.instructor.scoring import Scorer
from attribution_lab.storage.answers_store import now_iso
from attribution_lab.storage.cases import load_case, read_case_files

SUBMISSION_FILE = "answers/answers-kursk-alice.json"
KEY_FILE = "cases/mutant/key.yaml"
STAMP = "2025-04-29T10:00:00Z"

#: How many generated inputs each property ran (reported when the module finishes).
TRIED: collections.Counter[str] = collections.Counter()


def _settings(n: int) -> Callable:
    """A tenth of ``n`` examples (all in the thorough profile), no deadline (CI machines are slow),
    and no example database on disk."""
    return settings(
        max_examples=examples(n),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


@pytest.fixture(scope="module", autouse=True)
def _report_tried(request: pytest.FixtureRequest):
    """Print how many inputs were tried per property, so the figure can be recorded."""
    yield
    total = sum(TRIED.values())
    lines = [f"  {name}: {count} inputs" for name, count in sorted(TRIED.items())]
    text = "\nproperty tests, generated inputs tried: {}\n{}".format(total, "\n".join(lines))
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(text)
    else:  # pragma: no cover - only when pytest's capture plugin is off
        print(text)


# --------------------------------------------------------------------------------------------
# Shared data: the Kursk case, its raw key, and a valid submission built with the module's own code

KURSK: Case = load_case("kursk")
KEY_DATA, ARTICLE, _ = read_case_files("kursk")


def _valid_submission() -> dict[str, Any]:
    """A submission with key answers for a few statements, as the panel would save it."""
    sub = new_submission(KURSK, student_id="s123", student_name="Alice", now=STAMP)
    for statement in KURSK.statements[:4]:
        sub = record_check(KURSK, sub, statement.id, dict(statement.answers), now=STAMP)
    wrong_origin = next(label for label in KURSK.labels("origin") if label != KURSK.statements[5].answers["origin"])
    sub = record_choice(KURSK, sub, KURSK.statements[5].id, "origin", wrong_origin, now=STAMP)
    return sub


VALID_SUBMISSION = _valid_submission()
assert submission_problems(VALID_SUBMISSION, KURSK, SUBMISSION_FILE) == []

ALL_LABELS = sorted({label for f in FIELDS for label in KURSK.labels(f)})


# --------------------------------------------------------------------------------------------
# Strategies

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["NaN", "Infinity", "-Infinity", "nan", "1e999", "S01", "S999", *ALL_LABELS])
)
json_trees = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)

# Placeholders swapped for raw JSON text after encoding: numbers and nesting that json.dumps will
# not write (ints beyond Python's digit limit) or that would take long to build as objects.
HUGE = "\u0000HUGE:{}\u0000"
DEEP = "\u0000DEEP:{}\u0000"


def _encode(tree: Any) -> bytes:
    """JSON bytes of a tree, with NaN/Infinity tokens and placeholders expanded to raw JSON."""
    text = json.dumps(tree, allow_nan=True)
    while "\\u0000HUGE:" in text:
        start = text.index('"\\u0000HUGE:')
        end = text.index('\\u0000"', start + 1) + len('\\u0000"')
        digits = int(text[start + len('"\\u0000HUGE:') : end - len('\\u0000"')])
        text = text[:start] + "9" * digits + text[end:]
    while "\\u0000DEEP:" in text:
        start = text.index('"\\u0000DEEP:')
        end = text.index('\\u0000"', start + 1) + len('\\u0000"')
        depth = int(text[start + len('"\\u0000DEEP:') : end - len('\\u0000"')])
        text = text[:start] + "[" * depth + "]" * depth + text[end:]
    return text.encode("utf-8")


def _paths(tree: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a node of a JSON-like tree (the root is the empty path)."""
    found = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _get(tree: Any, path: tuple) -> Any:
    for step in path:
        tree = tree[step]
    return tree


replacement_values = st.one_of(
    json_trees,
    st.sampled_from([float("nan"), float("inf"), -float("inf"), "NaN", "", " ", "\u202e", "S01", "S00", "S9999"]),
    st.integers(min_value=20, max_value=6000).map(HUGE.format),  # huge integers, up to 6000 digits
    # Deep nesting, kept below the interpreter's recursion limit here: the band just under the limit
    # is swept exhaustively by test_nesting_near_the_recursion_limit_is_refused.
    st.integers(min_value=2, max_value=400).map(DEEP.format),
    st.integers(min_value=2000, max_value=5000).map(DEEP.format),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=20),  # label-like text
    st.sampled_from(ALL_LABELS).map(str.upper),
)


@st.composite
def mutated(draw: st.DrawFn, original: Any, extra_ops: tuple = ()) -> Any:
    """A copy of ``original`` with one to four nodes replaced, deleted, renamed or duplicated."""
    tree = copy.deepcopy(original)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(tree)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "replace", "delete", "rename", "add", "duplicate", *extra_ops]))
        if not path:  # the root itself
            if op == "replace":
                tree = draw(replacement_values)
            continue
        parent, last = _get(tree, path[:-1]), path[-1]
        if op == "replace":
            parent[last] = draw(replacement_values)
        elif op == "delete":
            del parent[last]
        elif op == "rename" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12) | st.sampled_from(["S99", "s01", "S1", "answers", "id"]))] = parent.pop(last)
        elif op == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(replacement_values)
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[last]))
    return tree


# --------------------------------------------------------------------------------------------
# (a) The answers-file reader


def _assert_clean_refusal(error: SubmissionError, file: str) -> None:
    """A refusal lists at least one problem; each names the file and says what is wrong."""
    assert error.problems, "a SubmissionError must list its problems"
    for problem in error.problems:
        assert isinstance(problem, Problem)
        assert problem.file == file
        assert isinstance(problem.message, str) and problem.message.strip()
        assert str(problem).startswith(file)
    assert str(error).strip()


def _parse_only_refuses(raw: bytes, name: str) -> None:
    TRIED[name] += 1
    try:
        data = parse_submission(raw, KURSK, SUBMISSION_FILE)
    except SubmissionError as error:
        _assert_clean_refusal(error, SUBMISSION_FILE)
    else:  # accepted input must really be gradable
        assert submission_problems(data, KURSK, SUBMISSION_FILE) == []


@_settings(3000)
@given(st.binary(max_size=3000))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"\xff\xfe{\x00}\x00")
@example(b"[" * 200_000)
@example(b"{" * 50_000)
@example(b"NaN")
@example(b'{"attempts": ' + b"9" * 5000 + b"}")
def test_arbitrary_bytes_are_refused_cleanly(raw: bytes) -> None:
    """Any bytes at all: the answers file is either gradable or refused with SubmissionError, whose
    every problem names the file and has a message; nothing else escapes."""
    _parse_only_refuses(raw, "parse_submission: arbitrary bytes")


@_settings(1000)
@given(json_trees)
def test_arbitrary_json_is_refused_cleanly(tree: Any) -> None:
    """Any JSON document (including NaN and Infinity tokens) is refused with a clear SubmissionError."""
    _parse_only_refuses(_encode(tree), "parse_submission: arbitrary JSON trees")


@_settings(1500)
@given(mutated(VALID_SUBMISSION))
def test_mutated_submissions_are_refused_cleanly(tree: Any) -> None:
    """A valid answers file with wrong types, unknown ids or labels, NaN, huge integers or deep
    nesting put anywhere is either still gradable or refused with a clear SubmissionError."""
    _parse_only_refuses(_encode(tree), "parse_submission: mutated valid submissions")


@_settings(300)
@given(st.sampled_from(list(VALID_SUBMISSION["answers"])), st.sampled_from(["current", "first"]),
       st.sampled_from(FIELDS), st.text(max_size=40) | st.integers() | st.none())
def test_unknown_labels_name_statement_and_field(sid: str, which: str, field: str, value: Any) -> None:
    """An unknown label in an answers file is refused with a problem naming the file, the
    statement and the field it sits in."""
    TRIED["parse_submission: unknown labels"] += 1
    tree = copy.deepcopy(VALID_SUBMISSION)
    tree["answers"][sid][which][field] = [value] if field == "chain" else value
    labels = KURSK.labels(field)
    assume(value not in labels)
    with pytest.raises(SubmissionError) as caught:
        parse_submission(_encode(tree), KURSK, SUBMISSION_FILE)
    _assert_clean_refusal(caught.value, SUBMISSION_FILE)
    assert any(p.statement == sid and p.field and field in p.field for p in caught.value.problems), caught.value


def test_nesting_near_the_recursion_limit_is_refused() -> None:
    """Every nesting depth from 1 to past the recursion limit, put where a label belongs, is refused
    with a SubmissionError (sweeping each depth finds the band where parsing succeeds but checking
    the structure would recurse too deeply)."""
    template = copy.deepcopy(VALID_SUBMISSION)
    sid = next(iter(template["answers"]))
    template["answers"][sid]["current"]["origin"] = "<nesting>"
    encoded = _encode(template)
    for depth in range(1, sys.getrecursionlimit() + 200):
        raw = encoded.replace(b'"<nesting>"', b"[" * depth + b"]" * depth)
        with pytest.raises(SubmissionError) as caught:
            parse_submission(raw, KURSK, SUBMISSION_FILE)
        _assert_clean_refusal(caught.value, SUBMISSION_FILE)


def test_oversized_file_is_refused_before_parsing() -> None:
    """A file over the size cap is refused with its size and the limit, whatever it holds."""
    raw = _encode(VALID_SUBMISSION) + b" " * (MAX_SUBMISSION_BYTES + 1)
    with pytest.raises(SubmissionError) as caught:
        parse_submission(raw, KURSK, SUBMISSION_FILE)
    _assert_clean_refusal(caught.value, SUBMISSION_FILE)
    assert "limit" in str(caught.value)


def test_valid_submission_round_trips() -> None:
    """The reference submission the mutations start from is itself accepted (so refusals above are
    caused by the mutations, not by a broken starting point)."""
    assert parse_submission(_encode(VALID_SUBMISSION), KURSK, SUBMISSION_FILE) == VALID_SUBMISSION
    assert parse_submission(b"\xef\xbb\xbf" + _encode(VALID_SUBMISSION), KURSK, SUBMISSION_FILE) == VALID_SUBMISSION


# --------------------------------------------------------------------------------------------
# (b) The key loader


def _key_only_refuses(data: Any, article: str, name: str) -> None:
    """validate_key lists problems (each with a message and the file) or none; decode_key agrees."""
    TRIED[name] += 1
    problems = validate_key(data, article, KEY_FILE)
    assert isinstance(problems, list)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.file == KEY_FILE
        assert isinstance(problem.message, str) and problem.message.strip()
    try:
        built = decode_key(data, article, file=KEY_FILE)
    except CaseError as error:
        assert problems, "decode_key refused a key that validate_key found no problem in"
        assert error.problems == problems
        assert str(error).strip()
    else:
        assert not problems, "decode_key accepted a key with problems"
        assert isinstance(built, Case)


@st.composite
def targeted_key_mutation(draw: st.DrawFn) -> tuple[Any, str]:
    """The Kursk key with one of the mistakes an author makes: a field dropped, a type changed, an
    unknown label, a duplicate id, an altered quote or article, a wrong rule or fact, a missing why
    or hint, a broken accepted answer, or an answer kept under the retired "confidence" field."""
    data = copy.deepcopy(KEY_DATA)
    article = ARTICLE
    statements = data["statements"]
    entry = draw(st.sampled_from(statements))
    trust_fields = sorted(data["rules"])
    kind = draw(
        st.sampled_from(
            ["drop", "type", "label", "chain_label", "duplicate_id", "duplicate_statement", "quote", "article",
             "rule", "fact", "field_text", "evidence", "vocabulary", "accepted", "retired", "rule_list"]
        )
    )
    if kind == "drop":
        del entry[draw(st.sampled_from(sorted(entry)))]
    elif kind == "type":
        entry[draw(st.sampled_from(sorted(entry)))] = draw(json_trees)
    elif kind == "label":
        entry[draw(st.sampled_from([f for f in FIELDS if f != "chain"]))]["answer"] = draw(
            st.text(max_size=20) | st.sampled_from(ALL_LABELS)
        )
    elif kind == "chain_label":
        entry["chain"]["answer"] = draw(st.lists(st.text(max_size=12) | st.sampled_from(ALL_LABELS), max_size=6))
    elif kind == "duplicate_id":
        entry["id"] = draw(st.sampled_from(statements))["id"]
    elif kind == "duplicate_statement":
        statements.append(copy.deepcopy(entry))
    elif kind == "quote":
        quote = entry["quote"]
        at = draw(st.integers(min_value=0, max_value=len(quote)))
        entry["quote"] = draw(
            st.sampled_from(
                [quote[:at] + draw(st.text(min_size=1, max_size=3)) + quote[at:], quote[:at] + quote[at + 1 :],
                 quote[:at], quote[at:], draw(st.text(max_size=40))]
            )
        )
    elif kind == "article":
        at = draw(st.integers(min_value=0, max_value=len(article)))
        article = draw(st.sampled_from([article[:at], article[at:], article[:at] + draw(st.text(max_size=5)) + article[at + 5 :], ""]))
    elif kind == "rule":
        rule_ids = [rule["id"] for rules in data["rules"].values() for rule in rules]
        entry[draw(st.sampled_from(trust_fields))]["rule"] = draw(st.text(max_size=6) | st.sampled_from([*rule_ids, "R9", ""]))
    elif kind == "fact":
        facts = entry["facts"]
        name = draw(st.sampled_from(sorted(facts)))
        if draw(st.booleans()):
            facts[name] = draw(json_trees)
        else:
            del facts[name]
    elif kind == "field_text":
        key = entry[draw(st.sampled_from(FIELDS))]
        text = draw(st.sampled_from(["why", "hint"]))
        key[text] = draw(st.none() | st.text(max_size=20) | st.sampled_from(ALL_LABELS))
    elif kind == "evidence":
        entry["evidence"] = draw(st.lists(st.text(max_size=12), max_size=3))
    elif kind == "vocabulary":
        vocabulary = data["vocabularies"][draw(st.sampled_from(sorted(data["vocabularies"])))]
        del vocabulary[draw(st.sampled_from(sorted(vocabulary)))]
    elif kind == "accepted":
        field = draw(st.sampled_from(FIELDS))
        entry[field]["accepted"] = [{"answer": draw(json_trees), "why": draw(st.text(max_size=20))}]
    elif kind == "retired":
        entry["confidence"] = {"answer": draw(st.sampled_from(["high", "moderate", "low"])), "why": "x", "hint": "y"}
    elif kind == "rule_list":
        rules = data["rules"][draw(st.sampled_from(trust_fields))]
        rules.reverse() if draw(st.booleans()) else rules.pop()
    return data, article


@_settings(300)
@given(targeted_key_mutation())
def test_targeted_key_mistakes_give_case_errors(mutant: tuple[Any, str]) -> None:
    """An author's typical mistakes in a key give a CaseError (or no problem at all, then a case),
    and every problem carries the file name and a message."""
    data, article = mutant
    _key_only_refuses(data, article, "key loader: targeted mistakes")


@_settings(300)
@given(mutated(KEY_DATA))
def test_random_key_mutations_give_case_errors(data: Any) -> None:
    """Random damage anywhere in the key (replaced, deleted, renamed, added or duplicated nodes)
    gives only CaseError problems, each with a message."""
    _key_only_refuses(data, ARTICLE, "key loader: random mutations")


def _yaml_only_refuses(text: str) -> None:
    TRIED["key loader: parse_yaml on arbitrary text"] += 1
    try:
        parse_yaml(text, KEY_FILE)
    except CaseError as error:
        assert error.problems and all(p.message.strip() and p.file == KEY_FILE for p in error.problems)


@_settings(2000)
@given(st.text(max_size=400) | st.text(alphabet="-:[]{}&*!|>'\"#%@`?, \n\tabc01", max_size=400))
@example("a: !!python/object/apply:os.system ['true']")
@example("!!python/name:os.system")
@example("&a [*a]")
@example("a: *undefined")
@example("\x00")
def test_arbitrary_yaml_text_gives_only_case_errors(text: str) -> None:
    """parse_yaml on any text returns data or raises CaseError with a message; nothing else."""
    _yaml_only_refuses(text)


@pytest.mark.parametrize("text", ["[" * 5000, "- " * 3000 + "x", "{a: " * 3000])
def test_deeply_nested_yaml_gives_a_case_error(text: str) -> None:
    """Deeply nested YAML (a few kilobytes of brackets) is refused with a CaseError, like bad YAML."""
    _yaml_only_refuses(text)


def test_yaml_alias_bomb_is_refused() -> None:
    """YAML anchors that expand to millions of nodes are refused by the loader, before any check
    walks or prints them."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 6)]
    with pytest.raises(CaseError):
        parse_yaml("\n".join(lines), KEY_FILE)


def test_valid_key_loads() -> None:
    """The unmutated key has no problems (so the problems above come from the mutations)."""
    assert validate_key(copy.deepcopy(KEY_DATA), ARTICLE, KEY_FILE) == []


# --------------------------------------------------------------------------------------------
# (c) The engine

STATEMENT_IDS = list(KURSK.statement_ids)

# Values of any hashable kind for any field, and lists (only meaningful for the chain) for the
# chain. Unhashable values for single-label fields are a known defect: see
# test_unhashable_answers_get_a_clear_error below.
scalar_values = st.one_of(
    st.none(),
    st.just(...),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(ALL_LABELS),
    st.sampled_from(ALL_LABELS).map(lambda s: f"  {s.upper()} "),
    st.lists(st.sampled_from(ALL_LABELS), max_size=6).map(" > ".join),
    st.lists(st.sampled_from(ALL_LABELS) | st.text(max_size=8), max_size=6).map(tuple),
    st.frozensets(st.sampled_from(ALL_LABELS), max_size=4),
)
chain_values = scalar_values | st.lists(st.sampled_from(ALL_LABELS) | st.text(max_size=10) | st.none() | st.integers(), max_size=6)


@st.composite
def answer_maps(draw: st.DrawFn, max_size: int = 6) -> dict[Any, Any]:
    """Field -> value maps with real and made-up field names, and values of every kind."""
    names = draw(st.lists(field_names, max_size=max_size, unique=True))
    return {name: draw(chain_values if name == "chain" else scalar_values) for name in names}


field_names = st.sampled_from(FIELDS) | st.text(max_size=12)
statement_ids = st.sampled_from(STATEMENT_IDS) | st.text(max_size=6) | st.integers() | st.none()


@_settings(2000)
@given(statement_ids, answer_maps())
def test_check_statement_only_raises_documented_errors(sid: Any, answers: dict[str, Any]) -> None:
    """check_statement with any id, fields and values either returns results whose credits lie in
    [0, 1] with non-empty feedback, or raises UnknownLabelError / UnknownStatementError with a message."""
    TRIED["engine: check_statement"] += 1
    try:
        result = check_statement(KURSK, sid, answers)
    except (UnknownLabelError, UnknownStatementError) as error:
        assert str(error).strip()
        return
    assert result.statement_id == sid
    assert {f.field for f in result.fields} == set(answers)
    for field_result in result.fields:
        assert 0.0 <= field_result.credit <= 1.0
        assert field_feedback(KURSK, field_result).strip()
        assert field_result.verdict in ("correct", "accepted", "partly", "wrong", "unanswered")
        assert (field_result.credit == 1.0) == field_result.is_right


@_settings(600)
@given(
    st.dictionaries(statement_ids, answer_maps(5), max_size=6),
    st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5, unique=True),
    st.none() | st.lists(st.sampled_from(STATEMENT_IDS), max_size=8, unique=True),
)
def test_score_stays_within_bounds(answers: dict, fields: list[str], ids: list[str] | None) -> None:
    """score() with arbitrary answers stays within [0, out_of] in total, per field and per
    statement, or raises one of the two documented errors."""
    TRIED["engine: score with arbitrary answers"] += 1
    try:
        result = score(KURSK, answers, fields=fields, statement_ids=ids)
    except (UnknownLabelError, UnknownStatementError) as error:
        assert str(error).strip()
        return
    assert 0.0 <= result.points <= result.out_of
    assert not math.isnan(result.points)
    for points, out_of in [*result.by_field.values(), *result.by_statement.values()]:
        assert 0.0 <= points <= out_of
    assert 0.0 <= result.fraction <= 1.0


@st.composite
def key_or_accepted_answers(draw: st.DrawFn) -> tuple[dict, list[str], list[str]]:
    """For some statements and fields, the key's answer or one of its accepted alternatives, written
    the way a student might (any letter case, a chain as a list, a tuple or 'a > b' text, in any order)."""
    ids = draw(st.lists(st.sampled_from(STATEMENT_IDS), min_size=1, max_size=len(STATEMENT_IDS), unique=True))
    fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=len(FIELDS), unique=True))
    answers: dict[str, dict[str, Any]] = {}
    for sid in ids:
        statement = KURSK.statement(sid)
        answers[sid] = {}
        for field in fields:
            choices = [statement.answers[field], *(a.answer for a in statement.accepted[field])]
            answer = draw(st.sampled_from(choices))
            if field == "chain":
                answer = list(draw(st.permutations(list(answer))))
                answer = draw(st.sampled_from([answer, tuple(answer), " > ".join(answer) if answer else answer]))
            elif draw(st.booleans()):
                answer = answer.upper()
            answers[sid][field] = answer
    return answers, fields, ids


@_settings(400)
@given(key_or_accepted_answers())
def test_key_answers_always_score_full(given_answers: tuple[dict, list[str], list[str]]) -> None:
    """The key's answer, or any accepted alternative, in any spelling, always earns full marks."""
    TRIED["engine: key answers score full"] += 1
    answers, fields, ids = given_answers
    result = score(KURSK, answers, fields=fields, statement_ids=ids)
    assert result.out_of > 0
    assert result.points == pytest.approx(result.out_of)
    for sid in ids:
        checked = check_statement(KURSK, sid, answers[sid])
        assert checked.all_right, [field_feedback(KURSK, f) for f in checked.fields]


def test_every_statement_key_scores_full() -> None:
    """Not sampled: every statement's key answers, all fields at once, earn every point."""
    answers = {s.id: dict(s.answers) for s in KURSK.statements}
    result = score(KURSK, answers)
    assert result.points == result.out_of > 0


@pytest.mark.parametrize(
    "field, value",
    [("origin", ["north_korea"]), ("believable", {"level": "probably_true"}), ("reported_right", ["on_record"]),
     ("chain", [["kcna"]])],
)
def test_unhashable_answers_get_a_clear_error(field: str, value: Any) -> None:
    """A list where one label is expected (a likely slip in check("S01", origin=[...])) gets an
    UnknownLabelError naming the field, not a TypeError."""
    with pytest.raises(UnknownLabelError):
        check_statement(KURSK, STATEMENT_IDS[0], {field: value})



# --------------------------------------------------------------------------------------------
# The grader's quick reader and the store's salvage: the other two doors answers files come in by


@_settings(800)
@given(mutated(VALID_SUBMISSION))
def test_quick_reader_agrees_with_the_full_check(tree: Any) -> None:
    """parse_quickly accepts exactly the files parse_submission accepts, with the same data,
    and refuses the rest with the same SubmissionError."""
    TRIED["parse_quickly vs parse_submission"] += 1
    raw = _encode(tree)
    try:
        full = parse_submission(raw, KURSK, SUBMISSION_FILE)
    except SubmissionError as error:
        with pytest.raises(SubmissionError) as caught:
            parse_quickly(raw, KURSK, SUBMISSION_FILE)
        assert caught.value.problems == error.problems
    else:
        assert parse_quickly(raw, KURSK, SUBMISSION_FILE) == full


_GRADER = Scorer(KURSK)


def _one_pass_agrees(raw: bytes) -> bool:
    """The grader's one-pass read of ``raw`` (:meth:`Scorer.grade_bytes`) accepts only what
    parse_submission accepts, and then reads the same student, times and key version and gives the
    same totals as scoring the fully checked submission. True when it accepted the file."""
    quick = _GRADER.grade_bytes(raw)
    try:
        full = parse_submission(raw, KURSK, SUBMISSION_FILE)
    except SubmissionError:
        assert quick is None, raw[:300]
        return False
    if quick is None:
        return False
    data, current, first = quick
    student = full["student"]
    assert (data.student.id, data.student.name) == (student.get("id", UNSET), student.get("name", UNSET))
    assert (data.case_id, data.key_version, data.created, data.updated) == (
        full["case_id"], full["key_version"], full["created"], full["updated"])
    assert sorted(data.answers) == sorted(full["answers"])
    assert json.loads(msgspec.json.encode(data)) == full  # every value read as the full check reads it
    (points, out_of, by_field), (first_points, _, _) = _GRADER.grade(full)
    assert (current[0], current[1], first[0]) == (pytest.approx(points), out_of, pytest.approx(first_points))
    assert current[2] == pytest.approx(by_field)
    return True


def test_one_pass_reader_accepts_a_valid_file() -> None:
    """The fast path is taken by a good file, so the property below compares something."""
    assert _one_pass_agrees(_encode(VALID_SUBMISSION))


@_settings(800)
@given(mutated(VALID_SUBMISSION))
@example(VALID_SUBMISSION | {"updated": "2025-04-29T10:00:00Z\n"})
@example(VALID_SUBMISSION | {"handed_in": {"01": {"first": STAMP, "last": "2025-04-29", "times": 1}}})
@example(VALID_SUBMISSION | {"handed_in": {"01": {"first": STAMP, "last": STAMP, "times": 1}}})
@example(VALID_SUBMISSION | {"schema_version": 1.0})
@example(VALID_SUBMISSION | {"schema_version": True})
def test_one_pass_reader_agrees_with_the_full_check(tree: Any) -> None:
    """The grader's one-pass decoder and scorer never accept a file the full check refuses, and
    read and score what both accept alike."""
    TRIED["grade_bytes vs parse_submission"] += 1
    _one_pass_agrees(_encode(tree))


@pytest.mark.parametrize("raw", [
    # a key given twice: JSON readers keep the last; the one-pass reader must read the same
    _encode(VALID_SUBMISSION)[:-1] + b', "case_id": "other"}',
    _encode(VALID_SUBMISSION)[:-1] + b', "updated": "not a time"}',
    _encode(VALID_SUBMISSION)[:-1] + b', "updated": "2025-04-30T10:00:00Z"}',
    b"\xef\xbb\xbf" + _encode(VALID_SUBMISSION),  # a byte order mark: the full check reads it
    _encode(VALID_SUBMISSION).replace(b'"Alice"', b'"Al\\ud800ice"'),  # a lone surrogate
])
def test_one_pass_reader_agrees_on_raw_bytes(raw: bytes) -> None:
    """Bytes no tree encodes (repeated keys, a BOM, a lone surrogate) are read alike, or left to the full check."""
    _one_pass_agrees(raw)


@_settings(800)
@given(mutated(VALID_SUBMISSION) | json_trees)
def test_salvage_always_gives_a_valid_submission(tree: Any) -> None:
    """salvage on anything parsed from a file never raises, always returns answers that pass
    the checks, says something whenever it dropped an answer, and keeps every answer of a file that
    was already valid."""
    TRIED["salvage on damaged files"] += 1
    try:  # salvage sees what json.loads made of the file; unparseable files never reach it
        data = json.loads(_encode(tree).decode("utf-8"))
    except (ValueError, RecursionError):
        assume(False)
    result, notes = salvage(data, KURSK, now=now_iso())
    assert submission_problems(result, KURSK) == []
    assert all(isinstance(note, str) and note.strip() for note in notes)
    if isinstance(data, dict) and not submission_problems(data, KURSK):
        def answered(sub: dict) -> dict:
            """Answers as the engine reads them (a chain naming a link twice names it once);
            statements with no answer at all hold nothing to keep."""
            return {
                (sid, which, f): normalise(KURSK, f, v, sid)
                for sid, e in sub["answers"].items() for which in ("current", "first") for f, v in e[which].items()
                if not is_unanswered(v)
            }

        assert answered(result) == answered(data)
    kept = sum(len(e["current"]) + len(e["first"]) for e in result["answers"].values())
    offered = 0
    if isinstance(data, dict) and isinstance(data.get("answers"), dict):
        offered = sum(  # answered values only: None, "" and [] are "not answered", not answers
            1 for e in data["answers"].values() if isinstance(e, dict)
            for w in ("current", "first") if isinstance(e.get(w), dict)
            for v in e[w].values() if not is_unanswered(v)
        )
    if kept < offered:
        assert notes, "answers were dropped without a word"
