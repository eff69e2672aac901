"""Nothing lost with two or three notebooks open: concurrent writers on one answers file.

Each writer answers its own field of every statement, round after round, pressing Check each
time, and notes every answer whose save returned without a problem ("acknowledged"). Afterwards
the file must hold, for every writer, statement and field, the last acknowledged answer as the
current one and the first acknowledged answer as the first try. Without the answers file's lock
two processes lost 12-33 of 100 answers this way.

Writers are plain processes forked from the test (two and three at once, through the store as the
panel uses it) and two real Jupyter kernels started with no answers folder set, one in
``notebooks/`` running a lesson's panel and one in ``exercises/`` running a worksheet, as a student
with a lesson and its worksheet open would. The counts are printed.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from kernels import print_figures, start_kernel, stop_kernel, stream

from attribution_lab.core.case import Case
from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.formats.answers import parse_submission
from attribution_lab.storage.answers_store import AnswersStore, now_iso
from attribution_lab.storage.cases import load_case
from attribution_lab.storage.location import ANSWERS_DIR_ENV
from attribution_lab.student import lessons

pytestmark = pytest.mark.slow

CASE: Case = load_case("kursk")
ANSWERS = "answers-kursk.json"
ROUNDS = 6
#: One field per writer: the answers of different writers meet in the same statements' entries.
WRITER_FIELDS = ("origin", "claim_type", "believable")


def _value(field: str, writer: int, round_: int, sid: str) -> str:
    """A label for the round: different in every round, so a lost answer shows as an older one."""
    labels = sorted(CASE.labels(field))
    return labels[(round_ + writer + CASE.statement_ids.index(sid)) % len(labels)]


def _write(path: str, writer: int, field: str, acks: str, seed: int) -> None:
    """One writer process: every statement, every round, one Check through the store."""
    rng = random.Random(seed)
    store = AnswersStore(path, CASE)
    memory = store.load().submission
    with open(acks, "w", encoding="utf-8") as out:
        for round_ in range(ROUNDS):
            for sid in CASE.statement_ids:
                value = _value(field, writer, round_, sid)
                memory, notes = store.update(lambda sub, s=sid, v=value: record_check(CASE, sub, s, {field: v}, now=now_iso()), memory)
                if not store.unsaved and not notes:
                    out.write(json.dumps([sid, field, value]) + "\n")
                    out.flush()
                time.sleep(rng.uniform(0, 0.004))


def _count(path: Path, acknowledged: list[list[tuple[str, str, str]]], checked: tuple[bool, ...] | None = None) -> tuple[int, int, list[str]]:
    """(answers acknowledged, answers lost, what was lost) for the file at ``path``. ``checked`` says
    per writer whether its answers were checked (so have first tries) or only saved (default: all checked).
    """
    data = parse_submission(path.read_bytes(), CASE, path.name)
    count, lost, missing = 0, 0, []
    for n, acks in enumerate(acknowledged):
        count += len(acks)
        last: dict[tuple[str, str], str] = {}
        first: dict[tuple[str, str], str] = {}
        for sid, field, value in acks:
            last[(sid, field)] = value
            first.setdefault((sid, field), value)
        for (sid, field), value in last.items():
            entry = data["answers"].get(sid, {})
            if entry.get("current", {}).get(field) != value:
                lost += 1
                missing.append(f"{sid} {field}: {value!r} acknowledged last, file has {entry.get('current', {}).get(field)!r}")
            if (checked is None or checked[n]) and entry.get("first", {}).get(field) != first[(sid, field)]:
                lost += 1
                missing.append(f"{sid} {field}: first try {first[(sid, field)]!r}, file has {entry.get('first', {}).get(field)!r}")
    return count, lost, missing


@pytest.mark.parametrize("writers", [2, 3])
def test_concurrent_processes_lose_no_acknowledged_answer(tmp_path: Path, writers: int, request: pytest.FixtureRequest) -> None:
    """Two and three processes answering at once, each its own field of all 21 statements, six
    rounds: every acknowledged answer is the file's current answer, every first try is kept."""
    path = tmp_path / ANSWERS
    fork = multiprocessing.get_context("fork")
    acks = [tmp_path / f"acks-{n}.jsonl" for n in range(writers)]
    processes = [fork.Process(target=_write, args=(str(path), n, WRITER_FIELDS[n], str(acks[n]), 1000 + n)) for n in range(writers)]
    started = time.monotonic()
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=300)
        assert process.exitcode == 0, f"a writer failed (exit {process.exitcode})"
    seconds = time.monotonic() - started
    acknowledged = [[tuple(json.loads(line)) for line in file.read_text("utf-8").splitlines()] for file in acks]
    count, lost, missing = _count(path, acknowledged)
    print_figures(request, f"\nconcurrent writers: {writers} processes, {count} answers acknowledged, answers lost: {lost} ({seconds:.1f} s)")
    assert count == writers * ROUNDS * len(CASE.statement_ids), "every save should have worked"
    assert lost == 0, "\n".join(missing[:20])


#: The lesson's kernel: the origin panel of lesson 02, created as the lesson's cell creates it.
PANEL_CODE = """
import json, random, time
from attribution_lab.storage.cases import load_case
from attribution_lab.student import lessons
case = load_case("kursk")
panel = lessons.panel(case, "02")
rng = random.Random(1)
labels = sorted(case.labels("origin"))
print("PATH", panel.store.path, flush=True)
for round_ in range({rounds}):
    for n, sid in enumerate(panel.statement_ids):
        value = labels[(round_ + n) % len(labels)]
        panel.select(sid)
        panel.choose("origin", value)
        panel.check()
        if not panel.model.save_failed:
            print("ACK", json.dumps([sid, "origin", value]), flush=True)
        time.sleep(rng.uniform(0, 0.05))
print("DONE", flush=True)
"""

#: The worksheet's kernel: worksheet 03's text interface on the lessons' case, one statement saved at
#: a time, as a student re-running a cell would.
WORKSHEET_CODE = """
import contextlib, io, json, random, time
from attribution_lab.student.worksheets import Worksheet
worksheet = Worksheet("kursk", lesson="03")
rng = random.Random(2)
labels = sorted(worksheet.case.labels("believable"))
print("PATH", worksheet.answers_path, flush=True)
for round_ in range({rounds}):
    for n, sid in enumerate(worksheet.statement_ids):
        value = labels[(round_ + 2 * n) % len(labels)]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            worksheet.answer("believable", {{sid: value}})
        if "1 answers saved" in printed.getvalue() and "could not be saved" not in printed.getvalue():
            print("ACK", json.dumps([sid, "believable", value]), flush=True)
        time.sleep(rng.uniform(0, 0.05))
print("DONE", flush=True)
"""


def test_a_lesson_and_a_worksheet_open_at_once_share_one_file_and_lose_nothing(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """Two real kernels, started with no answers folder set in ``notebooks/`` and ``exercises/`` of
    a module folder, answer at once (pauses of 0-50 ms): both write ``answers-kursk.json`` in the
    module's folder, and no acknowledged answer or first try is lost."""
    module = tmp_path / "module"
    for name in ("notebooks", "exercises"):
        (module / name).mkdir(parents=True)
    rounds = 3
    lesson = start_kernel(tmp_path, cwd=module / "notebooks", unset=(ANSWERS_DIR_ENV,))
    try:
        worksheet = start_kernel(tmp_path, cwd=module / "exercises", unset=(ANSWERS_DIR_ENV,))
        try:
            started = time.monotonic()
            lesson.client.execute(PANEL_CODE.format(rounds=rounds))
            worksheet.client.execute(WORKSHEET_CODE.format(rounds=rounds))
            outputs: dict[str, str] = {"lesson": "", "worksheet": ""}
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not all("DONE" in text for text in outputs.values()):
                for name, kernel in (("lesson", lesson), ("worksheet", worksheet)):
                    if "DONE" not in outputs[name]:
                        outputs[name] += stream(kernel, lambda text: text != "", timeout=0.05)
            seconds = time.monotonic() - started
        finally:
            stop_kernel(worksheet)
    finally:
        stop_kernel(lesson)
    assert all("DONE" in text for text in outputs.values()), {name: text[-1500:] for name, text in outputs.items()}
    paths = {line.split(" ", 1)[1] for text in outputs.values() for line in text.splitlines() if line.startswith("PATH ")}
    assert paths == {str(module.resolve() / ANSWERS)}, f"the two notebooks used different files: {paths}"
    acknowledged = [[tuple(json.loads(line[4:])) for line in text.splitlines() if line.startswith("ACK ")] for text in outputs.values()]
    count, lost, missing = _count(module / ANSWERS, acknowledged, checked=(True, False))  # the worksheet checks nothing
    print_figures(request, f"\nconcurrent writers: 2 real kernels (lesson 02 panel, worksheet 03), {count} answers acknowledged, "
                           f"answers lost: {lost} ({seconds:.1f} s)")
    asked = len(lessons.lesson("02").statement_ids(CASE)) + len(lessons.lesson("03").statement_ids(CASE))
    assert count == rounds * asked, "every save should have worked"
    assert lost == 0, "\n".join(missing[:20])
    assert not (module / "notebooks" / ANSWERS).exists() and not (module / "exercises" / ANSWERS).exists()


def _holds_lock(path: str, ready: Any, release: Any) -> None:
    """Hold the answers file's lock, as a notebook in the middle of a very slow save would."""
    store = AnswersStore(path, CASE)
    with store._locked():
        ready.set()
        release.wait(60)


@contextmanager
def another_notebook_holding_the_lock(path: Path) -> Iterator[None]:
    """While the block runs, another process holds the answers file's lock; released afterwards."""
    fork = multiprocessing.get_context("fork")
    ready, release = fork.Event(), fork.Event()
    holder = fork.Process(target=_holds_lock, args=(str(path), ready, release))
    holder.start()
    try:
        assert ready.wait(30), "the other process never took the lock"
        yield
    finally:
        release.set()
        holder.join(30)


def test_a_lock_held_too_long_keeps_the_answers_in_memory_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """When another notebook holds the lock past the timeout, the change is kept in memory, the
    store says it is unsaved with a plain message, and the next change saves both."""
    from attribution_lab.storage import answers_store

    monkeypatch.setattr(answers_store, "LOCK_TIMEOUT", 0.3)
    path = tmp_path / ANSWERS
    with another_notebook_holding_the_lock(path):
        store = AnswersStore(path, CASE)
        first, second = CASE.statement_ids[:2]
        memory = new_submission(CASE, now=now_iso())
        memory, notes = store.update(lambda sub: record_check(CASE, sub, first, {"origin": "writer"}, now=now_iso()), memory)
        assert store.unsaved and memory["answers"][first]["current"] == {"origin": "writer"}
        assert any("another notebook kept answers-kursk.json busy" in note for note in notes), notes
        assert not path.exists()
    memory, notes = store.update(lambda sub: record_check(CASE, sub, second, {"origin": "writer"}, now=now_iso()), memory)
    assert not store.unsaved and notes == []
    saved = parse_submission(path.read_bytes(), CASE, path.name)
    assert set(saved["answers"]) == {first, second}


def test_the_panel_saves_what_a_held_lock_kept_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the panel's model: an answer given while another notebook held the lock is saved
    with the next change, so the file ends with both."""
    from attribution_lab.storage import answers_store
    from attribution_lab.student.panel_model import PanelModel

    monkeypatch.setattr(answers_store, "LOCK_TIMEOUT", 0.3)
    path = tmp_path / ANSWERS
    model = PanelModel.open(CASE, ["origin"], None, path)
    with another_notebook_holding_the_lock(path):
        model.choose("origin", "writer")
        assert model.save_failed and any("busy" in note for note in model.notes)
    first = model.current
    model.next()
    model.choose("origin", "writer")
    assert not model.save_failed and model.saved_again
    saved = parse_submission(path.read_bytes(), CASE, path.name)
    assert saved["answers"][first]["current"] == {"origin": "writer"}
    assert saved["answers"][model.current]["current"] == {"origin": "writer"}
    assert os.path.exists(tmp_path / f".{ANSWERS}.lock")
