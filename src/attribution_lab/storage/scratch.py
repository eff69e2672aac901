"""A scratch database: an sqlite file in the temporary folder for what grows with a class (the
grader's index of files, a very large folder's listing), so memory stays the same whatever the
class's size. Nothing in it outlives the block that opened it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator

#: The temporary file's name starts with this, so a left-over one (after a power cut) is recognised.
SCRATCH_PREFIX = "attribution-lab-scratch-"


@contextlib.contextmanager
def scratch_database() -> Iterator[sqlite3.Connection]:
    """An empty sqlite database in a new temporary file, removed when the block ends, on an error too.

    The data is thrown away at the end, so nothing is journalled or synced: a crash loses only the
    scratch file. sqlite keeps its own page cache (a few megabytes at most) and writes the rest to
    the file, so memory does not grow with what is stored.
    """
    handle, name = tempfile.mkstemp(prefix=SCRATCH_PREFIX, suffix=".sqlite")
    os.close(handle)
    try:
        db = sqlite3.connect(name, isolation_level=None)  # transactions are begun and ended by the caller
        try:
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA temp_store = FILE")  # sorts too large for the cache go to disk, not memory
            yield db
        finally:
            db.close()
    finally:
        with contextlib.suppress(FileNotFoundError):  # already gone: nothing to remove
            os.unlink(name)


__all__ = ["SCRATCH_PREFIX", "scratch_database"]
