"""Figures for the lessons: a claim's chain, how estimates changed over time, a student's results.

Every function takes case data (and a submission where needed) and returns a matplotlib
:class:`~matplotlib.figure.Figure`; none calls ``plt.show()`` or touches files, so notebooks display
the figure and tests read its titles, labels and texts. Colours come from the Okabe-Ito palette,
which stays distinguishable for the common kinds of colour blindness; meaning never rests on
colour alone (every point and bar is labelled, verdicts carry a symbol as well). Every text is drawn
as written (:func:`~attribution_lab.core.chart_text.literal_text`): a ``$`` in a label is a dollar sign.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ..core.case import FIELD_NAMES, FIELDS, Case
from ..core.chart_text import literal_text
from ..core.engine import check_field
from ..core.feedback import VERDICT_MARKS, chain_path, chain_role
from ..core.palette import (
    CURRENT_COLOUR,
    FIRST_TRY_COLOUR,
    GRID_GREY,
    NOTE_GREY,
    OKABE_ITO,
    VERDICT_COLOURS,
    chain_colour,
)
from ..core.plan import asked
from ..core.submission import Submission, answers_of, score_submission
from .lessons import graded_lessons, lesson_scores, quantities


def _source_note(fig: Figure, case: Case, evidence_ids: Iterable[str], prefix: str = "Sources") -> None:
    """Write the outlets behind a figure at its foot (the key's evidence, in first-use order)."""
    outlets: list[str] = []
    for evidence_id in evidence_ids:
        outlet = case.evidence[evidence_id].outlet
        if outlet not in outlets:
            outlets.append(outlet)
    text = textwrap.fill(
        f"{prefix}: " + ("; ".join(outlets) if outlets else "the case's answer key") + f". Case: {case.id}.", 150
    )
    fig.text(0.01, 0.005, text, fontsize=8, va="bottom", ha="left", color=NOTE_GREY)
    # Keep the note clear of axis labels: the layout may use only the part of the figure above it.
    engine = fig.get_layout_engine()
    if engine is not None:
        bottom = (0.16 * (text.count("\n") + 1) + 0.06) / fig.get_figheight()
        engine.set(rect=(0, bottom, 1, 1 - bottom))  # type: ignore[call-arg]  # constrained layout takes rect


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


@literal_text
def draw_chain(case: Case, statement_id: str) -> Figure:
    """The key's chain for one statement: origin, then every intermediary, then the reader, as boxes
    joined by arrows, with the statement's words as the subtitle.
    """
    statement = case.statement(statement_id)
    names = chain_path(case, statement_id)
    # At most 8.5 inches wide: JupyterLab shows a wider picture scaled down, and a long chain's
    # labels then shrank to about 6 px. Long chains get narrower boxes, not smaller text.
    width = min(8.5, max(6.5, 1.5 * len(names)))
    fig = Figure(figsize=(width, 3.2), layout="constrained")
    ax = fig.add_subplot()
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(-1.0, 1.0)
    ax.axis("off")
    ax.set_title(f"{statement.id}: how the claim reached you", fontsize=13, loc="left")
    per_box = int(width * 72 / len(names) / 7.5)  # characters of 11-point text a box holds on a line
    for n, name in enumerate(names):
        box = FancyBboxPatch((n - 0.44, -0.4), 0.88, 0.8, boxstyle="round,pad=0.02", facecolor=chain_colour(n, len(names)),
                             edgecolor="#000000", linewidth=1.0, gid=f"chain-box-{n}")
        ax.add_patch(box)
        ax.text(n, 0.0, _wrap(name, max(9, per_box)), ha="center", va="center", fontsize=11)
        ax.text(n, -0.52, chain_role(n, len(names)), ha="center", va="top", fontsize=10, style="italic", color=NOTE_GREY)
        if n:
            ax.add_patch(FancyArrowPatch((n - 1 + 0.46, 0.0), (n - 0.46, 0.0), arrowstyle="-|>",
                                         mutation_scale=14, color="#000000", gid=f"chain-arrow-{n}"))
    ax.text(-0.55, 0.92, _wrap(f"“{statement.quote}”", int(width * 72 / 6.5)), fontsize=10, va="top", ha="left")
    _source_note(fig, case, statement.evidence, "Checked against")
    return fig


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _nice_date(text: str) -> str:
    day = _day(text)
    return f"{day.day} {day.strftime('%b %Y')}"


@literal_text
def estimates_timeline(case: Case, quantity: str) -> Figure:
    """Every dated estimate of one quantity as a point (labelled with who gave it and when), and the
    article's own figures for that quantity as dashed lines: the article gives them no date.
    """
    known = quantities(case)
    if quantity not in known:
        raise KeyError(f"case {case.id!r} has no estimates of {quantity!r}; it has: {', '.join(known) or 'none'}")
    fig = Figure(figsize=(9.0, 5.0), layout="constrained")
    _draw_estimates(fig.add_subplot(), case, quantity)
    _source_note(fig, case, [e.evidence for e in case.estimates if e.quantity == quantity])
    return fig


@literal_text
def estimates_figure(case: Case) -> Figure:
    """One timeline per quantity of the case (see :func:`estimates_timeline`), stacked; a figure
    that says so when the case has no estimates, so a lesson still runs.
    """
    known = quantities(case)
    fig = Figure(figsize=(9.0, 4.6 * max(1, len(known))), layout="constrained")
    if not known:
        ax = fig.add_subplot()
        ax.axis("off")
        ax.set_title(f"Case {case.id!r} has no dated estimates to compare", loc="left")
        return fig
    for ax, quantity in zip(fig.subplots(len(known), 1, squeeze=False)[:, 0], known):
        _draw_estimates(ax, case, quantity)
    _source_note(fig, case, [e.evidence for e in case.estimates])
    return fig


def _draw_estimates(ax: Axes, case: Case, quantity: str) -> None:
    estimates = sorted((e for e in case.estimates if e.quantity == quantity), key=lambda e: (e.date, e.value))
    figures = [f for f in case.article_figures if f.quantity == quantity]
    origins = case.labels("origin")
    order = list(origins)
    seen: set[str] = set()
    markers = "osD^vP*X"
    for estimate in estimates:
        index = order.index(estimate.given_by)
        label = origins[estimate.given_by].name if estimate.given_by not in seen else None
        seen.add(estimate.given_by)
        # matplotlib converts dates through its units registry; its type stubs only name numbers.
        ax.plot([_day(estimate.date)], [estimate.value], marker=markers[index % len(markers)], markersize=9,  # type: ignore[arg-type]
                linestyle="none", color=OKABE_ITO[1 + index % 7], markeredgecolor="#000000", label=label)
        # Of estimates within a fortnight of each other, only the highest is labelled above its
        # point and the rest below, so labels close in time do not print over each other.
        near = [e.value for e in estimates if abs((_day(e.date) - _day(estimate.date)).days) <= 14]
        dy = 10 if estimate.value >= max(near) else -30
        ax.annotate(f"{estimate.value:,.0f}: {origins[estimate.given_by].name}\n{_nice_date(estimate.date)}",
                    (_day(estimate.date), estimate.value), textcoords="offset points", xytext=(6, dy),
                    fontsize=8, ha="left")
    for figure in figures:
        ax.axhline(figure.value, color=OKABE_ITO[6], linestyle="--", linewidth=1.5,
                   label=f"The article ({figure.statement}): {figure.value:,.0f}, no date given")
    values = [e.value for e in estimates] + [f.value for f in figures]
    ax.set_ylim(0, max(values) * 1.25)
    if estimates:
        first, last = _day(estimates[0].date), _day(estimates[-1].date)
        pad = max((last - first).days * 0.12, 10)
        ax.set_xlim(first - timedelta(days=pad), last + timedelta(days=pad * 3))  # type: ignore[arg-type]
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        # the offset names the year only ("2025", not "2025-May"): the ticks already name the months
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, offset_formats=["", "%Y", "%Y", "%Y", "%Y", "%Y"]))
    ax.set_title(f"Estimates of {quantity} over time" + (", and the article's figure" if figures else ""), loc="left")
    ax.set_xlabel("Date the estimate was published")
    ax.set_ylabel(f"{quantity.capitalize()} (number of people)")
    ax.yaxis.set_major_formatter(lambda value, _pos: f"{value:,.0f}")
    ax.grid(True, axis="y", color=GRID_GREY)
    ax.legend(loc="lower right", fontsize=8, framealpha=0.95)


def _bars(ax: Axes, names: list[str], first: list[float], current: list[float], title: str) -> None:
    positions = range(len(names))
    ax.barh([p - 0.2 for p in positions], first, height=0.38, color=FIRST_TRY_COLOUR, label="First try", hatch="//",
            edgecolor="#000000")
    ax.barh([p + 0.2 for p in positions], current, height=0.38, color=CURRENT_COLOUR, label="Current answers", edgecolor="#000000")
    for p, (a, b) in enumerate(zip(first, current)):
        ax.text(a + 1, p - 0.2, f"{a:.0f}%", va="center", fontsize=8)
        ax.text(b + 1, p + 0.2, f"{b:.0f}%", va="center", fontsize=8)
    ax.set_yticks(list(positions), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.set_xlabel("Score (% of points)")
    ax.set_title(title, loc="left")


@literal_text
def results_dashboard(case: Case, submission: Submission) -> Figure:
    """Two bar charts of a submission: score by lesson and score by field, first try beside current answers."""
    current_lessons, first_lessons = lesson_scores(case, submission, "current"), lesson_scores(case, submission, "first")
    current, first = score_submission(case, submission)
    fig = Figure(figsize=(10.0, 4.6), layout="constrained")
    by_lesson, by_field = fig.subplots(1, 2)
    lessons = graded_lessons()
    _bars(by_lesson, [f"{item.number} {item.title}" for item in lessons],
          [100 * first_lessons[item.number].fraction for item in lessons],
          [100 * current_lessons[item.number].fraction for item in lessons], "Score by lesson")
    by_lesson.set_ylabel("Lesson")

    def percent(pair: tuple[float, float]) -> float:
        return 100 * pair[0] / pair[1] if pair[1] else 0.0

    _bars(by_field, [FIELD_NAMES[f] for f in FIELDS], [percent(first.by_field[f]) for f in FIELDS],
          [percent(current.by_field[f]) for f in FIELDS], "Score by field")
    by_field.set_ylabel("Field")
    # one legend for both charts, above them: inside an axes it covered the last bars
    fig.legend(*by_lesson.get_legend_handles_labels(), loc="outside upper right", ncols=2, fontsize=8, frameon=False)
    fig.suptitle(f"My results: {100 * current.fraction:.0f}% with current answers, {100 * first.fraction:.0f}% at first try", x=0.01,
                 ha="left")
    _source_note(fig, case, [], "Scored against")
    return fig


@literal_text
def results_grid(case: Case, submission: Submission) -> Figure:
    """Every statement against every field, coloured and marked by verdict (✓ right, ◐ partly,
    ✗ not yet, … not answered), so what was missed stands out. A field no lesson asks of a
    statement is left empty: it is neither scored nor missed.
    """
    answers = answers_of(submission, "current")
    scored = asked(case)
    fig = Figure(figsize=(7.5, 0.32 * len(case.statements) + 1.6), layout="constrained")
    ax = fig.add_subplot()
    for row, statement in enumerate(case.statements):
        for col, field in enumerate(FIELDS):
            if field not in scored.get(statement.id, ()):
                continue
            result = check_field(case, statement, field, answers.get(statement.id, {}).get(field))
            ax.add_patch(FancyBboxPatch((col + 0.06, row + 0.08), 0.88, 0.84, boxstyle="square,pad=0",
                                        facecolor=VERDICT_COLOURS[result.verdict], edgecolor="#999999",
                                        gid=f"verdict-{statement.id}-{field}"))
            ax.text(col + 0.5, row + 0.5, VERDICT_MARKS[result.verdict][0], ha="center", va="center", fontsize=9)
    ax.set_xlim(0, len(FIELDS))
    ax.set_ylim(len(case.statements), 0)
    # two lines where a name has two words, so neighbouring headings do not run together
    ax.set_xticks([c + 0.5 for c in range(len(FIELDS))], [FIELD_NAMES[f].replace(" ", "\n", 1) for f in FIELDS])
    ax.xaxis.tick_top()
    ax.set_yticks([r + 0.5 for r in range(len(case.statements))], list(case.statement_ids))
    ax.set_xlabel("Field")
    ax.set_ylabel("Statement")
    ax.set_title("Every statement and field, as answered now", loc="left")
    ax.tick_params(length=0)
    handles = [FancyBboxPatch((0, 0), 1, 1, facecolor=VERDICT_COLOURS[v], edgecolor="#999999",
                              label=f"{VERDICT_MARKS[v][0]} {VERDICT_MARKS[v][1]}") for v in VERDICT_COLOURS]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    _source_note(fig, case, [], "Scored against")
    return fig


__all__ = ["draw_chain", "estimates_figure", "estimates_timeline", "results_dashboard", "results_grid"]
