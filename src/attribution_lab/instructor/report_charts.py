"""The class report's charts: matplotlib figures (Agg, no pyplot) drawn from the class statistics.

Colours come from :mod:`attribution_lab.core.palette`; label names longer than an axis can hold are
shortened (the full names are in the summary page). Every text is drawn as written
(:func:`~attribution_lab.core.chart_text.literal_text`): a ``$`` in a label is a dollar sign.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from ..core.case import FIELD_NAMES, FIELDS, Case
from ..core.chart_text import literal_text
from ..core.feedback import join_chain, shorten
from ..core.palette import CURRENT_COLOUR, FIRST_TRY_COLOUR, HEATMAP, NOTE_GREY
from ..core.statistics import NOT_ANSWERED, ClassStatistics, source_note

#: The report's charts, by name, in the order the page shows them.
CHARTS = ("difficulty", "origin_confusion", "believable_calibration", "agreement")


def label_name(case: Case, field_name: str, value: Any) -> str:
    """How a category of the report is named: a label's name, a chain's names, or "Not answered"."""
    if value is None or value == NOT_ANSWERED:
        return NOT_ANSWERED
    labels = case.labels(field_name)
    if field_name == "chain":
        return join_chain(labels[v].name for v in value) if value else NOT_ANSWERED
    return labels[value].name


#: Longest tick label drawn in a figure; longer label names are cut with "…" so that a case with
#: long names still gets readable axes (the full names are in the summary page).
TICK_CHARS = 30


def _tick(text: str) -> str:
    """A label name short enough for an axis."""
    return shorten(text, TICK_CHARS)


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # no pyplot: nothing global, works under Agg anywhere

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _note(fig: Any, text: str) -> None:
    fig.get_layout_engine().set(h_pad=0.12)
    fig.supxlabel(text, fontsize=7, color=NOTE_GREY, x=0.0, ha="left")


def _annotate(ax: Any, values: Sequence[Sequence[float]], labels: Sequence[Sequence[str]], vmax: float) -> None:
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            if labels[i][j]:
                # cividis runs dark to light: dark text on the light end, white on the dark end.
                ax.text(j, i, labels[i][j], ha="center", va="center", fontsize=7,
                        color="black" if vmax and value / vmax > 0.6 else "white")


@literal_text
def chart_difficulty(case: Case, stats: ClassStatistics) -> Any:
    """Bar chart: per statement, the share of answers right at the first try and now."""
    ids = list(case.statement_ids)
    first = [stats.difficulty[s][0] for s in ids]
    current = [stats.difficulty[s][1] for s in ids]
    fig = _new_figure(7.5, 0.28 * len(ids) + 1.6)
    ax = fig.add_subplot()
    y = range(len(ids))
    # The y axis is inverted below, so the first try (offset up) sits above the current answer.
    ax.barh([i - 0.2 for i in y], first, height=0.4, color=FIRST_TRY_COLOUR, label="First try")
    ax.barh([i + 0.2 for i in y], current, height=0.4, color=CURRENT_COLOUR, label="Current answer")
    ax.set_yticks(list(y), ids)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    counted = "every field" if len(stats.fields) == len(FIELDS) else ", ".join(FIELD_NAMES[f] for f in stats.fields)
    ax.set_xlabel(f"Share of answers right ({counted}; accepted alternatives count as right)")
    ax.set_ylabel("Statement (article order)")
    ax.set_title("How hard each statement was: right at the first try and now")
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    _note(fig, source_note(stats, "first-try and current answers"))
    return fig


@literal_text
def chart_origin_confusion(case: Case, stats: ClassStatistics) -> Any:
    """Heatmap: the key's origin against the origin students chose (first try)."""
    c = stats.confusion
    fig = _new_figure(8.5, 0.45 * len(c.rows) + 3.2)
    ax = fig.add_subplot()
    totals = [sum(row) or 1 for row in c.counts]
    shares = [[n / t for n in row] for row, t in zip(c.counts, totals)]
    image = ax.imshow(shares, cmap=HEATMAP, vmin=0, vmax=1, aspect="auto")
    _annotate(ax, shares, [[str(n) if n else "" for n in row] for row in c.counts], 1)
    ax.set_xticks(range(len(c.columns)), [_tick(label_name(case, "origin", x)) for x in c.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(len(c.rows)), [_tick(label_name(case, "origin", x)) for x in c.rows], fontsize=8)
    ax.set_xlabel("Origin the students chose (first try)")
    ax.set_ylabel("Origin in the key")
    ax.set_title("Origin confusion: numbers are answers; colour is the share of the row")
    fig.colorbar(image, ax=ax, label="Share of the key's row", format=lambda v, _: f"{v:.0%}")
    _note(fig, source_note(stats, "first-try origins"))
    return fig


@literal_text
def chart_believable_calibration(case: Case, stats: ClassStatistics) -> Any:
    """Heatmap: the key's "Believable?" answer against the students' (first try), with the summary shares."""
    cal = stats.calibration
    fig = _new_figure(6.5, 4.6)
    ax = fig.add_subplot()
    totals = [sum(row) or 1 for row in cal.counts]
    shares = [[n / t for n in row] for row, t in zip(cal.counts, totals)]
    image = ax.imshow(shares, cmap=HEATMAP, vmin=0, vmax=1)
    _annotate(ax, shares, [[f"{s:.0%}\n({n})" if n else "" for s, n in zip(srow, crow)] for srow, crow in zip(shares, cal.counts)], 1)
    names = [_tick(label_name(case, "believable", x)) for x in cal.levels]
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("Believable? as the students answered (first try)")
    ax.set_ylabel("Believable? in the key")
    ax.set_title(
        f"Believable?: {cal.too_sure:.0%} too sure, {cal.matched:.0%} as the key, {cal.too_unsure:.0%} too unsure, "
        f"{cal.other_kind:.0%} another kind",
        fontsize=10,
    )
    fig.colorbar(image, ax=ax, label="Share of the key's row", format=lambda v, _: f"{v:.0%}")
    _note(fig, source_note(stats, "first-try answers to Believable?; the key's accepted alternatives count as matching"))
    return fig


@literal_text
def chart_agreement(case: Case, stats: ClassStatistics) -> Any:
    """Heatmap: per statement and field, the share of the class giving the modal answer; split ones first."""
    rows = stats.statements
    fig = _new_figure(7.5, 0.3 * len(rows) + 2.0)
    ax = fig.add_subplot()
    values = [[f.share if f.share is not None else 0.0 for f in s.fields] for s in rows]
    image = ax.imshow(values, cmap=HEATMAP, vmin=0, vmax=1, aspect="auto")
    marks = [[(f"{f.share:.0%}" + ("*" if f.modal_is_right is False else "")) if f.share is not None else "–" for f in s.fields] for s in rows]
    _annotate(ax, values, marks, 1)
    ax.set_xticks(range(len(stats.fields)), [f"{FIELD_NAMES[f]}\nκ = {kappa_text(stats.kappa[f])}" for f in stats.fields], fontsize=8)
    ax.set_yticks(range(len(rows)), [s.statement_id + (" (splits)" if s.splits else "") for s in rows], fontsize=8)
    ax.set_xlabel("Field, with Fleiss' kappa over all statements")
    ax.set_ylabel("Statement (where the class splits first)")
    ax.set_title("Class agreement: share giving the most common answer (* = not the key's)", fontsize=10)
    fig.colorbar(image, ax=ax, label="Share agreeing with the modal answer", format=lambda v, _: f"{v:.0%}")
    _note(fig, source_note(stats, "first-try answers"))
    return fig


def kappa_text(kappa: float | None) -> str:
    """A kappa value as the report prints it (two decimals, or n/a when undefined)."""
    return "n/a" if kappa is None else f"{kappa:.2f}"


def charts(case: Case, stats: ClassStatistics) -> dict[str, Any]:
    """The report's charts by name, as matplotlib Figure objects (shown nowhere); origin confusion
    and calibration only when their field is among the statistics' fields.
    """
    found = {"difficulty": chart_difficulty(case, stats)}
    if "origin" in stats.fields:  # each of these two is about its own field
        found["origin_confusion"] = chart_origin_confusion(case, stats)
    if "believable" in stats.fields:
        found["believable_calibration"] = chart_believable_calibration(case, stats)
    found["agreement"] = chart_agreement(case, stats)
    return found


def png_bytes(fig: Any) -> bytes:
    """A chart as PNG bytes (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


__all__ = [
    "CHARTS",
    "TICK_CHARS",
    "chart_agreement",
    "chart_believable_calibration",
    "chart_difficulty",
    "chart_origin_confusion",
    "charts",
    "kappa_text",
    "label_name",
    "png_bytes",
]
