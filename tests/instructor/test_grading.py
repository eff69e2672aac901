"""Grading a class: `attribution-lab grade`, the quick check, the scorer, CSV safety and bad files."""

from __future__ import annotations

import copy
import csv
import json
import os
from pathlib import Path

import pytest
from budget import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attribution_lab.cli import main
from attribution_lab.core.case import FIELDS
from attribution_lab.core.engine import WEIGHTS
from attribution_lab.core.plan import asked
from attribution_lab.core.submission import new_submission, record_check, score_submission
from attribution_lab.errors import SubmissionError
from attribution_lab.formats.answers import encode, submission_problems
from attribution_lab.formats.answers_quick import allowed_values, parse_quickly, quick_frame
from attribution_lab.formats.limits import MAX_SUBMISSION_BYTES
from attribution_lab.instructor import collect
from attribution_lab.instructor.results import safe_cell
from attribution_lab.instructor.scoring import Scorer
from attribution_lab.instructor.synthetic import generate_class, write_class
from attribution_lab.storage.cases import load_case

BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad_submissions"
CASE = load_case("kursk")


def _key_answers(statement) -> dict:
    return {f: statement.answers[f] for f in FIELDS}


def _submission(sid: str, name: str = "", *, right: int = 2, when: str = "2025-05-05T10:00:00Z") -> dict:
    """A submission answering the first ``right`` statements with the key's answers."""
    sub = new_submission(CASE, student_id=sid, student_name=name, now=when)
    for statement in CASE.statements[:right]:
        sub = record_check(CASE, sub, statement.id, _key_answers(statement), now=when)
    return sub


def _write(path: Path, sub: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(sub))
    return path


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _grade(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["grade", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# The quick check and the scorer agree with the schema and the engine


def _quickly_read(raw: bytes) -> bool:
    """Whether the quick reading takes the file without asking the full check."""
    return quick_frame(raw, allowed_values(CASE)) is not None


def test_quick_check_accepts_every_synthetic_submission_the_schema_accepts():
    """Good files take the fast path: each synthetic submission passes the schema, the quick
    reading takes it as it is, and the grader's one pass scores it."""
    for sub in generate_class(CASE, 60, seed=11):
        assert submission_problems(sub, CASE, "f") == []
        raw = encode(sub)
        assert _quickly_read(raw)
        assert parse_quickly(raw, CASE, "f") == sub
        assert Scorer(CASE).grade_bytes(raw) is not None


def test_scorer_totals_equal_score_submission():
    """The remembered verdicts add up to exactly what the engine's score_submission gives, field by field."""
    scorer = Scorer(CASE)
    for sub in generate_class(CASE, 150, seed=3):
        (points, out_of, by_field), (first_points, _, _) = scorer.grade(sub)
        final, first = score_submission(CASE, sub)
        assert points == pytest.approx(final.points, abs=1e-9)
        assert first_points == pytest.approx(first.points, abs=1e-9)
        assert out_of == final.out_of
        for f in FIELDS:
            assert by_field[f] == pytest.approx(final.by_field[f][0], abs=1e-9)


def test_one_pass_scores_statements_in_any_order_and_layouts_past_the_bound(monkeypatch):
    """The one-pass scorer gives exactly the statement-by-statement path's totals (the same floats,
    added in the same order) for files listing their statements in the case's order, reversed,
    in part or not at all, also once more layouts were met than it remembers."""
    from attribution_lab.instructor import scoring

    monkeypatch.setattr(scoring, "_LAYOUTS_KEPT", 2)
    scorer = Scorer(CASE)
    files = []
    for sub in generate_class(CASE, 12, seed=6):
        items = list(sub["answers"].items())
        for answers in (items, items[::-1], items[2:9], items[9:2:-1], []):
            files.append(encode(sub | {"answers": dict(answers)}))
    assert len({tuple(json.loads(raw)["answers"]) for raw in files}) > 2  # more layouts than remembered
    for raw in files:
        one_pass = scorer.grade_bytes(raw)
        assert one_pass is not None
        data = one_pass[0]
        assert one_pass[1:] == scorer._grade_decoded(data)[1:]


def test_scorer_with_some_fields_counts_only_those():
    """--fields origin,believable grades only those two fields, as the engine does with fields=..."""
    scorer = Scorer(CASE, ("origin", "believable"))
    sub = generate_class(CASE, 1, seed=5)[0]
    (points, out_of, by_field), _ = scorer.grade(sub)
    final, _ = score_submission(CASE, sub, fields=("origin", "believable"))
    assert (points, out_of) == (pytest.approx(final.points), final.out_of)
    assert set(by_field) == {"origin", "believable"}


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 2_000_000) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=45) | st.sampled_from(["", "S01", "s01", "kcna", "KCNA", "high", " high", "2025-05-05T10:00:00Z",
                                               "2025-05-05T10:00:00Z\n", "1.0.0", "kursk", "attribution-lab-submission"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3),
    max_leaves=6,
)


def _paths(data, prefix=()):
    """Every key path in a JSON value."""
    yield prefix
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _paths(v, (*prefix, i))


_BASE = generate_class(CASE, 1, seed=21)[0]
_BASE_PATHS = [p for p in _paths(_BASE) if p]


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(where=st.sampled_from(_BASE_PATHS), action=st.sampled_from(["replace", "delete", "add"]),
       value=_json_values, extra_key=st.text(max_size=12))
def test_quick_check_never_accepts_what_the_schema_or_case_refuse(where, action, value, extra_key):
    """Soundness of the fast path: any mutation of a valid file that the quick reading (or the one-pass
    scorer) accepts is also accepted by the schema and the case's label checks."""
    data = copy.deepcopy(_BASE)
    parent = data
    for key in where[:-1]:
        parent = parent[key]
    last = where[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    else:
        target = parent[last]
        if isinstance(target, dict):
            target[extra_key] = value
        elif isinstance(target, list):
            target.append(value)
        else:
            parent[last] = value
    raw = json.dumps(data).encode("utf-8")
    fast = _quickly_read(raw)
    if fast:  # the report's quick reading: sound, and it reads the same data
        assert submission_problems(data, CASE, "f") == [], (where, action, value)
        assert parse_quickly(raw, CASE, "f") == data
    scorer = Scorer(CASE)
    from_bytes = scorer.grade_bytes(raw)
    assert (from_bytes is not None) == fast, (where, action, value)  # the grader takes the same files
    if from_bytes is not None:  # the grader's one-pass decoder: as sound, and it scores the same
        assert submission_problems(data, CASE, "f") == [], (where, action, value)
        _, current, first = from_bytes
        (points, out_of, by_field), (first_points, _, _) = scorer.grade(data)
        assert (current[0], current[1], first[0]) == (pytest.approx(points), out_of, pytest.approx(first_points))
        assert current[2] == pytest.approx(by_field)


# --------------------------------------------------------------------------------------------
# The command


def test_grade_writes_one_row_per_student_and_the_lms_csv(tmp_path, capsys):
    """A folder of good files: exit 0, one row per student with final, first-try and per-field points."""
    folder = tmp_path / "class"
    write_class(CASE, 5, folder, seed=2)
    code, out, err = _grade(capsys, folder, "--out", tmp_path / "results.csv")
    assert code == 0, err
    rows = _rows(tmp_path / "results.csv")
    assert [r["student_id"] for r in rows] == [f"synthetic-000{n}" for n in range(1, 6)]
    sub = json.loads((folder / "synthetic-0003.json").read_text("utf-8"))
    final, first = score_submission(CASE, sub)
    row = rows[2]
    assert float(row["points"]) == pytest.approx(final.points, abs=0.005)
    assert float(row["first_try_points"]) == pytest.approx(first.points, abs=0.005)
    assert float(row["out_of"]) == final.out_of
    assert float(row["origin_points"]) == pytest.approx(final.by_field["origin"][0], abs=0.005)
    lms = _rows(tmp_path / "results-lms.csv")
    assert list(lms[0]) == ["student_id", "points", "out_of"]
    assert lms[2] == {"student_id": "synthetic-0003", "points": row["points"], "out_of": row["out_of"]}
    assert "5 student(s) graded" in out


def test_grade_json_summary_and_lms_option(tmp_path, capsys):
    """--json prints a machine-readable summary; --lms chooses where the LMS file goes."""
    _write(tmp_path / "in" / "a.json", _submission("a", "Ann"))
    code, out, _ = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv", "--lms", tmp_path / "lms" / "x.csv", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["students"] == 1 and summary["files_rejected"] == 0
    assert summary["lms"] == str(tmp_path / "lms" / "x.csv") and (tmp_path / "lms" / "x.csv").exists()
    # two statements, every field right: the fields the module asks of them
    pairs = asked(CASE)
    assert summary["mean_points"] == pytest.approx(sum(WEIGHTS[f] for s in CASE.statements[:2] for f in pairs[s.id]))


def test_fields_option_limits_the_columns_and_the_maximum(tmp_path, capsys):
    """--fields origin,believable: the maximum is 3 points per statement and only those columns appear."""
    _write(tmp_path / "a.json", _submission("a"))
    code, _, _ = _grade(capsys, tmp_path / "a.json", "--out", tmp_path / "r.csv", "--fields", "believable,origin")
    row = _rows(tmp_path / "r.csv")[0]
    assert code == 0
    assert WEIGHTS["origin"] + WEIGHTS["believable"] == 3
    assert float(row["out_of"]) == 3 * len(CASE.statements)
    assert "origin_points" in row and "believable_points" in row and "chain_points" not in row


@pytest.mark.parametrize("args", [["--fields", "origin,colour"], ["--case", "no_such_case"]])
def test_usage_errors_exit_2(tmp_path, capsys, args):
    """An unknown field or case is a usage error: exit 2 with a message, nothing graded."""
    _write(tmp_path / "a.json", _submission("a"))
    code, _, err = _grade(capsys, tmp_path / "a.json", "--out", tmp_path / "r.csv", *args)
    assert code == 2 and err.strip()
    assert not (tmp_path / "r.csv").exists()


def test_missing_path_and_empty_folder_exit_2(tmp_path, capsys):
    """A path that does not exist, or a folder without any answers file, is a usage error."""
    code, _, err = _grade(capsys, tmp_path / "nope", "--out", tmp_path / "r.csv")
    assert code == 2 and "no such file or folder" in err
    (tmp_path / "empty").mkdir()
    code, _, err = _grade(capsys, tmp_path / "empty", "--out", tmp_path / "r.csv")
    assert code == 2 and "no answers files" in err


def test_argparse_usage_error_exits_2(capsys):
    """A missing --out is rejected by the parser with exit status 2."""
    with pytest.raises(SystemExit) as stop:
        main(["grade", "x.json"])
    assert stop.value.code == 2


def test_folders_are_searched_recursively_and_other_files_noted(tmp_path, capsys):
    """Answers files in sub-folders are graded; a non-json file gets a note and does not fail the run."""
    _write(tmp_path / "class" / "group1" / "a.json", _submission("a"))
    _write(tmp_path / "class" / "group2" / "deep" / "b.json", _submission("b"))
    (tmp_path / "class" / "notes.txt").write_text("not an answers file")
    code, _, err = _grade(capsys, tmp_path / "class", "--out", tmp_path / "r.csv")
    assert code == 0
    assert sorted(r["student_id"] for r in _rows(tmp_path / "r.csv")) == ["a", "b"]
    assert "notes.txt: skipped, not a .json file" in err


def test_student_id_falls_back_to_the_file_name(tmp_path, capsys):
    """An empty student id in the file: the file name without .json is the id."""
    _write(tmp_path / "in" / "jan-kowalski.json", _submission(""))
    _grade(capsys, tmp_path / "in", "--out", tmp_path / "out" / "r.csv")
    assert _rows(tmp_path / "out" / "r.csv")[0]["student_id"] == "jan-kowalski"


def test_duplicates_newest_updated_time_wins_and_others_are_listed(tmp_path, capsys):
    """Two files for one student with different answers: the later "updated" time is graded, the
    other is listed on its own line as set aside, and the exit status is 1.
    """
    _write(tmp_path / "in" / "z-old.json", _submission("s1", right=5, when="2025-05-05T10:00:00Z"))
    _write(tmp_path / "in" / "a-new.json", _submission("s1", right=1, when="2025-05-06T10:00:00Z"))
    code, _, err = _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    rows = _rows(tmp_path / "r.csv")
    assert code == 1 and len(rows) == 1
    assert rows[0]["file"].endswith("a-new.json") and float(rows[0]["points"]) == 7
    assert "student 's1' has 2 files" in err
    assert any("z-old.json: set aside" in line for line in err.splitlines())


def test_duplicates_with_equal_times_fall_back_to_file_modification_time(tmp_path, capsys):
    """Same "updated" time: the file modified last wins."""
    a = _write(tmp_path / "in" / "a.json", _submission("s1", right=3))
    b = _write(tmp_path / "in" / "b.json", _submission("s1", right=1))
    os.utime(a, (2_000_000_000, 2_000_000_000))
    os.utime(b, (1_000_000_000, 1_000_000_000))
    _grade(capsys, tmp_path / "in", "--out", tmp_path / "r.csv")
    assert _rows(tmp_path / "r.csv")[0]["file"].endswith("a.json")


def test_a_score_written_inside_a_file_is_refused_not_trusted(tmp_path, capsys):
    """The schema has no place for a score: a file carrying one is rejected (never believed)."""
    code, _, err = _grade(capsys, BAD / "score_inside.json", "--out", tmp_path / "r.csv")
    assert code == 1 and "score" in err


# --------------------------------------------------------------------------------------------
# CSV injection


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_safe_cell_neutralises_formula_starts(text):
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    assert safe_cell(text) == "'" + text


def test_safe_cell_leaves_plain_text_and_numbers():
    """Ordinary names and numbers pass unchanged."""
    assert safe_cell("Zoë O'Brien") == "Zoë O'Brien"
    assert safe_cell(-3.5) == -3.5


# --------------------------------------------------------------------------------------------
# The bad input corpus: each file gets one line naming it, and the rest of the class is graded


def _grade_with_good(tmp_path, capsys, bad: Path):
    good = _write(tmp_path / "good" / "good.json", _submission("good-student", "Good Student"))
    code, _, err = _grade(capsys, bad, good.parent, "--out", tmp_path / "r.csv")
    ids = [r["student_id"] for r in _rows(tmp_path / "r.csv")]
    return code, err, ids


REJECTED = {
    "invalid_json.json": "is not valid JSON",
    "missing_schema_version.json": "schema_version",
    "wrong_schema_version.json": "schema_version: is 2",
    "another_case.json": "another case",
    "unknown_statement.json": "S99: is not a statement",
    "unknown_label.json": "little_green_men",
    "wrong_types.json": "is not of type",
    "nan.json": "NaN is not allowed",
    "huge_number.json": "the number 1e400 is too large",
    "deep_nesting.json": "nested too deeply",
    "non_utf8.json": "is not UTF-8",
    "score_inside.json": "Additional properties",
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_bad_file_gets_one_line_and_the_rest_is_graded(tmp_path, capsys, name):
    """Each bad file of the corpus: exit 1, exactly one stderr line naming it with the reason, no traceback,
    and the good file beside it still graded."""
    code, err, ids = _grade_with_good(tmp_path, capsys, BAD / name)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 1
    assert len(lines) == 1, lines
    assert name in lines[0] and REJECTED[name] in lines[0]
    assert "Traceback" not in err
    assert ids == ["good-student"]


def test_bom_is_accepted(tmp_path, capsys):
    """A UTF-8 byte-order mark (added by some editors) is tolerated."""
    code, err, ids = _grade_with_good(tmp_path, capsys, BAD / "bom.json")
    assert code == 0, err
    assert ids == ["s-bom", "good-student"]


def test_html_and_formulas_in_student_fields_are_neutralised_in_csv(tmp_path, capsys):
    """A name with a script tag and an id starting with = are accepted, kept as text and neutralised."""
    code, _, _ = _grade_with_good(tmp_path, capsys, BAD / "html_name.json")
    assert code == 0
    raw = (tmp_path / "r.csv").read_text("utf-8")
    row = _rows(tmp_path / "r.csv")[0]
    assert row["student_id"].startswith("'=HYPERLINK")
    assert row["name"].startswith("<script>")  # CSV is not HTML: the name is kept, quoted as text
    assert '"\'=HYPERLINK' in raw
    lms = _rows(tmp_path / "r-lms.csv")
    assert lms[0]["student_id"].startswith("'=")


def test_file_over_one_megabyte_is_refused_unread(tmp_path, capsys):
    """A file over the size limit is rejected by its size, without being parsed."""
    big = tmp_path / "big.json"
    big.write_bytes(b"{" + b" " * (MAX_SUBMISSION_BYTES + 10) + b"}")
    code, err, ids = _grade_with_good(tmp_path, capsys, big)
    assert code == 1 and "big.json" in err and "the limit is 1,000,000" in err
    assert ids == ["good-student"]


def test_file_that_vanishes_mid_run(tmp_path, capsys, monkeypatch):
    """A file listed but deleted before it is read: one line, the rest graded."""
    folder = tmp_path / "in"
    _write(folder / "a.json", _submission("a"))
    gone = _write(folder / "b.json", _submission("b"))
    real = collect.submission_files

    def listing_then_delete(paths):
        for found in real(paths):
            if os.path.basename(found.path) == "b.json":  # a listing gives paths as text
                gone.unlink()
            yield found

    monkeypatch.setattr(collect, "submission_files", listing_then_delete)
    code, _, err = _grade(capsys, folder, "--out", tmp_path / "r.csv")
    assert code == 1
    assert err.strip() == f"rejected {gone}: disappeared before it could be read"
    assert [r["student_id"] for r in _rows(tmp_path / "r.csv")] == ["a"]


def test_unreadable_file(tmp_path, capsys, monkeypatch):
    """A file that cannot be opened (permissions): one line naming it, the rest graded."""
    folder = tmp_path / "in"
    _write(folder / "a.json", _submission("a"))
    locked = _write(folder / "b.json", _submission("b"))
    real_open = os.open

    def guarded_open(file, *args, **kwargs):
        if Path(file) == locked:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", guarded_open)
    code, _, err = _grade(capsys, folder, "--out", tmp_path / "r.csv")
    assert code == 1 and err.strip() == f"rejected {locked}: cannot be read: permission denied"
    assert [r["student_id"] for r in _rows(tmp_path / "r.csv")] == ["a"]


def test_read_submission_raises_submission_error_naming_the_file(tmp_path):
    """The library function raises SubmissionError (not a bare OSError or ValueError)."""
    with pytest.raises(SubmissionError) as error:
        collect.read_submission(BAD / "nan.json", CASE)
    assert error.value.problems[0].file.endswith("nan.json")


def test_a_lone_surrogate_is_rejected_by_name_and_the_class_still_graded(tmp_path, capsys):
    """A student name holding a lone \\ud800 escape (no text can) is rejected with where it is,
    instead of crashing the results file; the other students are graded."""
    paths = write_class(CASE, 2, tmp_path / "in")
    data = json.loads(paths[0].read_text("utf-8"))
    data["student"]["name"] = "A\ud800B"
    paths[0].write_text(json.dumps(data), encoding="utf-8")  # json.dumps writes the half pair as an escape
    code = main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "results.csv")])
    err = capsys.readouterr().err
    assert code == 1 and f"rejected {paths[0]}" in err and "student.name" in err and "lone surrogate" in err
    with open(tmp_path / "results.csv", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 1


@pytest.mark.skipif(os.name != "posix", reason="file names that are not UTF-8 are a POSIX thing")
def test_a_file_name_that_is_not_utf8_is_graded_and_written_with_its_byte_escaped(tmp_path, capsys):
    """A file whose name holds a byte that is not UTF-8 (b"caf\\xe9"), with no student id inside
    (so the id comes from the name): it is graded, and the CSVs and messages write that byte as
    ``\\xe9`` instead of the grader crashing while writing the results."""
    paths = write_class(CASE, 2, tmp_path / "in")
    data = json.loads(paths[0].read_text("utf-8"))
    data["student"].pop("id", None)
    paths[0].write_text(json.dumps(data), encoding="utf-8")
    odd = os.path.join(os.fsencode(tmp_path / "in"), b"caf\xe9.json")
    os.rename(os.fsencode(paths[0]), odd)
    code = main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "results.csv")])
    assert code == 0, capsys.readouterr().err
    with open(tmp_path / "results.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    row = next(r for r in rows if "caf" in r["file"])
    assert row["file"].endswith("caf\\xe9.json") and row["student_id"] == "caf\\xe9"
    assert "caf\\xe9" in (tmp_path / "results-lms.csv").read_text("utf-8")
