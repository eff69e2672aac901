"""Where a case's answers file lives: one file per student and case, wherever the notebook is.

Kernels start in the notebook's own folder, so lessons (``notebooks/``), worksheets
(``exercises/``) and Voila would each see another "current folder". The answers file therefore
lives in the module's folder, the first folder above the notebook that holds both ``notebooks/``
and ``exercises/`` (the repository's root on a laptop, on Binder and in a JupyterHub home), unless
``$ATTRIBUTION_LAB_ANSWERS_DIR`` names another folder. This module is the one owner of that rule.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: Environment variable naming the folder for answers files (overrides the module's folder).
ANSWERS_DIR_ENV = "ATTRIBUTION_LAB_ANSWERS_DIR"
#: Environment variable set while ``make site`` builds the lessons as static pages: a lesson's panel
#: is then shown as text (a static page has no kernel to run it).
SITE_ENV = "ATTRIBUTION_LAB_SITE_BUILD"
#: The folders that together mark the module's folder, where the one answers file per case lives.
MODULE_FOLDERS = ("notebooks", "exercises")
def module_folder(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The module's folder: ``start`` (default: the current folder) or the first folder above it
    that holds both ``notebooks/`` and ``exercises/``; None when there is none.
    """
    here = Path(start if start is not None else os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if all((folder / name).is_dir() for name in MODULE_FOLDERS):
            return folder
    return None


def answers_folder(start: str | os.PathLike[str] | None = None) -> Path:
    """Where answers files live: ``$ATTRIBUTION_LAB_ANSWERS_DIR`` if set, else the module's folder
    (see :func:`module_folder`), else the current folder (a notebook copied out of the module).
    """
    named = os.environ.get(ANSWERS_DIR_ENV)
    if named:
        return Path(named)
    return module_folder(start) or Path(start if start is not None else os.getcwd()).resolve()


def answers_file_name(case_id: str) -> str:
    """The name of a case's answers file: ``answers-<case>.json``."""
    return f"answers-{case_id}.json"


_ANSWERS_FILE = re.compile(r"answers-([a-z][a-z0-9_]*)\.json")


def case_of_answers_file(name: str) -> str | None:
    """The case an answers file's name says it holds (``answers-<case>.json``), or None."""
    if not name.startswith("answers-"):  # most names in a class's folders: no pattern to match
        return None
    match = _ANSWERS_FILE.fullmatch(name)
    return match.group(1) if match else None


def default_answers_path(case_id: str, start: str | os.PathLike[str] | None = None) -> Path:
    """The one answers file of a case: ``answers-<case>.json`` in :func:`answers_folder`."""
    return answers_folder(start) / answers_file_name(case_id)


def old_answers_paths(path: Path) -> tuple[Path, ...]:
    """Where earlier versions saved this answers file: beside the lessons and the worksheets
    (``notebooks/answers-kursk.json``, ``exercises/answers-kursk.json``), under the same folder.
    """
    return tuple(path.parent / name / path.name for name in MODULE_FOLDERS)


__all__ = ["ANSWERS_DIR_ENV", "MODULE_FOLDERS", "SITE_ENV", "answers_folder", "default_answers_path", "module_folder", "old_answers_paths"]
