"""The answers file on disk: saved atomically on every change, and never lost when it goes bad.

A student's answers live in one JSON file per case (``answers-kursk.json``), in the submission
format of :mod:`attribution_lab.submission`. This module is the thin file layer around it:

* :func:`default_answers_path` says where the file lives.
* :class:`AnswersStore` loads it at start, saves it atomically (temporary file in the same folder,
  flush, fsync, rename), keeps backups, and re-reads it before each change so that two notebooks
  open on the same case do not overwrite each other's answers.
* :func:`salvage` is the pure part: from whatever a bad file held, keep every answer that is still
  valid for the case and say in plain words what was dropped and why.
* :func:`clear_answers` is the pure part of "Start over".

A bad file is never overwritten before a copy of it has been set aside under a dated name
(``answers-kursk.json.bad-20250428-153000``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .case import FIELD_NAMES, FIELDS, Case
from .engine import normalise
from .errors import AttributionLabError, SubmissionError
from .submission import (
    FORMAT,
    MAX_SUBMISSION_BYTES,
    SCHEMA_VERSION,
    Submission,
    new_submission,
    now_iso,
    parse_submission,
    submission_problems,
)

#: Environment variable naming the folder for answers files (default: the current folder).
ANSWERS_DIR_ENV = "ATTRIBUTION_LAB_ANSWERS_DIR"

_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})$")
_MAX_TEXT = 200  # the submission schema's limit for a student's name and id
_MAX_ATTEMPTS = 1_000_000


def default_answers_path(case_id: str) -> Path:
    """Where a case's answers file lives: ``$ATTRIBUTION_LAB_ANSWERS_DIR`` if set, else the current folder."""
    folder = os.environ.get(ANSWERS_DIR_ENV) or os.getcwd()
    return Path(folder) / f"answers-{case_id}.json"


class StoreError(AttributionLabError):
    """The answers file cannot be written (the message says why, in plain words)."""


# --------------------------------------------------------------------------------------------
# Pure functions


def _is_time(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= 40 and bool(_TIME.match(value))


def _stored(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def salvage(data: Any, case: Case) -> tuple[Submission, list[str]]:
    """Keep every answer in ``data`` (a parsed answers file) that is valid for ``case``.

    Returns a submission that passes :func:`~attribution_lab.submission.submission_problems` and a
    list of plain sentences saying what was changed or dropped and why (empty when nothing was).
    Answers for another case are not mixed in: the result is then empty and a note says so. The
    result is always stamped with the case's current key version.
    """
    notes: list[str] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return new_submission(case), ["It is not an Attribution Lab answers file, so no answers could be taken from it."]
    if data.get("case_id") != case.id:
        return new_submission(case), [
            f"It holds answers for another case ({_shown(data.get('case_id'))}), not for {case.id!r}: "
            "you start with no answers for this case."
        ]
    if data.get("schema_version") != SCHEMA_VERSION:
        notes.append(
            f"It was written in format version {_shown(data.get('schema_version'))}; this version reads "
            f"{SCHEMA_VERSION}. Every answer that could still be read was kept."
        )
    if data.get("key_version") != case.key_version:
        notes.append(
            f"The answers were given against version {_shown(data.get('key_version'))} of the key; the key is "
            f"now version {case.key_version}. Answers whose labels still exist were kept and are checked "
            "against the current key."
        )

    student = data.get("student") if isinstance(data.get("student"), dict) else {}
    kept_student = {}
    for part in ("id", "name"):
        value = student.get(part, "")
        if not isinstance(value, str):
            notes.append(f"The student {part} {_shown(value)} is not text and was left out.")
            value = ""
        elif len(value) > _MAX_TEXT:
            notes.append(f"The student {part} was longer than {_MAX_TEXT} characters and was shortened.")
            value = value[:_MAX_TEXT]
        kept_student[part] = value
    created = data.get("created") if _is_time(data.get("created")) else None
    result = new_submission(case, student_id=kept_student["id"], student_name=kept_student["name"], now=created)
    if _is_time(data.get("updated")):
        result["updated"] = data["updated"]

    answers = data.get("answers")
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        notes.append("Its answers were not a mapping of statements to answers, so none could be read.")
        answers = {}
    known = set(case.statement_ids)
    unknown_ids: list[str] = []
    dropped: list[str] = []
    for sid, entry in answers.items():
        if sid not in known:
            unknown_ids.append(str(sid)[:20])
            continue
        if not isinstance(entry, dict):
            dropped.append(f"{sid} (not a set of answers)")
            continue
        kept: dict[str, Any] = {"current": {}, "first": {}, "attempts": 0}
        for which in ("current", "first"):
            values = entry.get(which, {})
            if not isinstance(values, dict):
                dropped.append(f"{sid} {which} answers (not a set of answers)")
                continue
            for name, value in values.items():
                if name not in FIELDS:
                    dropped.append(f"{sid} {_shown(name)} (not a field)")
                    continue
                try:
                    answer = normalise(case, name, value, sid)
                except (AttributionLabError, TypeError, ValueError, AttributeError):
                    label = "first try" if which == "first" else "answer"
                    dropped.append(f"{sid} {FIELD_NAMES[name]} {label} {_shown(value)}")
                    continue
                if answer is not None:
                    kept[which][name] = _stored(answer)
        attempts = entry.get("attempts", 0)
        if isinstance(attempts, int) and not isinstance(attempts, bool) and 0 <= attempts <= _MAX_ATTEMPTS:
            kept["attempts"] = attempts
        # A first-try answer exists only because Check was pressed at least once.
        if kept["first"] and kept["attempts"] == 0:
            kept["attempts"] = 1
        for stamp in ("first_checked", "last_checked", "updated"):
            if _is_time(entry.get(stamp)):
                kept[stamp] = entry[stamp]
        if kept["current"] or kept["first"] or kept["attempts"]:
            result["answers"][sid] = kept
    if unknown_ids:
        notes.append(
            f"Answers for {', '.join(unknown_ids)} were dropped: the case has no such statement "
            f"(it has {case.statement_ids[0]} to {case.statement_ids[-1]})."
        )
    if dropped:
        notes.append(
            "These answers were dropped because they are not labels of the current key: " + "; ".join(dropped) + "."
        )
    if submission_problems(result, case):  # cannot happen by construction; never hand on an invalid file
        return new_submission(case), [*notes, "What was left could still not be read, so you start with no answers."]
    return result, notes


def clear_answers(submission: Submission, statement_ids: Iterable[str], fields: Iterable[str]) -> Submission:
    """A copy with the given fields of the given statements cleared (current and first-try answers).

    Answers to other statements and other fields (from other lessons) are kept. A statement left
    with no answer at all is removed, attempts and all.
    """
    ids, names = set(statement_ids), set(fields)
    result = json.loads(json.dumps(submission))
    for sid in list(result.get("answers", {})):
        if sid not in ids:
            continue
        entry = result["answers"][sid]
        for which in ("current", "first"):
            entry[which] = {f: v for f, v in entry.get(which, {}).items() if f not in names}
        if not entry["current"] and not entry["first"]:
            del result["answers"][sid]
    result["updated"] = now_iso()
    return result


def encode(submission: Submission) -> bytes:
    """The answers file's bytes: indented UTF-8 JSON ending in a newline."""
    return (json.dumps(submission, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# Files


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that the file is always either the old or the new content.

    A temporary file in the same folder is written, flushed and fsynced, then renamed over the
    target (``os.replace`` is atomic on one file system). On any error the temporary file is removed
    and the old file is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.chmod(temp_name, path.stat().st_mode & 0o777)  # keep the old file's permissions
        except OSError:
            os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable; not possible on every system
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(folder)
    except OSError:
        pass
    finally:
        os.close(folder)


@dataclass
class Loaded:
    """What :meth:`AnswersStore.load` found: the answers to use, notes for the student, any backup."""

    submission: Submission
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None


class AnswersStore:
    """One case's answers file: load at start, save on every change, backups of anything replaced."""

    def __init__(self, path: str | os.PathLike[str], case: Case) -> None:
        self.path = Path(path)
        self.case = case
        #: Why saving is refused, when a bad file could not be set aside (saving would destroy it).
        self.blocked: str | None = None

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> bytes | None:
        """The file's bytes, or None when it does not exist. Raises OSError when it cannot be read."""
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return None
        if size > MAX_SUBMISSION_BYTES:
            # parse_submission refuses it with a clear message; do not read a huge file into memory.
            return b" " * (MAX_SUBMISSION_BYTES + 1)
        return self.path.read_bytes()

    def read_valid(self) -> Submission | None:
        """The file's answers if it exists and is a valid, current answers file for the case, else None."""
        try:
            raw = self._read()
            if raw is None:
                return None
            data = parse_submission(raw, self.case, self.path.name)
        except (OSError, SubmissionError):
            return None
        return data if data.get("key_version") == self.case.key_version else None

    def _remove_stale_temp_files(self, older_than: float = 60.0) -> None:
        """Delete temporary files left by saves that were killed half-way (see :func:`atomic_write`).

        Only files older than a minute go: a younger one may belong to a save that another notebook
        on the same answers file is making right now."""
        now = time.time()
        for temp in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            try:
                if now - temp.stat().st_mtime > older_than:
                    temp.unlink()
            except OSError:
                pass  # gone already, or not ours to remove: harmless either way

    def load(self) -> Loaded:
        """Load the answers at start. Never raises for a bad file and never discards one.

        A missing file gives empty answers. A file that is valid for the case and its current key is
        used as it is. Anything else (corrupt JSON, another case, an older key, unknown statements or
        labels) is copied aside to a dated ``.bad-`` backup, whatever is still valid is kept
        (see :func:`salvage`) and saved, and the notes say what happened in plain words.
        """
        name = self.path.name
        self._remove_stale_temp_files()
        try:
            raw = self._read()
        except OSError as error:
            self.blocked = f"the answers file {name} cannot be read ({error.strerror or error})"
            return Loaded(new_submission(self.case), [f"Your answers file {name} could not be read ({error.strerror or error}). "
                                                        "It was left untouched; your new answers will not be saved to it."])
        if raw is None:
            return Loaded(new_submission(self.case))
        try:
            data = parse_submission(raw, self.case, name)
        except SubmissionError as error:
            problem = error.problems[0].message if error.problems else str(error)
            data = None
        else:
            problem = None
            if data.get("key_version") == self.case.key_version:
                return Loaded(data)
        if data is None:
            data = self._lenient_json(raw)
        if data is _UNREADABLE:
            submission, notes = new_submission(self.case), [f"It could not be read at all ({problem}), so you start with no answers."]
        else:
            submission, notes = salvage(data, self.case)
            if not notes and problem:
                notes = [f"Part of it could not be read ({problem})."]
        try:
            backup = self.backup("bad")
        except OSError as error:
            self.blocked = f"the bad answers file {name} could not be copied aside ({error.strerror or error})"
            return Loaded(submission, [
                f"Your answers file {name} has problems, and it could not be copied aside "
                f"({error.strerror or error}), so it was left untouched and your answers will not be saved to it. "
                "Use Download my answers to keep them.", *notes])
        intro = f"Your answers file {name} had problems. The original was kept as {backup.name}."
        loaded = Loaded(submission, [intro, *notes], backup)
        try:
            self.save(submission)
        except (OSError, StoreError) as error:
            loaded.notes.append(f"What could be kept was not saved ({error}).")
        return loaded

    @staticmethod
    def _lenient_json(raw: bytes) -> Any:
        try:
            return json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _UNREADABLE

    def latest(self, fallback: Submission) -> tuple[Submission, list[str]]:
        """The answers to build the next change on: the file's, if valid, else ``fallback``.

        Re-reading before every change lets two notebooks on the same case add to one file instead
        of overwriting each other. If the file went bad since it was loaded, it is copied aside and
        ``fallback`` (the answers in memory) is used; the notes say so.
        """
        current = self.read_valid()
        if current is not None:
            return current, []
        if self.blocked or not self.path.exists():
            return fallback, []  # a deleted file is written again from memory
        try:
            backup = self.backup("bad")
        except OSError as error:
            self.blocked = f"the answers file {self.path.name} changed and could not be copied aside ({error.strerror or error})"
            return fallback, [f"The answers file {self.path.name} was changed outside this panel and could not be copied aside, so it is left untouched and your answers are not being saved. Use Download my answers to keep them."]
        return fallback, [
            f"The answers file {self.path.name} was changed outside this panel and could not be read; "
            f"that version was kept as {backup.name}, and your answers from this panel were saved."
        ]

    # -- writing ---------------------------------------------------------------------------

    def save(self, submission: Submission) -> None:
        """Save the answers atomically. Raises :class:`StoreError` or OSError when it cannot."""
        if self.blocked:
            raise StoreError(f"not saved: {self.blocked}")
        atomic_write(self.path, encode(submission))

    def backup(self, reason: str) -> Path:
        """Copy the answers file aside as ``<name>.<reason>-YYYYMMDD-HHMMSS`` and return the copy's path.

        The name never replaces an earlier backup. Raises OSError when the copy fails.
        """
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.{reason}-{stamp}")
        n = 1
        while target.exists():
            n += 1
            target = self.path.with_name(f"{self.path.name}.{reason}-{stamp}-{n}")
        shutil.copy2(self.path, target)
        return target

    def update(self, change: Callable[[Submission], Submission], fallback: Submission) -> tuple[Submission, list[str]]:
        """Apply ``change`` to the latest answers and save the result at once.

        Returns the new answers and notes for the student. Saving problems become notes, never
        exceptions: the answers stay in memory and can still be downloaded.
        """
        base, notes = self.latest(fallback)
        result = change(base)
        try:
            self.save(result)
        except StoreError as error:
            notes.append(f"Your answers are {error}. Use Download my answers to keep them.")
        except OSError as error:
            notes.append(
                f"Your answers could not be saved to {self.path} ({error.strerror or error}). "
                "Use Download my answers to keep them."
            )
        return result, notes


_UNREADABLE = object()


def restore_position(submission: Submission, statement_ids: Iterable[str]) -> str | None:
    """The statement the student worked on last, among ``statement_ids`` (None if none was touched).

    Derived from the answers' own time stamps, so no extra file is needed; a tie goes to the
    statement later in the article.
    """
    answers: Mapping[str, Any] = submission.get("answers", {})
    best: tuple[str, int] | None = None
    chosen = None
    for index, sid in enumerate(statement_ids):
        stamp = answers.get(sid, {}).get("updated")
        if isinstance(stamp, str) and (best is None or (stamp, index) >= best):
            best, chosen = (stamp, index), sid
    return chosen


__all__ = [
    "ANSWERS_DIR_ENV",
    "AnswersStore",
    "Loaded",
    "StoreError",
    "atomic_write",
    "clear_answers",
    "default_answers_path",
    "encode",
    "restore_position",
    "salvage",
]
