"""The class report: its charts and a one-page HTML summary, written to a folder or shown in a notebook.

Every text from the case, the files or the students is escaped. The statistics come from
:mod:`attribution_lab.core.statistics`, the charts from :mod:`attribution_lab.instructor.report_charts`.
"""

from __future__ import annotations

import base64
import gc
import html
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..core.case import FIELD_NAMES, FIELDS, Case
from ..core.feedback import shorten
from ..core.statistics import ClassStatistics, class_statistics, kappa_words
from ..core.submission import Submission
from .collect import Outcome, StudentAnswers, as_students, duplicate_lines, shown
from .report_charts import CHARTS, charts, kappa_text, label_name, png_bytes
from .results import OutputRefused, open_output, refuse_symlink
from .synthetic import is_synthetic

# --------------------------------------------------------------------------------------------
# The one-page summary (every text from the case or a student escaped)

_ALT = {
    "difficulty": "Bar chart: share of answers right per statement, first try and current answer.",
    "origin_confusion": "Heatmap: the key's origin against the origin students chose.",
    "believable_calibration": "Heatmap: the key's answer to Believable? against the students'.",
    "agreement": "Heatmap: share of the class giving the most common answer, per statement and field.",
}

_STYLE = """
.al-report { font-family: system-ui, sans-serif; max-width: 62rem; line-height: 1.4; color: #111; }
.al-report table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
.al-report table th, .al-report table td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: left !important; vertical-align: top; }
.al-report th { background: #eee; }
.al-report .note { color: #444; font-size: 0.85rem; }
.al-report img { max-width: 100%; display: block; margin: 0.5rem 0 1.2rem; }
.al-report .split { font-weight: bold; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def summary_html(
    case: Case,
    stats: ClassStatistics,
    images: Mapping[str, str],
    *,
    outcome: Outcome | None = None,
    generated: str | None = None,
) -> str:
    """The summary as an HTML fragment (a ``div`` with its own scoped style).

    ``images`` maps figure names to ``src`` values (file names, or data URIs in a notebook).
    Everything from the case, the files or the students is escaped.
    """
    parts = [f"<div class=\"al-report\"><style>{_STYLE}</style>"]
    parts.append(f"<h1>Class report: {_e(case.title)}</h1>")
    kind = "synthetic students (invented answers, for trying the report)" if stats.synthetic else "students"
    generated = generated or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts.append(
        f"<p class=\"note\">{stats.students} {_e(kind)}; case <code>{_e(case.id)}</code>, key version {_e(case.key_version)}; "
        f"made {_e(generated)}. Scores are recomputed from the answers. Confusion, calibration and agreement use the "
        "first try: the student's own judgement before Check showed a verdict.</p>"
    )
    if tuple(stats.fields) != FIELDS:
        parts.append(f"<p>Fields counted: {_e(', '.join(FIELD_NAMES[f] for f in stats.fields))} (the others are left out "
                     "of every score and figure).</p>")
    if stats.students:
        parts.append(
            f"<p>Mean score <b>{stats.mean_points:.1f}</b> of {stats.out_of:g} in the end; "
            f"<b>{stats.mean_first_try:.1f}</b> at the first try.</p>"
        )
    # Where the class splits comes first: it is what to act on.
    split = [s for s in stats.statements if s.splits]
    parts.append("<h2>Where the class splits</h2>")
    if split:
        parts.append(
            "<p>The class splits on the statements below (fewer than half gave the same answer in some field). "
            "These are where the key needs a second look or the lesson needs more time.</p>"
        )
    else:
        parts.append("<p>No statement splits the class: in every field at least half gave the same answer.</p>")
    parts.append(
        "<table><tr><th>Statement</th><th>Quote</th><th>Right at first try</th><th>Agreement per field "
        "(most common answer, share)</th><th>Most common answer not the key's</th></tr>"
    )
    for s in stats.statements:
        statement = case.statement(s.statement_id)
        cells = "<br>".join(
            f"{_e(FIELD_NAMES[f.field])}: {_e(label_name(case, f.field, f.modal))} "
            f"({'–' if f.share is None else f'{f.share:.0%}'})"
            + (" <span class=\"split\">splits</span>" if f.field in s.split_fields else "")
            for f in s.fields
        )
        off = ", ".join(FIELD_NAMES[f] for f in s.majority_off_key) or "–"
        css = " class=\"split\"" if s.splits else ""
        parts.append(
            f"<tr><td{css}>{_e(s.statement_id)}</td><td>{_e(shorten(statement.quote, 90))}</td>"
            f"<td>{s.first_try_right:.0%}</td><td>{cells}</td><td>{_e(off)}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<h2>Agreement per field (Fleiss' kappa)</h2><table><tr><th>Field</th><th>Kappa</th><th>Reads as</th></tr>")
    for f in stats.fields:
        parts.append(f"<tr><td>{_e(FIELD_NAMES[f])}</td><td>{kappa_text(stats.kappa[f])}</td><td>{_e(kappa_words(stats.kappa[f]))}</td></tr>")
    parts.append(
        "</table><p class=\"note\">Students are the raters and statements the subjects. Kappa is agreement beyond "
        "chance: 0 is chance, 1 is everyone agreeing everywhere. Low kappa with high scores is rare; low kappa "
        "with low scores is a field to teach again.</p>"
    )
    cal = stats.calibration
    parts.append("<h2>Figures</h2>")
    if "believable" in stats.fields:
        parts.append(
            f"<p>Believable?: {cal.too_sure:.0%} of the answers believed more than the key, "
            f"{cal.matched:.0%} matched it (or an accepted alternative), {cal.too_unsure:.0%} believed less, and "
            f"{cal.other_kind:.0%} chose another kind of answer (such as not a factual claim for a checkable fact).</p>"
        )
    for name in CHARTS:
        if name in images:
            parts.append(f"<img src=\"{_e(images[name])}\" alt=\"{_e(_ALT[name])}\">")
    if stats.lowest_first_try:
        parts.append(
            "<h2>Lowest first-try scores</h2><p class=\"note\">Who may want a word before the next lesson.</p>"
            "<table><tr><th>Student id</th><th>Name</th><th>First try</th><th>Current</th></tr>"
        )
        for line in stats.lowest_first_try:
            parts.append(
                f"<tr><td>{_e(line.student_id)}</td><td>{_e(line.name)}</td>"
                f"<td>{line.first_try_points:.1f}</td><td>{line.points:.1f}</td></tr>"
            )
        parts.append("</table>")
    if outcome and (outcome.rejected or outcome.duplicates or outcome.skipped):
        parts.append("<h2>Files</h2><ul>")
        for note in [*outcome.rejected, *duplicate_lines(outcome.duplicates), *outcome.skipped]:
            parts.append(f"<li>{_e(note)}</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)


def summary_page(case: Case, stats: ClassStatistics, images: Mapping[str, str], **kwargs: Any) -> str:
    """The summary as a complete HTML page."""
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Class report: {_e(case.title)}</title></head><body>\n"
        f"{summary_html(case, stats, images, **kwargs)}\n</body></html>\n"
    )


def statistics(case: Case, students: Iterable[StudentAnswers | Submission], fields: Sequence[str] = FIELDS) -> ClassStatistics:
    """The class statistics of the students' answers over ``fields`` (a class is synthetic when every file is)."""
    named = as_students(students)
    submissions = [s.submission for s in named]
    synthetic = bool(submissions) and all(is_synthetic(s) for s in submissions)
    return class_statistics(case, submissions, [s.student_id for s in named], synthetic=synthetic, fields=fields)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while the statistics and charts are made.

    A class just read is a few hundred thousand parsed containers, all new; each collection the
    charts' many small objects set off would walk them again (0.1 to 0.3 s for 1,000 students).
    Nothing made here needs the collector in the meantime: the cycles matplotlib leaves are
    collected once it runs again. What was alive before is also set aside (``gc.freeze``) and put
    back with the oldest objects afterwards, so the first collection after the report does not
    walk the class either; unless something else froze objects, which are then left as they are.
    """
    collecting = gc.isenabled()
    freezing = gc.get_freeze_count() == 0
    gc.disable()
    if freezing:
        gc.freeze()
    try:
        yield
    finally:
        if freezing:
            gc.unfreeze()
        if collecting:
            gc.enable()


def _chart_pngs(case: Case, stats: ClassStatistics) -> dict[str, bytes]:
    """Each chart of the report, by name, as PNG bytes."""
    return {name: png_bytes(fig) for name, fig in charts(case, stats).items()}


REPORT_FILES = frozenset({"index.html", *(f"{name}.png" for name in CHARTS)})


def check_report_folder(folder: Path, sources: Iterable[str | Path], *, force: bool = False) -> None:
    """Refuse (:class:`~attribution_lab.instructor.results.OutputRefused`) a report folder that is
    a symbolic link, lies inside the answers files being read, or already holds files other than a
    report's own (``index.html`` and the chart PNGs), unless ``force``. A report's own file that
    is a symbolic link is always refused: writes never follow a link.
    """
    folder = Path(folder)
    refuse_symlink(folder, "report folder")
    real = folder.resolve()
    for source in sources:
        source_real = Path(source).resolve()
        if real == source_real or source_real in real.parents or (not source_real.is_dir() and real in source_real.parents):
            raise OutputRefused(f"{shown(folder)}: the report folder would be inside or around the answers files being read; nothing written")
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputRefused(f"{shown(folder)}: exists and is not a folder; nothing written, the file kept")
    for name in sorted(REPORT_FILES):
        refuse_symlink(folder / name, "report file")
    others = sorted(p.name for p in folder.iterdir() if p.name not in REPORT_FILES)
    if others and not force:
        raise OutputRefused(
            f"{shown(folder)}: holds files that are not a class report's ({shown(others[0])}"
            f"{f' and {len(others) - 1} more' if len(others) > 1 else ''}); nothing written, they are kept "
            "(choose another folder, or --force to write the report beside them)"
        )


def write_report(
    case: Case,
    students: Sequence[StudentAnswers | Submission],
    folder: Path,
    *,
    outcome: Outcome | None = None,
    sources: Iterable[str | Path] = (),
    force: bool = False,
    fields: Sequence[str] = FIELDS,
) -> Path:
    """Write the charts (PNG) and ``index.html`` into ``folder``; returns the page's path.

    ``students`` is what :func:`~attribution_lab.instructor.collect.read_class` returns (bare
    submissions are accepted too, named by their student id). The folder is checked first
    (:func:`check_report_folder`, against the answers files ``sources``); files are written
    without following a symbolic link.
    """
    folder = Path(folder)
    check_report_folder(folder, sources, force=force)
    folder.mkdir(parents=True, exist_ok=True)
    with _collector_paused():
        stats = statistics(case, students, fields)
        pngs = _chart_pngs(case, stats)
    images = {}
    for name, png in pngs.items():
        with open_output(folder / f"{name}.png", "wb") as handle:
            handle.write(png)
        images[name] = f"{name}.png"
    page = folder / "index.html"
    with open_output(page) as handle:
        handle.write(summary_page(case, stats, images, outcome=outcome))
    return page


def show(case: Case, students: Sequence[StudentAnswers | Submission], *, outcome: Outcome | None = None) -> Any:
    """The report for a notebook: an HTML display object with the charts inlined."""
    from IPython.display import HTML

    with _collector_paused():
        stats = statistics(case, students)
        pngs = _chart_pngs(case, stats)
    images = {name: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for name, png in pngs.items()}
    return HTML(summary_html(case, stats, images, outcome=outcome))


__all__ = ["show", "statistics", "summary_html", "summary_page", "write_report"]
