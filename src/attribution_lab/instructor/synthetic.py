"""Sample class data: valid answers files from invented students, for trying the grader and report.

Every synthetic file is marked as such where the schema has room for it: the student id is
``synthetic-0001``, the name ``Synthetic student 1`` and the file ``synthetic-0001.json``.
:func:`write_class` refuses a folder that holds anything else, so invented answers are never mixed
with a real class.

How the invented students err, so the report has something to show:

* each student has an ability (the chance of a right answer), drawn between weak and strong;
* statements the key finds debatable are harder: those with accepted alternatives for a field, an
  "uncertain" note, or a red flag other than the key's most common one (the ordinary case);
* the first try is worse than the final answer: a wrong first try is often corrected after Check;
* a few statements are left unanswered.

Everything is drawn from one seeded generator: the same case, size and seed give the same class.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..core.case import FIELDS, Case, Statement
from ..core.submission import FORMAT, SCHEMA_VERSION, Submission
from ..formats.answers import encode
from ..storage.cases import load_case

SYNTHETIC_PREFIX = "synthetic-"
#: The class's first save, so generated timestamps do not depend on today's date.
_START = datetime(2025, 5, 5, 9, 0, tzinfo=timezone.utc)


def synthetic_id(number: int) -> str:
    """The id of synthetic student ``number`` (1-based): ``synthetic-0001``."""
    return f"{SYNTHETIC_PREFIX}{number:04d}"


def is_synthetic(submission: Any) -> bool:
    """True for a submission written by this module (by its student id and name)."""
    if not isinstance(submission, dict) or not isinstance(submission.get("student"), dict):
        return False
    sid, name = submission["student"].get("id"), submission["student"].get("name")
    return isinstance(sid, str) and sid.startswith(SYNTHETIC_PREFIX) and isinstance(name, str) and name.startswith("Synthetic student ")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _ordinary_flag(case: Case) -> Any:
    found = _ORDINARY.get(id(case))
    if found is None or found[0] is not case:
        found = (case, Counter(s.answers["red_flag"] for s in case.statements).most_common(1)[0][0])
        _ORDINARY[id(case)] = found
    return found[1]


_ORDINARY: dict[int, tuple[Case, Any]] = {}


def _hard_fields(case: Case, statement: Statement) -> set[str]:
    """Fields of a statement where the key itself admits doubt, so students err more often."""
    ordinary_flag = _ordinary_flag(case)
    hard = {f for f in FIELDS if statement.accepted[f]}
    if statement.uncertain:
        hard |= {"origin", "believable"}
    if statement.answers["red_flag"] != ordinary_flag:
        hard |= {"red_flag", "reported_right"}
    return hard


def _right(statement: Statement, field: str, rng: random.Random) -> Any:
    """The key's answer, or now and then one of its accepted alternatives."""
    options = [statement.answers[field]] + [a.answer for a in statement.accepted[field]]
    choice = options[0] if rng.random() < 0.8 else rng.choice(options)
    return list(choice) if field == "chain" else choice


def _wrong(case: Case, statement: Statement, field: str, rng: random.Random, tempting: Mapping[tuple[str, str], Any] | None = None) -> Any:
    """A plausible wrong answer: most often the class's tempting mistake for this statement and field,
    else another label, or for the chain a link dropped or added.
    """
    if tempting and (statement.id, field) in tempting and rng.random() < 0.5:
        choice = tempting[(statement.id, field)]
        return list(choice) if field == "chain" else choice
    labels = list(case.labels(field))
    if field == "chain":
        chain = list(statement.answers["chain"])
        if len(chain) > 1 and rng.random() < 0.6:
            chain.pop(rng.randrange(len(chain)))
        else:
            extra = [label for label in labels if label not in chain]
            if extra:
                chain.insert(rng.randrange(len(chain) + 1), rng.choice(extra))
        return chain
    taken = {statement.answers[field], *(a.answer for a in statement.accepted[field])}
    wrong = [label for label in labels if label not in taken]
    return rng.choice(wrong) if wrong else statement.answers[field]


def tempting_mistakes(case: Case, rng: random.Random) -> dict[tuple[str, str], Any]:
    """One tempting wrong answer per statement and field, shared by the class: real classes err
    together (a misread cue misleads many), which is what the agreement charts must show.
    """
    return {(s.id, f): _wrong(case, s, f, rng) for s in case.statements for f in FIELDS}


def generate_student(
    case: Case, number: int, rng: random.Random, tempting: Mapping[tuple[str, str], Any] | None = None
) -> Submission:
    """One synthetic student's valid answers file (``tempting``: see :func:`tempting_mistakes`)."""
    ability = rng.uniform(0.5, 0.97)
    persistence = rng.uniform(0.3, 0.9)  # how often a wrong first try is put right after Check
    moment = _START + timedelta(minutes=rng.randrange(0, 60 * 24 * 3))
    created = moment
    answers: dict[str, Any] = {}
    for statement in case.statements:
        if rng.random() < 0.03:
            continue  # left unanswered
        hard = _hard_fields(case, statement)
        first: dict[str, Any] = {}
        current: dict[str, Any] = {}
        attempts = 1
        for field in FIELDS:
            chance = ability * (0.75 if field in hard else 1.0)
            if rng.random() < chance:
                first[field] = _right(statement, field, rng)
                current[field] = first[field]
            else:
                first[field] = _wrong(case, statement, field, rng, tempting)
                if rng.random() < persistence * ability:
                    current[field] = _right(statement, field, rng)
                    attempts += 1
                else:
                    current[field] = first[field]
        moment += timedelta(seconds=rng.randrange(20, 240))
        first_checked = moment
        if attempts > 1:
            moment += timedelta(seconds=rng.randrange(10, 120) * (attempts - 1))
        answers[statement.id] = {
            "current": current,
            "first": first,
            "attempts": attempts,
            "first_checked": _stamp(first_checked),
            "last_checked": _stamp(moment),
            "updated": _stamp(moment),
        }
    return {
        "format": FORMAT,
        "schema_version": SCHEMA_VERSION,
        "case_id": case.id,
        "key_version": case.key_version,
        "student": {"id": synthetic_id(number), "name": f"Synthetic student {number}"},
        "created": _stamp(created),
        "updated": _stamp(moment),
        "answers": answers,
    }


def generate_class(case: Case | str, n: int, seed: int = 0) -> list[Submission]:
    """``n`` synthetic students' answers files for a case (a Case or a case id), the same for the same seed."""
    if isinstance(case, str):
        case = load_case(case)
    if n < 0:
        raise ValueError("n must be 0 or more")
    rng = random.Random(seed)
    tempting = tempting_mistakes(case, rng)
    return [generate_student(case, number, rng, tempting) for number in range(1, n + 1)]


def _holds_only_synthetic(folder: Path) -> list[Path]:
    """Files in a folder that are not synthetic answers files (empty when it is safe to write)."""
    foreign = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if not (path.name.startswith(SYNTHETIC_PREFIX) and path.suffix == ".json"):
            foreign.append(path)
            continue
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            foreign.append(path)
            continue
        if not is_synthetic(data):
            foreign.append(path)
    return foreign


def write_class(case: Case | str, n: int, folder: str | Path, seed: int = 0) -> list[Path]:
    """Write ``n`` synthetic answers files into ``folder`` (created if needed); returns their paths.

    Refuses (ValueError) a folder holding anything but synthetic answers files, so invented answers
    never sit beside a real class. Files are written one at a time, so a large class needs little
    memory.
    """
    folder = Path(folder)
    if folder.exists():
        if not folder.is_dir():
            raise ValueError(f"{folder} is a file, not a folder")
        foreign = _holds_only_synthetic(folder)
        if foreign:
            raise ValueError(
                f"{folder} already holds files that are not synthetic answers (such as {foreign[0].name}); "
                "synthetic answers are only written into an empty folder or one holding synthetic answers only"
            )
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(case, str):
        case = load_case(case)
    rng = random.Random(seed)
    tempting = tempting_mistakes(case, rng)
    paths = []
    for number in range(1, n + 1):
        submission = generate_student(case, number, rng, tempting)
        path = folder / f"{submission['student']['id']}.json"
        path.write_bytes(encode(submission))  # exactly as the panel saves answers files
        paths.append(path)
    return paths


__all__ = ["SYNTHETIC_PREFIX", "generate_class", "generate_student", "is_synthetic", "synthetic_id", "tempting_mistakes", "write_class"]
