"""Nothing lost: the answers file survives a kernel killed at any moment.

A real Jupyter kernel (jupyter_client's KernelManager, started in a temporary folder) creates a
classification Panel and answers statements as fast as it can, printing ``ACK n`` after each save
returns. The test SIGKILLs the kernel process at a random moment. Afterwards the answers file must
be valid (it passes the answers-file checks) and hold exactly the answers of some moment at or after
the last acknowledged one: every acknowledged answer is there, and nothing is garbled.

Kernel start-up costs about two seconds, so the trials are split honestly:
``KERNEL_TRIALS`` trials in real kernels (10 in the thorough profile CI runs, 3 otherwise), and
``PROCESS_TRIALS`` (50, always) more in plain Python processes
running the same Panel code (a process killed by SIGKILL dies the same way a kernel does; the
kernel trials show nothing about Jupyter changes that). The figures are printed at the end.

Also at kernel level: a corrupt answers file found when a Panel starts is set aside under a dated
``.bad-`` name with its bytes intact, the notice says so, and a valid file replaces it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from budget import THOROUGH
from kernels import print_figures as _print
from kernels import start_kernel as _start_kernel
from kernels import stop_kernel as _stop_kernel
from kernels import stream as _stream

from attribution_lab.core.case import FIELDS, Case
from attribution_lab.formats.answers import parse_submission
from attribution_lab.storage.cases import load_case

pytestmark = pytest.mark.slow

# Real kernels cost about two seconds each: 3 by default, 10 in the thorough profile that CI runs.
KERNEL_TRIALS = 10 if THOROUGH else 3
PROCESS_TRIALS = 50
PARALLEL_PROCESSES = 2
SEQUENCE_LENGTH = 4000  # far more choices than fit before the kill: the loop never finishes
KILL_AFTER = (0.0, 0.6)  # seconds after the first acknowledgement

CASE: Case = load_case("kursk")
ANSWERS = "answers-kursk.json"

#: What the child runs: a Panel on every field, answering the given sequence of choices.
CHILD_CODE = """
import json
from pathlib import Path
from attribution_lab.student.panel import Panel
from attribution_lab.core.case import FIELDS
sequence = json.loads(Path({sequence!r}).read_text())
panel = Panel(case="kursk", fields=FIELDS, answers_path={path!r})
print("READY", flush=True)
for n, (sid, field, value) in enumerate(sequence):
    if panel.current != sid:
        panel.select(sid)
    panel.choose(field, value)
    print(f"ACK {{n}}", flush=True)
"""


def _child_code(folder: Path, sequence: list) -> str:
    """The child's code, with the sequence in a file beside the answers (too long for a command line)."""
    (folder / "sequence.json").write_text(json.dumps(sequence), "utf-8")
    return CHILD_CODE.format(sequence=str(folder / "sequence.json"), path=str(folder / ANSWERS))


def _sequence(rng: random.Random) -> list[tuple[str, str, Any]]:
    """Random choices: a statement, a field, and a label (a list of intermediaries for the chain)."""
    choices = []
    for _ in range(SEQUENCE_LENGTH):
        sid = rng.choice(CASE.statement_ids)
        name = rng.choice(FIELDS)
        labels = list(CASE.labels(name))
        value: Any = rng.sample(labels, rng.randint(1, 3)) if name == "chain" else rng.choice(labels)
        choices.append((sid, name, value))
    return choices


def _canonical(answers: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Answers with chains as sorted tuples (the panel stores them in vocabulary order)."""
    return {
        sid: {f: tuple(sorted(v)) if f == "chain" else v for f, v in fields.items()}
        for sid, fields in answers.items()
        if fields
    }


def _states(sequence: list[tuple[str, str, Any]]) -> Iterator[tuple[int, dict]]:
    """(m, the current answers after the first m choices), for m = 0, 1, 2, ..."""
    state: dict[str, dict[str, Any]] = {}
    yield 0, _canonical(state)
    for m, (sid, name, value) in enumerate(sequence, start=1):
        state.setdefault(sid, {})[name] = value
        yield m, _canonical(state)


@dataclass
class Figures:
    """What the trials found, printed at the end."""

    trials: int = 0
    acknowledged: int = 0
    lost: int = 0
    invalid_files: int = 0
    unsaved_but_done: int = 0  # saves that landed after the last acknowledgement (not losses)
    leftover_temp_files: int = 0
    notes: list[str] = field(default_factory=list)


def _verify(folder: Path, sequence: list, acked: int, figures: Figures, label: str) -> None:
    """The file after a kill: valid, and equal to the answers after m choices for some m >= acked."""
    figures.trials += 1
    figures.acknowledged += acked
    path = folder / ANSWERS
    figures.leftover_temp_files += len(list(folder.glob(f".{ANSWERS}.*.tmp")))
    assert not list(folder.glob(f"{ANSWERS}.bad-*")), f"{label}: a kill left a file the panel found bad"
    if not path.exists():
        assert acked == 0, f"{label}: {acked} answers acknowledged but no answers file"
        return
    raw = path.read_bytes()
    try:
        data = parse_submission(raw, CASE, str(path))
    except Exception:
        figures.invalid_files += 1
        raise
    on_disk = _canonical({sid: entry["current"] for sid, entry in data["answers"].items()})
    for m, state in _states(sequence):
        if m >= acked and state == on_disk:
            figures.unsaved_but_done += m - acked
            return
        if m > acked + 50:
            break
    figures.lost += 1
    expected = dict(_states(sequence[:acked]))[acked] if acked else {}
    missing = {
        (sid, f): v for sid, fields in expected.items() for f, v in fields.items() if on_disk.get(sid, {}).get(f) != v
    }
    pytest.fail(f"{label}: after {acked} acknowledged answers the file differs; wrong or missing: {missing}")


# --------------------------------------------------------------------------------------------
# Plain processes, forked from one that has imported the package once (importing takes a second or
# two; forking takes milliseconds). Each forked process creates its own Panel and appends "ACK n"
# to a file with one unbuffered write after each save returns, then is killed with SIGKILL.

FORK_SERVER = """
import json, os, sys
from pathlib import Path
from attribution_lab.student.panel import Panel
from attribution_lab.core.case import FIELDS
print("READY", flush=True)
for line in sys.stdin:
    folder = Path(line.strip())
    pid = os.fork()
    if pid == 0:
        try:
            sequence = json.loads((folder / "sequence.json").read_text())
            acks = os.open(folder / "acks.txt", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            panel = Panel(case="kursk", fields=FIELDS, answers_path=str(folder / {answers!r}))
            for n, (sid, field, value) in enumerate(sequence):
                if panel.current != sid:
                    panel.select(sid)
                panel.choose(field, value)
                os.write(acks, f"ACK {{n}}\\n".encode())
        finally:
            os._exit(3)
    print(pid, flush=True)
    os.waitpid(pid, 0)
    print("DONE", flush=True)
"""


class ForkServer:
    """A Python process that forks one panel process per trial."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", FORK_SERVER.format(answers=ANSWERS)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1,
        )
        assert self.readline() == "READY"

    def readline(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            pytest.fail(f"the fork server ended: {self.process.stderr.read()[-2000:] if self.process.stderr else ''}")
        return line.strip()

    def trial(self, folder: Path, rng: random.Random) -> tuple[list, int]:
        """Fork a panel process answering a random sequence, SIGKILL it at a random moment; returns
        the sequence and how many choices were acknowledged."""
        assert self.process.stdin is not None
        sequence = _sequence(rng)
        (folder / "sequence.json").write_text(json.dumps(sequence), "utf-8")
        acks_file = folder / "acks.txt"
        self.process.stdin.write(f"{folder}\n")
        self.process.stdin.flush()
        pid = int(self.readline())
        kill_at, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline:
            now = time.monotonic()
            if kill_at is None and acks_file.exists() and b"ACK " in acks_file.read_bytes():
                kill_at = now + rng.uniform(*KILL_AFTER)
            if kill_at is not None and now >= kill_at:
                break
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
        assert self.readline() == "DONE"
        acks = [int(line.split()[1]) for line in acks_file.read_text().splitlines() if line.startswith("ACK ")]
        assert acks == list(range(len(acks)))
        assert len(acks) < len(sequence), "the loop finished before the kill; lengthen the sequence"
        return sequence, len(acks)

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


def _kernel_trial(folder: Path, rng: random.Random) -> tuple[list, int]:
    """Run the panel loop in a real kernel and SIGKILL the kernel process at a random moment."""
    sequence = _sequence(rng)
    kernel = _start_kernel(folder)
    try:
        kernel.client.execute(_child_code(folder, sequence))
        text = _stream(kernel, lambda t: "ACK " in t, timeout=60)
        assert "ACK " in text, f"the kernel never acknowledged an answer: {text[-2000:]}"
        kill_at = time.monotonic() + rng.uniform(*KILL_AFTER)
        text += _stream(kernel, lambda t: time.monotonic() >= kill_at, timeout=KILL_AFTER[1] + 5)
        os.kill(kernel.pid, signal.SIGKILL)
        text += _stream(kernel, lambda t: False, timeout=0.3)  # what was sent before the kill
    finally:
        _stop_kernel(kernel)
    acks = [int(line.split()[1]) for line in text.splitlines() if line.startswith("ACK ")]
    assert acks == list(range(len(acks)))
    return sequence, len(acks)


def test_answers_survive_sigkill(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """KERNEL_TRIALS real kernels and PROCESS_TRIALS processes, each killed with SIGKILL at a random
    moment while saving answers as fast as it can: every file is valid and no acknowledged answer is
    lost."""
    seed = int(os.environ.get("KILL_TRIALS_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    kernel_figures, process_figures = Figures(), Figures()
    started = time.monotonic()
    for n in range(KERNEL_TRIALS):
        folder = tmp_path / f"kernel-{n}"
        folder.mkdir()
        sequence, acked = _kernel_trial(folder, rng)
        _verify(folder, sequence, acked, kernel_figures, f"kernel trial {n} (seed {seed})")
    kernel_seconds = time.monotonic() - started
    # Two fork servers run side by side (the trials wait on the clock more than on the machine).
    seeds = [rng.randrange(2**32) for _ in range(PROCESS_TRIALS)]

    def process_trials(first: int) -> list[tuple[int, Path, list, int]]:
        server, done = ForkServer(), []
        try:
            for n in range(first, PROCESS_TRIALS, PARALLEL_PROCESSES):
                folder = tmp_path / f"process-{n}"
                folder.mkdir()
                done.append((n, folder, *server.trial(folder, random.Random(seeds[n]))))
        finally:
            server.close()
        return done

    with ThreadPoolExecutor(max_workers=PARALLEL_PROCESSES) as pool:
        results = [item for batch in pool.map(process_trials, range(PARALLEL_PROCESSES)) for item in batch]
    for n, folder, sequence, acked in sorted(results, key=lambda item: item[0]):
        _verify(folder, sequence, acked, process_figures, f"process trial {n} (seed {seed})")
    seconds = time.monotonic() - started
    lines = [f"\nkill trials (seed {seed}), {seconds:.0f} s in all ({kernel_seconds:.0f} s for the kernels):"]
    for name, figures in (("real kernels", kernel_figures), ("plain processes", process_figures)):
        lines.append(
            f"  {name}: {figures.trials} trials, {figures.acknowledged} answers acknowledged, "
            f"answers lost: {figures.lost}, invalid files: {figures.invalid_files}, "
            f"saves done but not yet acknowledged: {figures.unsaved_but_done}, "
            f"temporary files left behind: {figures.leftover_temp_files}"
        )
    _print(request, "\n".join(lines))
    assert kernel_figures.trials == KERNEL_TRIALS and process_figures.trials == PROCESS_TRIALS
    assert kernel_figures.acknowledged > 0 and process_figures.acknowledged > 0, "no answer was ever saved"
    assert kernel_figures.lost == process_figures.lost == 0


def test_corrupt_file_at_kernel_start_is_set_aside(tmp_path: Path) -> None:
    """A Panel started in a real kernel on a corrupt answers file (as a kill in another program or a
    bad edit might leave it) keeps the bad bytes in a dated .bad- copy, says so in its notice, and
    writes a valid file; the corrupt bytes are never overwritten without that copy."""
    good = tmp_path / "good"
    good.mkdir()
    code = _child_code(good, _sequence(random.Random(7))[:30])
    subprocess.run([sys.executable, "-c", code], cwd=good, check=True, capture_output=True, timeout=120)
    corrupt = (good / ANSWERS).read_bytes()[:-40]  # cut off mid-way, as a non-atomic write would
    (tmp_path / ANSWERS).write_bytes(corrupt)
    kernel = _start_kernel(tmp_path)
    try:
        kernel.client.execute(
            "from attribution_lab.student.panel import Panel\n"
            "from attribution_lab.core.case import FIELDS\n"
            f"panel = Panel(case='kursk', fields=FIELDS, answers_path={str(tmp_path / ANSWERS)!r})\n"
            "print('NOTICE', panel.notice_html, flush=True)\n"
        )
        text = _stream(kernel, lambda t: "NOTICE" in t and t.endswith("\n"), timeout=60)
    finally:
        _stop_kernel(kernel)
    backups = list(tmp_path.glob(f"{ANSWERS}.bad-*"))
    assert len(backups) == 1, text
    assert backups[0].read_bytes() == corrupt
    assert backups[0].name in text, text
    parse_submission((tmp_path / ANSWERS).read_bytes(), CASE, ANSWERS)
