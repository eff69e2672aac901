"""The class report's charts: matplotlib figures (Agg, no pyplot) drawn from the class statistics.

Colours come from :mod:`attribution_lab.core.palette`; label names longer than an axis can hold are
shortened (the full names are in the summary page). Every text is drawn as written
(:func:`~attribution_lab.core.chart_text.literal_text`): a ``$`` in a label is a dollar sign.
The charts draw on :class:`~attribution_lab.drawing.text_canvas.QuickTextCanvas`, and the numbers
in a heatmap's cells are one :class:`~attribution_lab.instructor.chart_canvas.CellLabels` artist:
both draw the same texts as matplotlib's Agg, quicker.
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


#: Dots per inch of every chart: sharp on a screen and in print at the page's width, and few
#: enough pixels that drawing and compressing a chart stays quick.
DPI = 110
#: zlib level of the PNGs: 3 compresses a chart as well as the default 6 (within 2%) in half the time.
PNG_COMPRESS_LEVEL = 3
#: Ticks as every chart draws them; tick labels are set explicitly so that they can be measured.
PERCENT_TICKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
# Spaces in points, matplotlib's defaults: around the figure (constrained layout's pad), a tick's
# length plus its label's pad, an axis label's pad, a title's pad; between the axes and a colorbar,
# and its width (as constrained layout drew them).
_EDGE, _TICK, _LABEL_PAD, _TITLE_PAD, _COLORBAR_GAP, _COLORBAR_WIDTH = 3.0, 7.0, 4.0, 6.0, 11.0, 18.0


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # no pyplot: nothing global, works under Agg anywhere

    from ..drawing.text_canvas import QuickTextCanvas

    fig = Figure(figsize=(width, height), dpi=DPI)
    QuickTextCanvas(fig)  # its renderer measures the texts in _lay_out, and the draw reuses it
    return fig


def _percent(values: Sequence[float]) -> list[str]:
    return [f"{v:.0%}" for v in values]


def _fit_width(text: Any, renderer: Any, width: float) -> Any:
    """Wrap a text to lines that fit ``width`` pixels (a long title or note would be cut off)."""
    import textwrap

    extent = text.get_window_extent(renderer)
    if extent.width > width:
        chars = max(20, int(len(text.get_text()) * width / extent.width))
        text.set_text(textwrap.fill(text.get_text(), chars))
        extent = text.get_window_extent(renderer)
    return extent


def _as_written(fig: Any) -> None:
    """Mark the figure's texts so far as drawn as written (:func:`literal_text`'s rule), before
    they are measured: measuring a text reads it, and a ``$`` would be read as math.
    """
    literal_text(lambda: fig)()


def _lay_out(fig: Any, ax: Any, note: str, colorbar: tuple[Any, str] | None = None) -> None:
    """Place the axes (and a colorbar: its image and label) in fixed margins computed once from
    the measured texts, and write the source note at the bottom left.

    This does what constrained layout did for these charts (room for the tick labels, axis labels,
    title, colorbar and note; nothing cut off at the figure's edge) without its repeated passes
    over every artist, which took about a third of the time to draw a chart.
    """
    renderer = fig.canvas.get_renderer()
    pt = fig.dpi / 72  # pixels per point
    width, height = fig.bbox.width, fig.bbox.height
    edge = _EDGE * pt

    def extents(texts: Any) -> list[Any]:
        return [t.get_window_extent(renderer) for t in texts if t.get_text()]

    text = fig.supxlabel(note, fontsize=7, color=NOTE_GREY, x=edge / width, y=edge / height, ha="left", va="bottom")
    _as_written(fig)
    ytick, xtick = extents(ax.get_yticklabels()), extents(ax.get_xticklabels())
    ylabel, xlabel = ax.yaxis.label.get_window_extent(renderer), ax.xaxis.label.get_window_extent(renderer)
    note_box = _fit_width(text, renderer, width - 2 * edge)
    left = edge + ylabel.width + _LABEL_PAD * pt + max((e.width for e in ytick), default=0) + _TICK * pt
    bottom = (edge + note_box.height + _LABEL_PAD * pt + xlabel.height + _LABEL_PAD * pt
              + max((e.height for e in xtick), default=0) + _TICK * pt)
    right = edge + (xtick[-1].width / 2 if xtick and ax.get_xticklabels()[-1].get_ha() == "center" else 0)
    bar = None
    if colorbar is not None:
        image, label = colorbar
        cax = fig.add_axes((0, 0, 1, 1))  # placed below, once the axes' place is known
        bar = fig.colorbar(image, cax=cax, label=label)
        bar.set_ticks(PERCENT_TICKS, labels=_percent(PERCENT_TICKS))
        _as_written(fig)
        ticks = extents(cax.get_yticklabels())
        right += (cax.yaxis.label.get_window_extent(renderer).width + _LABEL_PAD * pt
                  + max(e.width for e in ticks) + _TICK * pt + _COLORBAR_GAP * pt)
    # Rotated x tick labels end at their tick and may reach further left than the y tick labels:
    # label j ends at left + (j + 1/2) * cell, with cell = (width - left - right) / n.
    labels = ax.get_xticklabels()
    if labels and labels[0].get_rotation() and labels[0].get_ha() == "right":
        n = len(labels)
        for j, e in enumerate(xtick):
            share = (j + 0.5) / n
            left = max(left, (edge + e.width - share * (width - right)) / (1 - share))
    title = ax.title
    title_box = _fit_width(title, renderer, width - left - right)
    top = edge + title_box.height + _TITLE_PAD * pt
    if bar is not None:
        right += _COLORBAR_WIDTH * pt
    fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height)
    if bar is not None:
        # Beside the image as drawn: a heatmap of square cells is narrower than its axes' box.
        ax.apply_aspect()
        box = ax.get_position(original=False)
        bar.ax.set_position((box.x1 + _COLORBAR_GAP * pt / width, box.y0, _COLORBAR_WIDTH * pt / width, box.height))


def _bars(ax: Any, y: Sequence[float], widths: Sequence[float], colour: str) -> None:
    """Horizontal bars 0.4 high from 0 to each width, as ``barh`` draws them, in one collection
    (one artist for the series instead of one per bar).
    """
    from matplotlib.collections import PolyCollection

    rectangles = [((0, c - 0.2), (w, c - 0.2), (w, c + 0.2), (0, c + 0.2)) for c, w in zip(y, widths)]
    ax.add_collection(PolyCollection(rectangles, facecolors=colour, edgecolors="none", linewidths=0))
    ax.sticky_edges.x.append(0)  # as barh does: no margin left of the bars' common start


#: Size in points of the numbers written in a heatmap's cells.
CELL_FONTSIZE = 7


def _annotate(ax: Any, values: Sequence[Sequence[float]], labels: Sequence[Sequence[str]], vmax: float) -> None:
    """Write each non-empty label in its cell (row i, column j), as one :class:`CellLabels` artist."""
    cells = [
        # cividis runs dark to light: dark text on the light end, white on the dark end.
        (j, i, labels[i][j], "black" if vmax and value / vmax > 0.6 else "white")
        for i, row in enumerate(values) for j, value in enumerate(row) if labels[i][j]
    ]
    from .chart_canvas import CellLabels  # matplotlib is imported only when a chart is drawn

    ax.add_artist(CellLabels(cells, CELL_FONTSIZE, transform=ax.transData))


@literal_text
def chart_difficulty(case: Case, stats: ClassStatistics) -> Any:
    """Bar chart: per statement, the share of answers right at the first try and now."""
    from matplotlib.patches import Patch

    ids = list(case.statement_ids)
    first = [stats.difficulty[s][0] for s in ids]
    current = [stats.difficulty[s][1] for s in ids]
    fig = _new_figure(7.5, 0.28 * len(ids) + 1.6)
    ax = fig.add_subplot()
    y = range(len(ids))
    # The y axis is inverted below, so the first try (offset up) sits above the current answer.
    _bars(ax, [i - 0.2 for i in y], first, FIRST_TRY_COLOUR)
    _bars(ax, [i + 0.2 for i in y], current, CURRENT_COLOUR)
    ax.set_yticks(list(y), ids)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks(PERCENT_TICKS, _percent(PERCENT_TICKS))
    counted = "every field" if len(stats.fields) == len(FIELDS) else ", ".join(FIELD_NAMES[f] for f in stats.fields)
    ax.set_xlabel(f"Share of answers right ({counted}; accepted alternatives count as right)")
    ax.set_ylabel("Statement (article order)")
    ax.set_title("How hard each statement was: right at the first try and now", y=1.0)
    ax.legend(handles=[Patch(color=FIRST_TRY_COLOUR, label="First try"), Patch(color=CURRENT_COLOUR, label="Current answer")],
              loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    _lay_out(fig, ax, source_note(stats, "first-try and current answers"))
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
    ax.set_title("Origin confusion: numbers are answers; colour is the share of the row", y=1.0)
    _lay_out(fig, ax, source_note(stats, "first-try origins"), (image, "Share of the key's row"))
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
        fontsize=10, y=1.0,
    )
    _lay_out(fig, ax, source_note(stats, "first-try answers to Believable?; the key's accepted alternatives count as matching"),
             (image, "Share of the key's row"))
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
    ax.set_title("Class agreement: share giving the most common answer (* = not the key's)", fontsize=10, y=1.0)
    _lay_out(fig, ax, source_note(stats, "first-try answers"), (image, "Share agreeing with the modal answer"))
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

    from ..drawing.text_canvas import QuickTextCanvas

    if not isinstance(fig.canvas, FigureCanvasAgg):
        QuickTextCanvas(fig)  # keeps the canvas the chart was laid out with, and its renderer
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": PNG_COMPRESS_LEVEL})
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
