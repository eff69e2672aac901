"""The answers file on disk: saved atomically on every change, and never lost when it goes bad.

A student's answers live in one JSON file per case (``answers-kursk.json``), in the submission
format of :mod:`attribution_lab.core.submission`, read and written through
:mod:`attribution_lab.formats.answers`. This module is the thin file layer around them:

* :func:`default_answers_path` says where the file lives.
* :class:`AnswersStore` loads it at start, saves it atomically (temporary file in the same folder,
  flush, fsync, rename), re-reads it before each change so that two notebooks open on the same case
  do not overwrite each other's answers, and owns "back up, then replace" (:meth:`AnswersStore.replace`).
* :func:`now_iso` is the clock every answer is stamped with.

A bad file is never overwritten before a copy of it has been set aside under a dated name
(``answers-kursk.json.bad-20250428-153000``).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..core.case import Case
from ..core.submission import Submission, new_submission
from ..errors import AttributionLabError, SubmissionError
from ..formats.answers import encode, parse_submission, salvage
from ..formats.limits import MAX_SUBMISSION_BYTES

#: Environment variable naming the folder for answers files (default: the current folder).
ANSWERS_DIR_ENV = "ATTRIBUTION_LAB_ANSWERS_DIR"


def now_iso() -> str:
    """The current time in UTC, as stored in submissions. The only clock the answers use."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def default_answers_path(case_id: str) -> Path:
    """Where a case's answers file lives: ``$ATTRIBUTION_LAB_ANSWERS_DIR`` if set, else the current folder."""
    folder = os.environ.get(ANSWERS_DIR_ENV) or os.getcwd()
    return Path(folder) / f"answers-{case_id}.json"


class StoreError(AttributionLabError):
    """The answers file cannot be written (the message says why, in plain words)."""


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
        on the same answers file is making right now.
        """
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
            return Loaded(new_submission(self.case, now=now_iso()), [f"Your answers file {name} could not be read ({error.strerror or error}). "
                                                        "It was left untouched; your new answers will not be saved to it."])
        if raw is None:
            return Loaded(new_submission(self.case, now=now_iso()))
        data: Any
        problem: str | None
        try:
            parsed = parse_submission(raw, self.case, name)
        except SubmissionError as error:
            problem = error.problems[0].message if error.problems else str(error)
            data = self._lenient_json(raw)
        else:
            if parsed.get("key_version") == self.case.key_version:
                return Loaded(parsed)
            problem, data = None, parsed
        if data is _UNREADABLE:
            submission, notes = new_submission(self.case, now=now_iso()), [f"It could not be read at all ({problem}), so you start with no answers."]
        else:
            submission, notes = salvage(data, self.case, now=now_iso())
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
            return fallback, [
                f"The answers file {self.path.name} was changed outside this panel and could not be copied aside, "
                "so it is left untouched and your answers are not being saved. Use Download my answers to keep them."
            ]
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

    def replace(self, submission: Submission, reason: str) -> tuple[Path | None, Exception | None]:
        """Back up the answers file as ``<name>.<reason>-<time>``, then save ``submission`` over it.

        Returns the backup's path (None when there was no file to back up) and the error that kept
        the new answers from being saved (None when they were saved; the backup is kept either way).
        Raises OSError when the backup cannot be made: then nothing is changed.
        """
        backup = self.backup(reason) if self.path.exists() else None
        try:
            self.save(submission)
        except (OSError, StoreError) as error:
            return backup, error
        return backup, None

    def update_with_backup(
        self, reason: str, change: Callable[[Submission], Submission], fallback: Submission
    ) -> tuple[Submission, list[str], Path | None]:
        """Back up the answers file as ``<name>.<reason>-<time>``, then :meth:`update` it.

        Raises OSError when the backup cannot be made: then nothing is changed.
        """
        backup = self.backup(reason) if self.path.exists() else None
        result, notes = self.update(change, fallback)
        return result, notes, backup

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


__all__ = [
    "ANSWERS_DIR_ENV",
    "AnswersStore",
    "Loaded",
    "StoreError",
    "atomic_write",
    "default_answers_path",
    "now_iso",
]
