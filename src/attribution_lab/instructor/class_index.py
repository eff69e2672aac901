"""The grader's index of a class, on disk: one record per accepted file (its student, the times
that rank it, its path, and its two CSV lines), so memory does not grow with the class.

Which file of a student counts is :func:`~attribution_lab.instructor.collect.newest_first`'s
rule, applied to each student with several files as they are read back; a student with one file
is never ranked at all. The records live in a scratch database
(:func:`~attribution_lab.storage.scratch.scratch_database`) removed when grading ends, an error
included.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from itertools import groupby
from operator import itemgetter
from types import TracebackType

from ..core.submission import Submission, updated_rank
from ..storage.scratch import scratch_database
from .collect import Duplicate, FileRank, duplicate_of, newest_first

#: Records written to the database together (held in memory meanwhile).
BATCH = 512


def _key(text: str) -> bytes:
    # A student id from a file name, or a path, may hold lone surrogates (bytes of a name that are
    # not UTF-8); 'surrogatepass' stores them and gives them back, and equal texts stay equal.
    return text.encode("utf-8", "surrogatepass")


def _text(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")


def _by_order(answers: Callable[[str], Submission | None], paths: dict[int, str]) -> Callable[[int], Submission | None]:
    """The submission of a read order, by its path."""
    return lambda order: answers(paths[order])


class ClassIndex:
    """Every accepted file in read order, for duplicates, merging and writing the kept rows out.

    Use as a context manager: the scratch database is removed when the block ends.
    """

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._batch: list[tuple[int, bytes, str, float, bytes, float, str, str]] = []
        self._count = 0
        self._loading = True
        self._merge_orders: dict[str, list[tuple[int, str]]] = {}

    def __enter__(self) -> ClassIndex:
        self._db = self._stack.enter_context(scratch_database())
        self._db.execute("CREATE TABLE files (ord INTEGER PRIMARY KEY, student BLOB, updated TEXT, mtime REAL, path BLOB,"
                         " points REAL, results TEXT, lms TEXT)")
        self._db.execute("CREATE TABLE set_aside (ord INTEGER PRIMARY KEY)")
        self._db.execute("BEGIN")  # one transaction for the whole class: nothing is synced per file
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._stack.close()

    def add(self, student: str, updated: str, mtime: float, path: str, points: float, results: str, lms: str) -> int:
        """Record the next accepted file (its read order is returned): whose it is, its "updated"
        time and modification time, its path, its points and its results and LMS lines.
        """
        order = self._count
        self._count += 1
        self._batch.append((order, _key(student), updated, mtime, _key(path), points, results, lms))
        if len(self._batch) >= BATCH:
            self._flush()
        return order

    def _flush(self) -> None:
        self._db.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", self._batch)
        self._batch.clear()

    def _loaded(self) -> None:
        if self._loading:
            self._flush()
            self._db.execute("COMMIT")
            self._db.execute("CREATE INDEX files_by_student ON files (student)")
            self._loading = False

    def duplicates(self, merge: bool = False, answers: Callable[[str], Submission | None] | None = None) -> list[Duplicate]:
        """Each student with more than one file, in the order their first file was read, as
        :meth:`~attribution_lab.instructor.collect.Newest.duplicates` gives them: ``answers`` gives
        the submission of a path, to compare a student's files. The files not graded are set aside
        from :meth:`kept_rows`; with ``merge``, :meth:`merge_order` gives a merged student's files.
        """
        self._loaded()
        found = []
        rows = self._db.execute(
            "SELECT f.student, f.ord, f.updated, f.mtime, f.path FROM files AS f JOIN"
            " (SELECT student, min(ord) AS first FROM files GROUP BY student HAVING count(*) > 1) AS d"
            " ON f.student = d.student ORDER BY d.first, f.ord")
        for key, group in groupby(rows, key=itemgetter(0)):
            files: list[FileRank] = [(*updated_rank(updated, mtime), _text(path), order) for _, order, updated, mtime, path in group]
            paths = {f[3]: f[2] for f in files}
            student = _text(key)
            duplicate = duplicate_of(student, files, merge, _by_order(answers, paths) if answers else None)
            ordered = newest_first(files)
            self._db.executemany("INSERT INTO set_aside VALUES (?)", [(f[3],) for f in ordered[1:]])
            if duplicate.merged:
                self._merge_orders[student] = [(f[3], f[2]) for f in reversed(ordered)]
            found.append(duplicate)
        return found

    def merge_order(self, student: str) -> list[tuple[int, str]]:
        """A merged student's files as ``(read order, path)``, oldest first (the order to merge them in)."""
        return self._merge_orders[student]

    def kept_rows(self) -> Iterator[tuple[int, float, str, str]]:
        """Each file that counts, in read order: ``(read order, points, results line, LMS line)``,
        read from disk one at a time.
        """
        self._loaded()
        yield from self._db.execute(
            "SELECT ord, points, results, lms FROM files WHERE ord NOT IN (SELECT ord FROM set_aside) ORDER BY ord")


__all__ = ["BATCH", "ClassIndex"]
