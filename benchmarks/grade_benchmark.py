"""How fast is grading a class, and what does it cost next to running a notebook per student?

A script, not a test: it prints figures. Run it from the project folder:

    .venv/bin/python benchmarks/grade_benchmark.py            # 10,000 students (about a minute)
    .venv/bin/python benchmarks/grade_benchmark.py --students 2000 --notebooks 3

It writes a synthetic class into a temporary folder, then measures in one run:

1. grading every file (``grade_files``, the same function as ``attribution-lab grade``):
   submissions per second, on one core (the grader is single-threaded), beside the floor: opening,
   reading and decoding the same files with the grader's decoder (msgspec into the case's structs,
   which check the frame as they decode) and doing nothing else; the floor with the full check's
   decoder (json.loads) is printed beside it;
2. peak Python memory while grading 1,000 and all N students (tracemalloc, a separate pass, since
   tracing slows the code it watches), and how much a fresh process's peak resident memory grows
   while grading them (which also counts C allocations); grading streams, so the peak should
   barely grow. ``--students 100000`` measures a class of 100,000;
3. the class report (statistics, four figures, the summary page) for 1,000 students, in a running
   process (its imports done once before) and as the command an instructor runs (a new process);
4. the other way to grade: executing one small notebook per submission with nbclient. A few are
   run and the per-submission cost extrapolated; the ratio of the two costs is printed.

Goals: the grader at most 1.5 times the floor and >= 10,000 submissions/s on one core; peak memory
within 10% from 1,000 students to N; the report for 1,000 students under 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from attribution_lab.instructor.collect import read_class
from attribution_lab.instructor.results import grade_files
from attribution_lab.instructor.synthetic import write_class
from attribution_lab.storage.cases import load_case


def _grade(folder: Path, case, out: Path) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds to grade a folder, and the students graded.

    CPU time is what grading costs on one core; on a busy machine the wall clock also counts the
    time other programs held the core, so both are printed."""
    start, cpu = time.perf_counter(), time.process_time()
    summary = grade_files([folder], case, out / "results.csv", out / "results-lms.csv")
    return time.perf_counter() - start, time.process_time() - cpu, summary.students


def _floor(folder: Path, decode) -> float:
    """CPU seconds to open, read and decode every file of a folder with ``decode``, and nothing else."""
    files = sorted(folder.iterdir())
    cpu = time.process_time()
    for path in files:
        with open(path, "rb") as handle:
            decode(handle.read())
    return time.process_time() - cpu


RSS_CODE = """\
import resource, sys
from pathlib import Path
from attribution_lab.instructor.results import grade_files
from attribution_lab.storage.cases import load_case

def peak_kb():
    # VmHWM is this process's own peak; ru_maxrss on Linux also carries the peak of the process
    # that started it (kept across exec), which would hide the grader's.
    try:
        with open("/proc/self/status") as status:
            return int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
case = load_case(sys.argv[2])
out = Path(sys.argv[3])
before = peak_kb()
grade_files([Path(sys.argv[1])], case, out / "rss.csv", out / "rss-lms.csv", force=True)
print(before, peak_kb())
"""


def _rss_growth(folder: Path, case_id: str, out: Path) -> tuple[float, float]:
    """A fresh process's peak resident memory (MB) after its imports and after grading a folder:
    what tracemalloc cannot see (memory of C libraries) is counted too. Linux gives kB. Grading
    that stays under the peak the imports left adds nothing to it."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", RSS_CODE, str(folder), case_id, str(out)],
                          capture_output=True, text=True, check=True)
    before, after = done.stdout.split()[-2:]
    return int(before) / 1000, int(after) / 1000


def _peak_memory(folder: Path, case, out: Path) -> float:
    tracemalloc.start()
    tracemalloc.reset_peak()
    grade_files([folder], case, out / "traced.csv", out / "traced-lms.csv")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


NOTEBOOK_CODE = """\
from pathlib import Path
from attribution_lab.storage.cases import load_case
from attribution_lab.core.submission import score_submission
from attribution_lab.formats.answers import parse_submission
case = load_case({case!r})
final, first = score_submission(case, parse_submission(Path({path!r}).read_bytes(), case, {path!r}))
print(final.points, first.points, final.out_of)
"""


def _notebook_seconds(paths: list[Path], case_id: str, work: Path) -> float:
    """Mean seconds to grade one submission by executing a small notebook for it with nbclient."""
    import nbformat
    from nbclient import NotebookClient

    times = []
    for path in paths:
        notebook = nbformat.v4.new_notebook()
        notebook.cells.append(nbformat.v4.new_code_cell(NOTEBOOK_CODE.format(case=case_id, path=str(path))))
        start = time.perf_counter()
        NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
        times.append(time.perf_counter() - start)
        printed = notebook.cells[0].outputs[0]["text"].split()
        assert len(printed) == 3, notebook.cells[0].outputs
    return sum(times) / len(times)


def _report(folder: Path, case, out: Path) -> tuple[float, float, int]:
    """Wall-clock and CPU seconds to read a class and write its report, and the students read."""
    from attribution_lab.instructor.report import write_report

    start, cpu = time.perf_counter(), time.process_time()
    submissions, outcome = read_class([folder], case)
    write_report(case, submissions, out, outcome=outcome, force=True)
    return time.perf_counter() - start, time.process_time() - cpu, len(submissions)


def _report_command(folder: Path, case_id: str, out: Path, runs: int = 3) -> float:
    """Median wall-clock seconds of ``attribution-lab report`` on a folder, as an instructor runs
    it: a new Python process each time, so its start and its imports are counted."""
    import subprocess
    from statistics import median

    seconds = []
    for n in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "attribution_lab.cli", "report", str(folder), "--case", case_id,
                        "--out", str(out / f"command-{n}"), "--force"], capture_output=True, check=True)
        seconds.append(time.perf_counter() - start)
    return median(seconds)


def _report_parts(folder: Path, case, out: Path) -> dict[str, float]:
    """CPU seconds of each step of the report: reading, statistics, each chart (built and written
    as PNG), the page."""
    from attribution_lab.instructor import report, report_charts

    parts = {}
    cpu = time.process_time()
    submissions, outcome = read_class([folder], case)
    parts["reading"], cpu = time.process_time() - cpu, time.process_time()
    # As write_report makes them; older code (measured side by side) had no pause.
    with getattr(report, "_collector_paused", contextlib.nullcontext)():
        stats = report.statistics(case, submissions)
        parts["statistics"], cpu = time.process_time() - cpu, time.process_time()
        for name, build in (("difficulty", report_charts.chart_difficulty), ("origin_confusion", report_charts.chart_origin_confusion),
                            ("believable_calibration", report_charts.chart_believable_calibration),
                            ("agreement", report_charts.chart_agreement)):
            (out / f"{name}.png").write_bytes(report_charts.png_bytes(build(case, stats)))
            parts[name], cpu = time.process_time() - cpu, time.process_time()
    (out / "index.html").write_text(report.summary_page(case, stats, {n: f"{n}.png" for n in report_charts.CHARTS}, outcome=outcome))
    parts["page"] = time.process_time() - cpu
    return parts


def _report_only(case, students: int, repeat: int) -> int:
    """Measure the class report alone: ``repeat`` runs, the median of each step and of the whole."""
    from statistics import median

    with tempfile.TemporaryDirectory(prefix="report-benchmark-") as tmp:
        root = Path(tmp)
        write_class(case, students, root / "class", seed=2)
        (root / "parts").mkdir()
        _report(root / "class", case, root / "warm")  # warm the file cache and the imports
        runs = [_report(root / "class", case, root / f"report-{n}") for n in range(repeat)]
        parts = [_report_parts(root / "class", case, root / "parts") for _ in range(repeat)]
        command = _report_command(root / "class", case.id, root)
    wall, cpu = median(r[0] for r in runs), median(r[1] for r in runs)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; "
          f"median of {repeat} runs")
    for name in parts[0]:
        print(f"  {name:24s} {median(p[name] for p in parts):.3f} s CPU")
    print(f"Report:   {runs[0][2]:,} students in {wall:.2f} s wall clock, {cpu:.2f} s CPU in a running process "
          f"(read, statistics, 4 figures, summary)   goal < 1 s: {'met' if wall < 1 else 'NOT met'}")
    print(f"          as a command (attribution-lab report, median of 3, with Python's start and the imports): "
          f"{command:.2f} s   goal < 1 s: {'met' if command < 1 else 'NOT met'}")
    return 0


def main() -> int:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000, help="class size (100000 for the memory figure at 100k)")
    parser.add_argument("--notebooks", type=int, default=5, help="notebooks to execute for the comparison")
    parser.add_argument("--case", default="kursk")
    parser.add_argument("--report-only", action="store_true",
                        help="measure only the class report (for 1,000 students, or --students if fewer)")
    parser.add_argument("--repeat", type=int, default=5, help="report runs with --report-only; the median is printed")
    args = parser.parse_args()
    case = load_case(args.case)
    small = min(1_000, args.students)
    if args.report_only:
        return _report_only(case, small, args.repeat)

    with tempfile.TemporaryDirectory(prefix="grade-benchmark-") as tmp:
        root = Path(tmp)
        big_class, small_class, out = root / "class", root / "class-1000", root / "out"
        out.mkdir()
        start = time.perf_counter()
        write_class(case, args.students, big_class, seed=1)
        write_class(case, small, small_class, seed=2)
        size = sum(p.stat().st_size for p in big_class.iterdir()) / args.students
        print(f"Wrote {args.students:,} + {small:,} synthetic answers files "
              f"(about {size / 1000:.1f} kB each) in {time.perf_counter() - start:.1f} s")
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); the grader uses one.\n")

        from attribution_lab.formats.answers import load_json
        from attribution_lab.formats.answers_quick import allowed_values

        # The grader's decoder: the case's msgspec structs, which also check the frame as they decode.
        grader_decode = allowed_values(case).decoder.decode
        _grade(small_class, case, out)  # warm the file cache and the imports
        _floor(big_class, grader_decode)
        floor_cpu = _floor(big_class, grader_decode)
        json_floor_cpu = _floor(big_class, lambda raw: load_json(raw.decode("utf-8")))
        seconds, cpu_seconds, students = _grade(big_class, case, out)
        rate, cpu_rate = students / seconds, students / cpu_seconds
        print(f"Grading:  {students:,} submissions in {seconds:.2f} s wall clock = {rate:,.0f} submissions/s; "
              f"{cpu_seconds:.2f} s of CPU = {cpu_rate:,.0f} submissions/s on one core "
              f"({cpu_seconds / students * 1e6:.0f} µs each)   goal >= 10,000/s: {'met' if cpu_rate >= 10_000 else 'NOT met'}")
        ratio = cpu_seconds / floor_cpu
        print(f"Floor:    open + read + decode of the same files with the grader's decoder (msgspec, the case's structs) "
              f"{floor_cpu / students * 1e6:.0f} µs each; the grader takes {ratio:.2f} times that   "
              f"goal <= 1.5: {'met' if ratio <= 1.5 else 'NOT met'}")
        print(f"          (with the full check's decoder, json.loads: {json_floor_cpu / students * 1e6:.0f} µs each; "
              f"the grader takes {cpu_seconds / json_floor_cpu:.2f} times that)")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"          load average during the run: {load:.1f} on {os.cpu_count()} CPU(s)")

        peak_small = _peak_memory(small_class, case, out)
        peak_big = _peak_memory(big_class, case, out)
        grows = peak_big / peak_small
        print(f"Memory:   peak {peak_small:.1f} MB grading {small:,} students, {peak_big:.1f} MB grading "
              f"{args.students:,} (x{grows:.2f} for x{args.students / small:.0f} students)   goal within 10%: "
              f"{'met' if grows <= 1.1 else 'NOT met'}")
        (base, rss_small), (_, rss_big) = _rss_growth(small_class, case.id, out), _rss_growth(big_class, case.id, out)
        print(f"          peak resident memory of a fresh process: {base:.1f} MB after its imports, {rss_small:.1f} MB "
              f"grading {small:,}, {rss_big:.1f} MB grading {args.students:,} (counts C allocations tracemalloc cannot see)")

        _report(small_class, case, out / "report-warm")  # the charts' imports, once, as in a running notebook
        report_seconds, report_cpu, report_students = _report(small_class, case, out / "report")
        command_seconds = _report_command(small_class, case.id, out)
        print(f"Report:   {report_students:,} students in {report_seconds:.2f} s wall clock, {report_cpu:.2f} s CPU in a running process "
              f"(read, statistics, 4 figures, summary)   goal < 1 s: {'met' if report_seconds < 1 else 'NOT met'}")
        print(f"          as a command (attribution-lab report, median of 3, with Python's start and the imports): "
              f"{command_seconds:.2f} s   goal < 1 s: {'met' if command_seconds < 1 else 'NOT met'}")

        if args.notebooks:
            paths = sorted(big_class.iterdir())[: args.notebooks]
            per_notebook = _notebook_seconds(paths, case.id, out)
            per_submission = cpu_seconds / students
            print(f"Notebook: {per_notebook:.2f} s per submission executing a notebook with nbclient "
                  f"(mean of {len(paths)}); {args.students:,} would take about {per_notebook * args.students / 60:.0f} min")
            print(f"Ratio:    one notebook per submission (wall clock) costs {per_notebook / per_submission:,.0f} times "
                  f"the grader's {per_submission * 1e6:.0f} µs of CPU")
        print(json.dumps({"students": students, "per_second_wall": round(rate), "per_second_cpu": round(cpu_rate),
                          "floor_ratio": round(ratio, 2),
                          "peak_mb_small": round(peak_small, 1),
                          "peak_mb_big": round(peak_big, 1), "rss_mb_small": round(rss_small, 1),
                          "rss_mb_big": round(rss_big, 1), "report_s": round(report_seconds, 2),
                          "report_command_s": round(command_seconds, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
