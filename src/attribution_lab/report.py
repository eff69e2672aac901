"""The class report: what a whole class found hard, confused, over- or under-rated, and disagreed on.

Two layers:

* Pure statistics on plain data (a case and a list of parsed submissions): :func:`difficulty`,
  :func:`origin_confusion`, :func:`confidence_calibration`, :func:`kappa_by_field`,
  :func:`statement_agreement` and :func:`class_statistics`, which gathers them. Verdicts come from
  the engine (through the grader's :class:`~attribution_lab.grading.Scorer`).
* Rendering: matplotlib figures (Agg, colour-blind-safe colours) and a one-page HTML summary in
  which every text from the case or a student is escaped. :func:`write_report` writes both into a
  folder; :func:`show` displays them in a notebook.

Which answers are used: difficulty compares the first try with the final answer; confusion,
calibration and agreement use the **first try**, the student's own judgement before Check showed
any verdict (final answers drift towards the key, which would hide exactly the disagreements an
instructor is looking for).
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .agreement import fleiss_kappa, modal_share
from .case import FIELD_NAMES, FIELDS, Case
from .grading import Outcome, Scorer, duplicate_lines
from .submission import Submission

#: Okabe & Ito's palette, readable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: Sequential colour map for heatmaps: cividis is designed to read the same with colour-blindness.
HEATMAP = "cividis"
#: Below this share agreeing with the modal answer, a field of a statement counts as split.
SPLIT_BELOW = 0.5
NOT_ANSWERED = "Not answered"

FIGURES = ("difficulty", "origin_confusion", "confidence_calibration", "agreement")


# --------------------------------------------------------------------------------------------
# Pure statistics


def _answer(entry: Mapping[str, Any] | None, which: str, field_name: str) -> Any:
    if not entry:
        return None
    value = entry.get(which, {}).get(field_name)
    if value is None or value == [] or value == "":
        return None
    return value


def _category(field_name: str, value: Any, order: Mapping[str, int] | None = None) -> Any:
    """A hashable category for agreement: a chain is the set of its links (order is not graded),
    listed in the case's vocabulary order (``order``: label -> position) so it reads naturally."""
    if value is None:
        return None
    if field_name != "chain":
        return value
    return tuple(sorted(set(value), key=lambda link: (order or {}).get(link, 0)))


def _chain_order(case: Case) -> dict[str, int]:
    return {label: n for n, label in enumerate(case.labels("chain"))}


def difficulty(case: Case, submissions: Sequence[Submission], *, scorer: Scorer | None = None) -> dict[str, tuple[float, float]]:
    """Per statement: (first-try right rate, final right rate).

    A rate is the share of (student, field) answers that earn full credit (the key's answer or an
    accepted one), over every student and field: an unanswered field or a partly right chain counts
    as not right. Statements in article order; rates are 0 for an empty class.
    """
    scorer = scorer or Scorer(case)
    result = {}
    for statement in case.statements:
        right = {"first": 0, "current": 0}
        for submission in submissions:
            entry = submission.get("answers", {}).get(statement.id)
            for which in right:
                for f in FIELDS:
                    if scorer.result(statement.id, f, _answer(entry, which, f)).is_right:
                        right[which] += 1
        total = len(submissions) * len(FIELDS)
        result[statement.id] = (right["first"] / total, right["current"] / total) if total else (0.0, 0.0)
    return result


@dataclass(frozen=True)
class Confusion:
    """Counts of (key label, student label) pairs for one field. Columns end with "not answered"."""

    field: str
    rows: tuple[str, ...]  # label ids used by the key for this field
    columns: tuple[str, ...]  # every label id of the field, then NOT_ANSWERED
    counts: tuple[tuple[int, ...], ...]


def origin_confusion(case: Case, submissions: Sequence[Submission], *, which: str = "first") -> Confusion:
    """Key origin (rows) against the origin students chose (columns), counted over statements and students."""
    labels = tuple(case.labels("origin"))
    used = {s.answers["origin"] for s in case.statements}
    rows = tuple(label for label in labels if label in used)
    columns = (*labels, NOT_ANSWERED)
    counts = {r: Counter() for r in rows}
    for statement in case.statements:
        key = statement.answers["origin"]
        for submission in submissions:
            given = _answer(submission.get("answers", {}).get(statement.id), which, "origin")
            counts[key][given if given is not None else NOT_ANSWERED] += 1
    return Confusion("origin", rows, columns, tuple(tuple(counts[r][c] for c in columns) for r in rows))


@dataclass(frozen=True)
class Calibration:
    """Students' confidence against the key's.

    ``counts`` is a key level (rows) by student level (columns) table over the confidence vocabulary.
    ``too_sure`` / ``matched`` / ``too_unsure`` are shares of the answered confidences: matched
    includes the key's accepted alternatives; the others compare positions on the scale.
    """

    levels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    too_sure: float
    matched: float
    too_unsure: float
    answered: int


def confidence_calibration(case: Case, submissions: Sequence[Submission], *, which: str = "first") -> Calibration:
    """How students' confidence compares with the key's, statement by statement.

    The confidence vocabulary is read as a scale in the order the case lists it, from most to least
    sure (the case format's convention); a student above the key's level is "too sure".
    """
    levels = tuple(case.labels("confidence"))
    rank = {label: n for n, label in enumerate(levels)}
    table = {k: Counter() for k in levels}
    sure = match = unsure = 0
    for statement in case.statements:
        key = statement.answers["confidence"]
        accepted = {a.answer for a in statement.accepted["confidence"]}
        for submission in submissions:
            given = _answer(submission.get("answers", {}).get(statement.id), which, "confidence")
            if given is None:
                continue
            table[key][given] += 1
            if given == key or given in accepted:
                match += 1
            elif rank[given] < rank[key]:
                sure += 1
            else:
                unsure += 1
    answered = sure + match + unsure
    share = (lambda n: n / answered) if answered else (lambda n: 0.0)
    return Calibration(
        levels, tuple(tuple(table[k][s] for s in levels) for k in levels), share(sure), share(match), share(unsure), answered
    )


def kappa_by_field(case: Case, submissions: Sequence[Submission], *, which: str = "first") -> dict[str, float | None]:
    """Fleiss' kappa per field: students are the raters, statements the subjects, labels the categories.

    Unanswered fields are left out (a statement is rated by those who answered it). ``None`` where
    kappa is undefined (fewer than two raters, or one category only).
    """
    result = {}
    order = _chain_order(case)
    for f in FIELDS:
        table = []
        for statement in case.statements:
            table.append(Counter(
                c for c in (_category(f, _answer(s.get("answers", {}).get(statement.id), which, f), order) for s in submissions)
                if c is not None
            ))
        result[f] = fleiss_kappa(table)
    return result


@dataclass(frozen=True)
class FieldAgreement:
    """How one field of one statement was answered: the modal answer, its share, and whether it is right."""

    field: str
    modal: Any  # label id, or a tuple of link ids for the chain; None if nobody answered
    share: float | None
    answered: int
    modal_is_right: bool | None


@dataclass(frozen=True)
class StatementAgreement:
    """Class agreement on one statement, field by field."""

    statement_id: str
    fields: tuple[FieldAgreement, ...]
    first_try_right: float

    @property
    def mean_share(self) -> float | None:
        """Mean share agreeing with the modal answer over the answered fields."""
        shares = [f.share for f in self.fields if f.share is not None]
        return sum(shares) / len(shares) if shares else None

    @property
    def splits(self) -> bool:
        """True when, in some field, fewer than half of those who answered gave the modal answer."""
        return any(f.share is not None and f.share < SPLIT_BELOW for f in self.fields)

    @property
    def split_fields(self) -> tuple[str, ...]:
        """The fields where the class splits."""
        return tuple(f.field for f in self.fields if f.share is not None and f.share < SPLIT_BELOW)

    @property
    def majority_off_key(self) -> tuple[str, ...]:
        """Fields whose modal answer the key does not accept."""
        return tuple(f.field for f in self.fields if f.modal_is_right is False)


def statement_agreement(
    case: Case, submissions: Sequence[Submission], *, which: str = "first", scorer: Scorer | None = None
) -> list[StatementAgreement]:
    """Per statement, the share agreeing with the modal answer in each field; split statements first.

    Order: statements where the class splits, then by mean agreement (lowest first), then article order.
    """
    scorer = scorer or Scorer(case)
    rates = difficulty(case, submissions, scorer=scorer)
    found = []
    order = _chain_order(case)
    for position, statement in enumerate(case.statements):
        fields = []
        for f in FIELDS:
            given = [_category(f, _answer(s.get("answers", {}).get(statement.id), which, f), order) for s in submissions]
            modal, share, answered = modal_share(given)
            right = None if modal is None else scorer.result(statement.id, f, list(modal) if f == "chain" else modal).is_right
            fields.append(FieldAgreement(f, modal, share, answered, right))
        found.append((position, StatementAgreement(statement.id, tuple(fields), rates[statement.id][0])))
    found.sort(key=lambda p: (not p[1].splits, p[1].mean_share if p[1].mean_share is not None else 2.0, p[0]))
    return [agreement for _, agreement in found]


@dataclass(frozen=True)
class StudentLine:
    """One student's totals, for the list of who may need help."""

    student_id: str
    name: str
    points: float
    first_try_points: float


@dataclass(frozen=True)
class ClassStatistics:
    """Everything the report shows, as plain data."""

    case_id: str
    case_title: str
    key_version: str
    students: int
    synthetic: bool
    out_of: float
    mean_points: float | None
    mean_first_try: float | None
    difficulty: Mapping[str, tuple[float, float]]
    confusion: Confusion
    calibration: Calibration
    kappa: Mapping[str, float | None]
    statements: tuple[StatementAgreement, ...]
    lowest_first_try: tuple[StudentLine, ...] = field(default=())


def class_statistics(case: Case, submissions: Sequence[Submission], *, lowest: int = 10) -> ClassStatistics:
    """Every statistic of the report for a list of parsed, checked submissions (one per student)."""
    from .synthetic import is_synthetic

    scorer = Scorer(case)
    lines = []
    out_of = float(sum(scorer.weights[f] for f in FIELDS) * len(case.statements))
    for number, submission in enumerate(submissions, start=1):
        (points, out_of, _), (first, _, _) = scorer.grade(submission)
        student = submission.get("student", {})
        sid = student.get("id") or f"(file {number})"
        lines.append(StudentLine(sid, student.get("name", ""), points, first))
    n = len(submissions)
    return ClassStatistics(
        case_id=case.id,
        case_title=case.title,
        key_version=case.key_version,
        students=n,
        synthetic=bool(submissions) and all(is_synthetic(s) for s in submissions),
        out_of=out_of,
        mean_points=sum(x.points for x in lines) / n if n else None,
        mean_first_try=sum(x.first_try_points for x in lines) / n if n else None,
        difficulty=difficulty(case, submissions, scorer=scorer),
        confusion=origin_confusion(case, submissions),
        calibration=confidence_calibration(case, submissions),
        kappa=kappa_by_field(case, submissions),
        statements=tuple(statement_agreement(case, submissions, scorer=scorer)),
        lowest_first_try=tuple(sorted(lines, key=lambda x: (x.first_try_points, x.student_id))[:lowest]),
    )


def kappa_words(kappa: float | None) -> str:
    """Landis and Koch's (1977) words for a kappa value."""
    if kappa is None:
        return "undefined"
    if kappa < 0:
        return "less than chance"
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return words
    return "almost perfect"


# --------------------------------------------------------------------------------------------
# Figures


def source_note(stats: ClassStatistics, answers: str) -> str:
    """The line printed under every figure: where its numbers come from."""
    kind = "synthetic students" if stats.synthetic else "students"
    return (
        f"Source: {stats.students} {kind}' answers files, case {stats.case_id} (key version {stats.key_version}); "
        f"{answers}. Attribution Lab class report."
    )


def _label_name(case: Case, field_name: str, value: Any) -> str:
    if value is None or value == NOT_ANSWERED:
        return NOT_ANSWERED
    labels = case.labels(field_name)
    if field_name == "chain":
        return " → ".join(labels[v].name for v in value) if value else NOT_ANSWERED
    return labels[value].name


#: Longest tick label drawn in a figure; longer label names are cut with "…" so that a case with
#: long names still gets readable axes (the full names are in the summary page).
TICK_CHARS = 30


def _tick(text: str) -> str:
    """A label name short enough for an axis."""
    return text if len(text) <= TICK_CHARS else text[: TICK_CHARS - 1].rstrip() + "…"


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # no pyplot: nothing global, works under Agg anywhere

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _note(fig: Any, text: str) -> None:
    fig.get_layout_engine().set(h_pad=0.12)
    fig.supxlabel(text, fontsize=7, color="#333333", x=0.0, ha="left")


def _annotate(ax: Any, values: Sequence[Sequence[float]], labels: Sequence[Sequence[str]], vmax: float) -> None:
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if labels[i][j]:
                # cividis runs dark to light: dark text on the light end, white on the dark end.
                ax.text(j, i, labels[i][j], ha="center", va="center", fontsize=7,
                        color="black" if vmax and value / vmax > 0.6 else "white")


def figure_difficulty(case: Case, stats: ClassStatistics) -> Any:
    """Bar chart: per statement, the share of answers right at the first try and in the end."""
    ids = list(case.statement_ids)
    first = [stats.difficulty[s][0] for s in ids]
    final = [stats.difficulty[s][1] for s in ids]
    fig = _new_figure(7.5, 0.28 * len(ids) + 1.6)
    ax = fig.add_subplot()
    y = range(len(ids))
    # The y axis is inverted below, so the first try (offset up) sits above the final answer.
    ax.barh([i - 0.2 for i in y], first, height=0.4, color=OKABE_ITO[0], label="First try")
    ax.barh([i + 0.2 for i in y], final, height=0.4, color=OKABE_ITO[1], label="Final answer")
    ax.set_yticks(list(y), ids)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("Share of answers right (all five fields; accepted alternatives count as right)")
    ax.set_ylabel("Statement (article order)")
    ax.set_title("How hard each statement was: right at the first try and in the end")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    _note(fig, source_note(stats, "first-try and final answers"))
    return fig


def figure_origin_confusion(case: Case, stats: ClassStatistics) -> Any:
    """Heatmap: the key's origin against the origin students chose (first try)."""
    c = stats.confusion
    fig = _new_figure(8.5, 0.45 * len(c.rows) + 3.2)
    ax = fig.add_subplot()
    totals = [sum(row) or 1 for row in c.counts]
    shares = [[n / t for n in row] for row, t in zip(c.counts, totals)]
    image = ax.imshow(shares, cmap=HEATMAP, vmin=0, vmax=1, aspect="auto")
    _annotate(ax, shares, [[str(n) if n else "" for n in row] for row in c.counts], 1)
    ax.set_xticks(range(len(c.columns)), [_tick(_label_name(case, "origin", x)) for x in c.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(c.rows)), [_tick(_label_name(case, "origin", x)) for x in c.rows], fontsize=8)
    ax.set_xlabel("Origin the students chose (first try)")
    ax.set_ylabel("Origin in the key")
    ax.set_title("Origin confusion: numbers are answers; colour is the share of the row")
    fig.colorbar(image, ax=ax, label="Share of the key's row", format=lambda v, _: f"{v:.0%}")
    _note(fig, source_note(stats, "first-try origins"))
    return fig


def figure_confidence_calibration(case: Case, stats: ClassStatistics) -> Any:
    """Heatmap: the key's confidence level against the students' (first try), with the summary shares."""
    cal = stats.calibration
    fig = _new_figure(6.5, 4.6)
    ax = fig.add_subplot()
    totals = [sum(row) or 1 for row in cal.counts]
    shares = [[n / t for n in row] for row, t in zip(cal.counts, totals)]
    image = ax.imshow(shares, cmap=HEATMAP, vmin=0, vmax=1)
    _annotate(ax, shares, [[f"{s:.0%}\n({n})" if n else "" for s, n in zip(srow, crow)] for srow, crow in zip(shares, cal.counts)], 1)
    names = [_tick(_label_name(case, "confidence", x)) for x in cal.levels]
    ax.set_xticks(range(len(names)), names)
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("Confidence the students gave (first try)")
    ax.set_ylabel("Confidence in the key")
    ax.set_title(
        f"Confidence calibration: {cal.too_sure:.0%} too sure, {cal.matched:.0%} as the key, {cal.too_unsure:.0%} too unsure",
        fontsize=10,
    )
    fig.colorbar(image, ax=ax, label="Share of the key's row", format=lambda v, _: f"{v:.0%}")
    _note(fig, source_note(stats, "first-try confidence; the key's accepted alternatives count as matching"))
    return fig


def figure_agreement(case: Case, stats: ClassStatistics) -> Any:
    """Heatmap: per statement and field, the share of the class giving the modal answer; split ones first."""
    rows = stats.statements
    fig = _new_figure(7.5, 0.3 * len(rows) + 2.0)
    ax = fig.add_subplot()
    values = [[f.share if f.share is not None else 0.0 for f in s.fields] for s in rows]
    image = ax.imshow(values, cmap=HEATMAP, vmin=0, vmax=1, aspect="auto")
    marks = [[(f"{f.share:.0%}" + ("*" if f.modal_is_right is False else "")) if f.share is not None else "–" for f in s.fields] for s in rows]
    _annotate(ax, values, marks, 1)
    ax.set_xticks(range(len(FIELDS)), [f"{FIELD_NAMES[f]}\nκ = {_fmt_kappa(stats.kappa[f])}" for f in FIELDS], fontsize=8)
    ax.set_yticks(range(len(rows)), [s.statement_id + (" (splits)" if s.splits else "") for s in rows], fontsize=8)
    ax.set_xlabel("Field, with Fleiss' kappa over all statements")
    ax.set_ylabel("Statement (where the class splits first)")
    ax.set_title("Class agreement: share giving the most common answer (* = not the key's)", fontsize=10)
    fig.colorbar(image, ax=ax, label="Share agreeing with the modal answer", format=lambda v, _: f"{v:.0%}")
    _note(fig, source_note(stats, "first-try answers"))
    return fig


def _fmt_kappa(kappa: float | None) -> str:
    return "n/a" if kappa is None else f"{kappa:.2f}"


def figures(case: Case, stats: ClassStatistics) -> dict[str, Any]:
    """The four figures of the report, by name (matplotlib Figure objects, not shown anywhere)."""
    return {
        "difficulty": figure_difficulty(case, stats),
        "origin_confusion": figure_origin_confusion(case, stats),
        "confidence_calibration": figure_confidence_calibration(case, stats),
        "agreement": figure_agreement(case, stats),
    }


def png_bytes(fig: Any) -> bytes:
    """A figure as PNG bytes (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# The one-page summary (every text from the case or a student escaped)

_ALT = {
    "difficulty": "Bar chart: share of answers right per statement, first try and final.",
    "origin_confusion": "Heatmap: the key's origin against the origin students chose.",
    "confidence_calibration": "Heatmap: the key's confidence level against the students'.",
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


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


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
            f"{_e(FIELD_NAMES[f.field])}: {_e(_label_name(case, f.field, f.modal))} "
            f"({'–' if f.share is None else f'{f.share:.0%}'})"
            + (" <span class=\"split\">splits</span>" if f.field in s.split_fields else "")
            for f in s.fields
        )
        off = ", ".join(FIELD_NAMES[f] for f in s.majority_off_key) or "–"
        css = " class=\"split\"" if s.splits else ""
        parts.append(
            f"<tr><td{css}>{_e(s.statement_id)}</td><td>{_e(_short(statement.quote))}</td>"
            f"<td>{s.first_try_right:.0%}</td><td>{cells}</td><td>{_e(off)}</td></tr>"
        )
    parts.append("</table>")
    parts.append("<h2>Agreement per field (Fleiss' kappa)</h2><table><tr><th>Field</th><th>Kappa</th><th>Reads as</th></tr>")
    for f in FIELDS:
        parts.append(f"<tr><td>{_e(FIELD_NAMES[f])}</td><td>{_fmt_kappa(stats.kappa[f])}</td><td>{_e(kappa_words(stats.kappa[f]))}</td></tr>")
    parts.append(
        "</table><p class=\"note\">Students are the raters and statements the subjects. Kappa is agreement beyond "
        "chance: 0 is chance, 1 is everyone agreeing everywhere. Low kappa with high scores is rare; low kappa "
        "with low scores is a field to teach again.</p>"
    )
    cal = stats.calibration
    parts.append(
        f"<h2>Figures</h2><p>Confidence: {cal.too_sure:.0%} of the answered confidences were surer than the key, "
        f"{cal.matched:.0%} matched it (or an accepted alternative) and {cal.too_unsure:.0%} were less sure.</p>"
    )
    for name in FIGURES:
        if name in images:
            parts.append(f"<img src=\"{_e(images[name])}\" alt=\"{_e(_ALT[name])}\">")
    if stats.lowest_first_try:
        parts.append(
            "<h2>Lowest first-try scores</h2><p class=\"note\">Who may want a word before the next lesson.</p>"
            "<table><tr><th>Student id</th><th>Name</th><th>First try</th><th>Final</th></tr>"
        )
        for line in stats.lowest_first_try:
            parts.append(
                f"<tr><td>{_e(line.student_id)}</td><td>{_e(line.name)}</td>"
                f"<td>{line.first_try_points:.1f}</td><td>{line.points:.1f}</td></tr>"
            )
        parts.append("</table>")
    if outcome and (outcome.rejected or outcome.duplicates or outcome.skipped):
        parts.append("<h2>Files</h2><ul>")
        for line in [*outcome.rejected, *duplicate_lines(outcome.duplicates), *outcome.skipped]:
            parts.append(f"<li>{_e(line)}</li>")
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


def write_report(case: Case, submissions: Sequence[Submission], folder: Path, *, outcome: Outcome | None = None) -> Path:
    """Write the four figures (PNG) and ``index.html`` into ``folder``; returns the page's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stats = class_statistics(case, submissions)
    images = {}
    for name, fig in figures(case, stats).items():
        (folder / f"{name}.png").write_bytes(png_bytes(fig))
        images[name] = f"{name}.png"
    page = folder / "index.html"
    page.write_text(summary_page(case, stats, images, outcome=outcome), encoding="utf-8")
    return page


def show(case: Case, submissions: Sequence[Submission], *, outcome: Outcome | None = None) -> Any:
    """The report for a notebook: an HTML display object with the figures inlined."""
    from IPython.display import HTML

    stats = class_statistics(case, submissions)
    images = {
        name: "data:image/png;base64," + base64.b64encode(png_bytes(fig)).decode("ascii")
        for name, fig in figures(case, stats).items()
    }
    return HTML(summary_html(case, stats, images, outcome=outcome))


__all__ = [
    "FIGURES",
    "OKABE_ITO",
    "Calibration",
    "ClassStatistics",
    "Confusion",
    "FieldAgreement",
    "StatementAgreement",
    "class_statistics",
    "confidence_calibration",
    "difficulty",
    "figures",
    "kappa_by_field",
    "kappa_words",
    "origin_confusion",
    "png_bytes",
    "show",
    "statement_agreement",
    "summary_html",
    "summary_page",
    "write_report",
]
