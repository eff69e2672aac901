"""How long a lesson's first panel takes in a fresh kernel, beside the floor of any notebook with
widgets and plots: ``import ipywidgets, matplotlib`` alone.

A script, not a test: it prints figures. Run it from the project folder:

    .venv/bin/python benchmarks/first_cell.py [--runs 5] [--notebook notebooks/02_who_said_it.ipynb ...]

Each run starts two fresh kernels in ``notebooks/`` (as JupyterLab does) and times, from the
execute request to its reply, (a) the floor: ``%matplotlib inline`` and ``import ipywidgets,
matplotlib``; (b) the lesson's code cells up to and including its first panel (the case line,
the imports and ``load_case``, and the panel). The kernels' start-up is not counted: every
notebook pays it. Goal: (b) at most 1.3 times (a). By default two lessons are timed: 02, whose
first cells draw no figure (so import no matplotlib), and 05, which draws a figure before its
panel. It also times the command line beside ``python -c pass``:
``attribution-lab --help`` and each sub-command's ``--help``; goal: each under 0.3 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from jupyter_client.manager import start_new_kernel

from attribution_lab.cli import command_names

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "%matplotlib inline\nimport ipywidgets, matplotlib"


def lesson_cells(notebook: Path) -> list[str]:
    """The notebook's code cells up to and including the first that shows a panel."""
    cells = []
    for cell in json.loads(notebook.read_text("utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        cells.append(source)
        if "panel(" in source or "Worksheet(" in source:
            return cells
    raise SystemExit(f"{notebook}: no cell shows a panel")


def seconds_to_run(cells: list[str]) -> float:
    """Seconds a fresh kernel in notebooks/ takes to run ``cells`` one after another."""
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"))
    try:
        start = time.perf_counter()
        for code in cells:
            reply = client.execute_interactive(code, timeout=120, output_hook=lambda _msg: None)
            if reply["content"]["status"] != "ok":
                raise SystemExit(f"a cell failed: {reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        return time.perf_counter() - start
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def command_seconds(command: list[str], runs: int) -> float:
    """The median wall time of a command (output discarded)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    """Run the measurements, interleaved, and print medians and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--notebook", action="append", help="a lesson to time (repeat for more); default: 02 and 05")
    args = parser.parse_args()
    notebooks = args.notebook or ["notebooks/02_who_said_it.ipynb", "notebooks/05_numbers_and_estimates.ipynb"]
    cells = {name: lesson_cells(ROOT / name) for name in notebooks}
    floor: list[float] = []
    lessons: dict[str, list[float]] = {name: [] for name in notebooks}
    for _ in range(args.runs):  # interleaved, so that a busy moment weighs on all alike
        floor.append(seconds_to_run([FLOOR]))
        for name in notebooks:
            lessons[name].append(seconds_to_run(cells[name]))
    f = statistics.median(floor)
    figures: dict[str, object] = {"floor_s": round(f, 3)}
    for name, times in lessons.items():
        s = statistics.median(times)
        print(f"First panel of {name}: {s:.2f} s (median of {args.runs}; fastest {min(times):.2f}) "
              f"| floor, import ipywidgets + matplotlib: {f:.2f} s | ratio {s / f:.2f} (goal <= 1.3: {'met' if s / f <= 1.3 else 'NOT met'})")
        figures[Path(name).stem] = {"first_panel_s": round(s, 3), "ratio": round(s / f, 2)}
    bare = command_seconds([sys.executable, "-c", "pass"], args.runs)
    cli = command_seconds([sys.executable, "-m", "attribution_lab.cli", "--help"], args.runs)
    print(f"Command line: attribution-lab --help {cli:.2f} s | python -c pass {bare:.2f} s "
          f"(goal < 0.3 s: {'met' if cli < 0.3 else 'NOT met'})")
    # Every sub-command starts too: its --help parses everything and imports what its module needs.
    starts = {name: command_seconds([sys.executable, "-m", "attribution_lab.cli", name, "--help"], args.runs)
              for name in command_names()}
    slowest = max(starts, key=starts.__getitem__)
    print(f"              every sub-command's --help: {min(starts.values()):.2f} to {starts[slowest]:.2f} s "
          f"(slowest: {slowest}) (goal < 0.3 s for each: {'met' if starts[slowest] < 0.3 else 'NOT met'})")
    figures["cli_s"] = round(cli, 3)
    figures["slowest_command_s"] = {slowest: round(starts[slowest], 3)}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
