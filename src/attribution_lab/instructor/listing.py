"""Finding a class's answers files: every ``*.json`` file under the folders given, in a stable
(sorted) order, and every other file met with the reason it is skipped.

A folder's entries are sorted in memory when they are few (:data:`LISTING_IN_MEMORY`), else on
disk, so that a folder of 100,000 files costs no more memory than one of a thousand. Each entry's
kind comes from the listing itself (no system call per file, except for a symbolic link).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from ..storage.scratch import scratch_database


class Found(NamedTuple):
    """A file met while collecting: its path (as text, the way :class:`~pathlib.Path` writes it),
    why it is skipped (None: read it), the folder given on the command line it was found in (None
    for a file named on its own), and whether the folder's listing said it is a regular file (then
    it need not be asked again before it is opened).
    """

    path: str
    skip: str | None
    folder: Path | None = None
    regular: bool = False


#: Entries of one folder kept in memory to sort them; a folder with more is sorted on disk, so a
#: class of 100,000 files in one folder costs no more memory than one of a thousand.
LISTING_IN_MEMORY = 1024

_DIR, _JSON_REGULAR, _JSON, _OTHER = range(4)  # what a listing says of an entry


def _kind(entry: os.DirEntry[str]) -> int:
    try:
        if entry.is_dir(follow_symlinks=True):
            return _DIR
    except OSError:
        pass  # cannot be looked at: not a folder to go into; reading it will say why
    if not entry.name.lower().endswith(".json"):
        return _OTHER
    # The listing's own file type (no system call): a link or an unknown type is checked when opened.
    return _JSON_REGULAR if entry.is_file(follow_symlinks=False) else _JSON


class _Listings:
    """Each folder's entries sorted by name, ``(name, kind)``: in memory for a folder of up to
    :data:`LISTING_IN_MEMORY` entries, else through a scratch database (opened on first need,
    closed by :meth:`close`), read back a page at a time.

    Names are stored as UTF-8 that lets lone surrogates through (undecodable bytes of a file name),
    whose byte order is the order of the code points, the order ``sorted`` gives the names.
    """

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._db: sqlite3.Connection | None = None
        self._folders = 0

    def close(self) -> None:
        """Remove the scratch database, if one was needed."""
        self._stack.close()

    def sorted_entries(self, folder: str) -> Iterator[tuple[str, int]]:
        """Read the whole folder now (an OSError says it cannot be read), then give its entries in order."""
        with os.scandir(folder) as scan:
            first = [(e.name, _kind(e)) for e in islice(scan, LISTING_IN_MEMORY)]
            if len(first) < LISTING_IN_MEMORY:
                first.sort()
                return iter(first)
            db = self._database()
            self._folders += 1
            number = self._folders
            add = "INSERT INTO listing VALUES (?, ?, ?)"
            db.execute("BEGIN")
            try:
                db.executemany(add, ((number, name.encode("utf-8", "surrogatepass"), kind) for name, kind in first))
                del first
                while batch := [(number, e.name.encode("utf-8", "surrogatepass"), _kind(e)) for e in islice(scan, LISTING_IN_MEMORY)]:
                    db.executemany(add, batch)
            except BaseException:
                db.execute("DELETE FROM listing WHERE folder = ?", (number,))  # not journalled: undone by hand
                raise
            finally:
                db.execute("COMMIT")
        return self._pages(db, number)

    @staticmethod
    def _pages(db: sqlite3.Connection, number: int) -> Iterator[tuple[str, int]]:
        # A page at a time, each query finished before the caller goes on (it may list a sub-folder).
        last = b""
        while page := db.execute("SELECT name, kind FROM listing WHERE folder = ? AND name > ? ORDER BY name LIMIT ?",
                                 (number, last, LISTING_IN_MEMORY)).fetchall():
            last = page[-1][0]
            for name, kind in page:
                yield name.decode("utf-8", "surrogatepass"), kind
        db.execute("DELETE FROM listing WHERE folder = ?", (number,))

    def _database(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._stack.enter_context(scratch_database())
            self._db.execute("CREATE TABLE listing (folder INTEGER, name BLOB, kind INTEGER, PRIMARY KEY (folder, name)) WITHOUT ROWID")
        return self._db


def _child(folder: str, name: str) -> str:
    """The path of an entry of ``folder`` as ``Path(folder) / name`` writes it, without making the Path."""
    if folder == ".":
        return name
    return folder + name if folder.endswith(os.sep) else folder + os.sep + name


def _walk(folder: str, top: Path, seen: set[tuple[int, int]], listings: _Listings) -> Iterator[Found]:
    """Every file under ``folder``, sorted; symlinked sub-folders are followed once, and a folder
    met again (a symlink loop, or two links to one folder) is reported instead of read twice.
    """
    try:
        entries = listings.sorted_entries(folder)
    except OSError as error:
        yield Found(folder, f"folder cannot be read ({error.strerror or error}); its files were not read", top)
        return
    for name, kind in entries:
        path = _child(folder, name)
        if kind == _DIR:
            info = os.stat(path)
            if (info.st_dev, info.st_ino) in seen:
                yield Found(path, "a folder already read (a symlink loop or a second link); not read again", top)
                continue
            seen.add((info.st_dev, info.st_ino))
            yield from _walk(path, top, seen, listings)
        elif kind == _OTHER:
            yield Found(path, "not a .json file", top)
        else:
            yield Found(path, None, top, kind == _JSON_REGULAR)


def submission_files(paths: Iterable[str | Path]) -> Iterator[Found]:
    """Each answers file to grade, in a stable order, as ``Found(path, None, folder, regular)``;
    other files found in folders with the reason they are skipped. A folder is searched
    recursively for ``*.json`` (symlinked sub-folders followed once); a file named on its own is
    always read. Raises FileNotFoundError for a path that does not exist.
    """
    listings = _Listings()
    try:
        for given in paths:
            path = Path(given)
            if path.is_dir():
                info = os.stat(path)
                yield from _walk(str(path), path, {(info.st_dev, info.st_ino)}, listings)
            elif path.exists():
                yield Found(str(path), None, None)
            else:
                raise FileNotFoundError(str(path))
    finally:
        listings.close()


__all__ = ["LISTING_IN_MEMORY", "Found", "submission_files"]
