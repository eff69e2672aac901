"""The answers file on disk: one per student and case, saved atomically under a lock, never lost.

A student's answers live in one JSON file per case (``answers-kursk.json``), in the submission
format of :mod:`attribution_lab.core.submission`, read and written through
:mod:`attribution_lab.formats.answers`. This module is the thin file layer around them:

* :func:`default_answers_path` says where the file lives: in the module's folder (the first folder
  above the notebook that holds both ``notebooks/`` and ``exercises/``), so that lessons, worksheets
  and Voila, whose kernels start in different folders, all share one file.
* :class:`AnswersStore` loads it at start, merges in answers files left in the old places (the
  kernel's own folder), and saves every change as a merge into the file as it is on disk, under an
  inter-process lock (a hidden ``.answers-kursk.json.lock`` beside it), atomically (temporary file
  in the same folder, flush, fsync, rename). Two notebooks open on one case lose nothing.
* :func:`now_iso` is the clock every answer is stamped with.

A bad file is never overwritten before a copy of it has been set aside under a dated name
(``answers-kursk.json.bad-20250428-153000``); anything but a regular file (a pipe, a device, a
folder) is left alone and never waited on.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..core.case import Case
from ..core.submission import Submission, merge_submissions, new_submission
from ..errors import AttributionLabError, SubmissionError
from ..formats.answers import encode, mend_surrogates, parse_submission, salvage
from .files import NotRegularFileError, atomic_write, lock_path, read_regular
from .location import old_answers_paths

#: How long a save waits for another notebook to finish its own (seconds) before giving up for now.
LOCK_TIMEOUT = 10.0


def now_iso() -> str:
    """The current time in UTC, as stored in submissions. The only clock the answers use."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class StoreError(AttributionLabError):
    """The answers file cannot be written (the message says why, in plain words)."""


class LockError(StoreError):
    """Another notebook held the answers file's lock too long, or the lock file cannot be made."""


@dataclass
class Loaded:
    """What :meth:`AnswersStore.load` found: the answers to use, notes for the student, any backup."""

    submission: Submission
    notes: list[str] = field(default_factory=list)
    backup: Path | None = None


class AnswersStore:
    """One case's answers file: load at start, save on every change, backups of anything replaced.

    Every write happens under the file's lock (see :func:`lock_path`), so a change is always
    merged into the file as it is on disk, whichever notebook saved last.
    """

    def __init__(self, path: str | os.PathLike[str], case: Case) -> None:
        self.path = Path(path)
        self.case = case
        #: Why saving is refused, when a bad file could not be set aside (saving would destroy it).
        self.blocked: str | None = None
        #: True while the last save failed: the caller's answers in memory hold more than the file.
        self.unsaved = False
        self._lock: Any = None  # made at the first write: filelock imports asyncio (30 ms a lesson need not wait)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the answers file's lock; :class:`LockError` (with a plain message) when it cannot be had."""
        from filelock import FileLock, Timeout

        if self._lock is None:
            # One lock object per file in a process (is_singleton), so the store's nested writes
            # (load -> save, back up -> update) re-enter it instead of waiting on themselves.
            self._lock = FileLock(str(lock_path(self.path)), timeout=LOCK_TIMEOUT, thread_local=False, is_singleton=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise LockError(f"another notebook kept {self.path.name} busy for over {LOCK_TIMEOUT:g} seconds") from None
        except OSError as error:
            raise LockError(f"the lock file beside {self.path.name} could not be made ({error.strerror or error})") from None
        try:
            yield
        finally:
            self._lock.release()

    # -- reading ---------------------------------------------------------------------------

    def _read(self) -> bytes | None:
        """The file's bytes, or None when it does not exist. Raises OSError when it cannot be read."""
        return read_regular(self.path)

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

    def _temp_files(self) -> Iterator[Path]:
        """Temporary files of saves into this answers file (see :func:`atomic_write`)."""
        return self.path.parent.glob(f".{self.path.name}.*.tmp")

    def _remove_stale_temp_files(self, older_than: float = 60.0) -> None:
        """Delete temporary files left by saves that were killed half-way (see :func:`atomic_write`).

        Only files older than a minute go: a younger one may belong to a save that another notebook
        on the same answers file is making right now.
        """
        now = time.time()
        for temp in self._temp_files():
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
        (see :func:`salvage`) and saved, and the notes say what happened in plain words. Answers
        files left in the old places (:func:`old_answers_paths`) are then merged in once.
        """
        plain = self._load_with_nothing_to_write()
        if plain is not None:
            return plain
        try:
            with self._locked():
                loaded = self._load()
                self._merge_old_places(loaded)
                return loaded
        except LockError as error:
            # Read what is there; nothing is tidied or merged now, the next load will do it.
            current = self.read_valid()
            return Loaded(current or new_submission(self.case, now=now_iso()),
                          [f"Your answers were read, but {error}; answers left elsewhere are merged next time."])

    def _load_with_nothing_to_write(self) -> Loaded | None:
        """The answers, read without the lock, when loading has nothing to write; else None.

        That is the usual start: the file is missing, or valid and current, and no older answers
        file and no left-over temporary file waits to be tidied. Every save replaces the file in
        one rename (:func:`atomic_write`), so a read never sees half a file and needs no lock; the
        first save takes it. Skipping the lock here spares each lesson's first panel importing
        filelock (and asyncio with it) before anything is written.
        """
        if any(self._temp_files()):
            return None
        try:
            if any(os.path.lexists(old) for old in old_answers_paths(self.path) if old != self.path):
                return None
            raw = self._read()
        except OSError:
            return None
        if raw is None:
            return Loaded(new_submission(self.case, now=now_iso()))
        try:
            parsed = parse_submission(raw, self.case, self.path.name)
        except SubmissionError:
            return None
        return Loaded(parsed) if parsed.get("key_version") == self.case.key_version else None

    def _load(self) -> Loaded:
        name = self.path.name
        self._remove_stale_temp_files()
        try:
            raw = self._read()
        except OSError as error:
            self.blocked = f"the answers file {name} cannot be read ({error.strerror or error})"
            return Loaded(new_submission(self.case, now=now_iso()), [
                f"Your answers file {name} could not be read ({error.strerror or error}). "
                "It was left untouched; your new answers will not be saved to it."])
        if raw is None:
            return Loaded(new_submission(self.case, now=now_iso()))
        submission, notes, complete = self._decode(raw, name)
        if complete:
            return Loaded(submission)
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

    def _decode(self, raw: bytes, name: str) -> tuple[Submission, list[str], bool]:
        """The answers in ``raw``, notes on what could not be kept, and whether it was valid and current."""
        try:
            parsed = parse_submission(raw, self.case, name)
        except SubmissionError as error:
            problem: str | None = error.problems[0].message if error.problems else str(error)
            data: Any = self._lenient_json(raw)
        else:
            if parsed.get("key_version") == self.case.key_version:
                return parsed, [], True
            problem, data = None, parsed
        if data is _UNREADABLE:
            return new_submission(self.case, now=now_iso()), [f"It could not be read at all ({problem}), so you start with no answers."], False
        submission, notes = salvage(data, self.case, now=now_iso())
        if not notes and problem:
            notes = [f"Part of it could not be read ({problem})."]
        return submission, notes, False

    def _merge_old_places(self, loaded: Loaded) -> None:
        """Merge answers files left where earlier versions saved them into this one, then set each
        aside as ``<name>.merged-<time>`` so it is merged once; the notes name both files.
        """
        if self.blocked:
            return
        for old in old_answers_paths(self.path):
            if old == self.path:
                continue
            shown = f"{old.parent.name}/{old.name}"
            try:
                raw = read_regular(old)
            except OSError as error:
                loaded.notes.append(f"An older answers file {shown} could not be read ({error.strerror or error}); it was left as it is.")
                continue
            if raw is None:
                continue
            theirs, _notes, _complete = self._decode(raw, old.name)
            if not theirs["answers"]:
                continue
            merged = merge_submissions(theirs, loaded.submission)
            try:
                self.save(merged)
            except (OSError, StoreError) as error:
                loaded.notes.append(f"The answers in {shown} could not be merged into {self.path.name} yet ({error}); "
                                    "that file was kept and is merged the next time.")
                continue
            loaded.submission = merged
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = old.with_name(f"{old.name}.merged-{stamp}")
            try:
                os.replace(old, aside)
            except OSError:
                loaded.notes.append(f"The answers in {shown} were merged into {self.path.name} in {self.path.parent}; "
                                    "that file could not be renamed, so merging it again next time changes nothing.")
                continue
            loaded.notes.append(
                f"Answers saved earlier in {shown} were merged into {self.path.name} in {self.path.parent}, the one "
                f"answers file that lessons and worksheets now share; the old file was kept as {old.parent.name}/{aside.name}.")

    @staticmethod
    def _lenient_json(raw: bytes) -> Any:
        try:
            # a lone surrogate is why such a file was refused: mended, the rest can be kept and saved
            return mend_surrogates(json.loads(raw.decode("utf-8-sig")))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _UNREADABLE

    def latest(self, fallback: Submission) -> tuple[Submission, list[str]]:
        """The answers to build the next change on: the file's, if valid, else ``fallback``.

        Re-reading before every change (under the lock) lets two notebooks on the same case add to
        one file instead of overwriting each other. If the file went bad since it was loaded, it is
        copied aside and ``fallback`` (the answers in memory) is used; the notes say so.
        """
        current = self.read_valid()
        if current is not None:
            return current, []
        if self.blocked or not self.path.exists():
            return fallback, []  # a deleted file is written again from memory
        try:
            if not self.path.is_file():
                raise NotRegularFileError(0, "it is not a regular file any more")
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
        """Save the answers atomically. Raises :class:`StoreError` or OSError when it cannot.

        :attr:`unsaved` says afterwards whether the file lacks these answers.
        """
        try:
            if self.blocked:
                raise StoreError(f"not saved: {self.blocked}")
            with self._locked():
                atomic_write(self.path, encode(submission))
        except BaseException:
            self.unsaved = True
            raise
        self.unsaved = False

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
        try:
            with self._locked():
                backup = self.backup(reason) if self.path.exists() else None
                try:
                    self.save(submission)
                except (OSError, StoreError) as error:
                    return backup, error
                return backup, None
        except LockError as error:
            raise OSError(0, str(error)) from None

    def update_with_backup(
        self, reason: str, change: Callable[[Submission], Submission], fallback: Submission
    ) -> tuple[Submission, list[str], Path | None]:
        """Back up the answers file as ``<name>.<reason>-<time>``, then :meth:`update` it.

        Raises OSError when the backup cannot be made: then nothing is changed.
        """
        try:
            with self._locked():
                backup = self.backup(reason) if self.path.exists() else None
                result, notes = self.update(change, fallback)
                return result, notes, backup
        except LockError as error:
            raise OSError(0, str(error)) from None

    def update(self, change: Callable[[Submission], Submission], fallback: Submission) -> tuple[Submission, list[str]]:
        """Apply ``change`` to the answers as they are on disk and save the result, under the lock.

        Returns the new answers and notes for the student. Saving problems become notes, never
        exceptions: the answers stay in memory (:attr:`unsaved` is True) and can still be downloaded.
        """
        try:
            with self._locked():
                base, notes = self.latest(fallback)
                result = change(base)
                self._save_noting(result, notes)
        except LockError as error:
            base, notes = self.latest(fallback)
            result = change(base)
            self.unsaved = True
            notes.append(f"Your answers were not saved yet: {error}. They are kept here and saved with your next "
                         "change; Download my answers has them all.")
        return result, notes

    def _save_noting(self, submission: Submission, notes: list[str]) -> None:
        """:meth:`save`, with a failure turned into a note for the student."""
        try:
            self.save(submission)
        except StoreError as error:
            notes.append(f"Your answers are {error}. Use Download my answers to keep them.")
        except OSError as error:
            notes.append(
                f"Your answers could not be saved to {self.path} ({error.strerror or error}). "
                "Use Download my answers to keep them."
            )


_UNREADABLE = object()


__all__ = [
    "LOCK_TIMEOUT",
    "AnswersStore",
    "Loaded",
    "LockError",
    "StoreError",
    "now_iso",
]
