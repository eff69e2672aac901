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
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

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
from ..drawing.text_canvas import QuickTextCanvas
from .lessons import graded_lessons, lesson_scores, quantities

# Spaces in points. _EDGE is what the inline backend's tight crop leaves around a figure
# (savefig.pad_inches, 0.1 in); _GAP separates a note, a figure-wide title or legend, and the
# axes' own texts from one another, as constrained layout's padding did.
_EDGE, _GAP = 7.2, 6.0
#: Space between the grid's cells and their headings, in points (matplotlib's default tick pad).
_TICK_PAD = 3.5


class _FittedCanvas(QuickTextCanvas):
    """An Agg canvas for a figure that :func:`_lay_out` has fitted to its own size: every text
    inside, the content within ``_EDGE`` (the tight crop's own padding) of each edge. Its texts
    are drawn as the class report's are, each as one bitmap (:class:`QuickTextCanvas`).

    The inline backend saves every figure with ``bbox_inches="tight"``, which draws the figure
    once without output to find its extent and then again, at the cropped size, on a new renderer
    that measures every text afresh: about half the time of showing a figure. Cropping a figure
    that already fits changes nothing, so this canvas draws it once, at its own size, on the
    renderer that measured it. Other ``bbox_inches`` values are passed on unchanged.
    """

    def print_figure(self, *args: Any, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("bbox_inches"), str) and kwargs["bbox_inches"] == "tight":
            kwargs["bbox_inches"] = None
        return super().print_figure(*args, **kwargs)

    def print_png(self, filename_or_obj: Any, *, metadata: dict[str, str] | None = None,
                  pil_kwargs: dict[str, Any] | None = None, **_drawn_already: Any) -> None:
        # zlib level 3 unless asked otherwise: within 5% of the default level 6's size in about
        # half its time (a lesson's PNG took 75 ms to compress at level 6), as the class report does.
        # print_figure hands a method of ours its dpi, colours and orientation as well; like
        # matplotlib's own print_png, this one has no use for them (the figure carries them).
        super().print_png(filename_or_obj, metadata=metadata, pil_kwargs={"compress_level": 3} if pil_kwargs is None else pil_kwargs)


def _new_figure(width: float, height: float) -> Figure:
    """A figure on a :class:`_FittedCanvas`: its renderer measures the texts when the figure is
    laid out, and drawing the figure as PNG (as the inline backend does) reuses it and what it measured.
    """
    fig = Figure(figsize=(width, height))
    _FittedCanvas(fig)
    return fig


def _as_written(fig: Figure) -> None:
    """Mark the figure's texts so far as drawn as written (:func:`literal_text`'s rule) before
    they are measured: measuring a text reads it, and a ``$`` would be read as math.
    """
    literal_text(lambda: fig)()


def _fit_width(text: Text, width: float) -> None:
    """Wrap a figure text to lines that fit ``width`` pixels (a long note would be cut off)."""
    extent = text.get_window_extent()
    if extent.width > width:
        words = " ".join(text.get_text().split())
        chars = max(20, int(len(words) * width / extent.width))
        text.set_text(textwrap.fill(words, chars))
        while text.get_window_extent().width > width and chars > 20:  # a line of wide letters
            chars -= 5
            text.set_text(textwrap.fill(words, chars))


def _source_note(fig: Figure, case: Case, evidence_ids: Iterable[str], prefix: str = "Sources") -> Text:
    """Write the outlets behind a figure at its foot (the key's evidence, in first-use order),
    wrapped to the figure's width; :func:`_lay_out` keeps the axes above it.
    """
    outlets: list[str] = []
    for evidence_id in evidence_ids:
        outlet = case.evidence[evidence_id].outlet
        if outlet not in outlets:
            outlets.append(outlet)
    text = f"{prefix}: " + ("; ".join(outlets) if outlets else "the case's answer key") + f". Case: {case.id}."
    pt = fig.dpi / 72
    note = fig.text(_EDGE * pt / fig.bbox.width, _EDGE * pt / fig.bbox.height, text, fontsize=8, va="bottom", ha="left",
                    color=NOTE_GREY)
    _as_written(fig)
    _fit_width(note, fig.bbox.width - 2 * _EDGE * pt)
    return note


def _lay_out(fig: Figure, grid: list[list[Axes]], top: float = 0.0, bottom: float = 0.0) -> None:
    """Place a grid of axes (rows of subplots) in fixed margins measured from their own texts:
    tick labels, axis labels, titles, legends and annotations, each kept inside the figure and
    clear of its neighbours'. ``top`` and ``bottom`` are pixels kept free above and below (a
    figure-wide title or legend, the source note).

    This does what constrained layout did for these figures without its repeated passes over
    every artist at each draw (about half the time of drawing a figure). The ticks are fixed
    before this is called, so the ticks, axis labels and titles keep their distance to the axes
    whatever its size: they are measured once. Texts and legends placed in data or axes
    coordinates move with the axes, so they are measured again after each placement; as the axes
    only grow from matplotlib's default place, what they reach past it only shrinks, and the
    placement stops once it changes by less than a pixel.
    """
    _as_written(fig)
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # an Agg canvas: _new_figure
    pt = fig.dpi / 72
    width, height = fig.bbox.width, fig.bbox.height
    edge, gap = _EDGE * pt, _GAP * pt
    rows, cols = len(grid), len(grid[0])
    axes = [ax for row in grid for ax in row]

    def reach(ax: Axes, extents: list[Bbox]) -> tuple[float, float, float, float]:
        """How far ``extents`` reach past the axes' box: left, bottom, right, top (pixels, at least 0)."""
        box = ax.get_window_extent(renderer)
        return (max([0.0, *(box.x0 - e.x0 for e in extents)]), max([0.0, *(box.y0 - e.y0 for e in extents)]),
                max([0.0, *(e.x1 - box.x1 for e in extents)]), max([0.0, *(e.y1 - box.y1 for e in extents)]))

    # bbox_extra_artists=[]: the axis (ticks, their labels, the axis label) and the titles only
    fixed = {ax: reach(ax, [ax.get_tightbbox(renderer, bbox_extra_artists=[]) or ax.get_window_extent(renderer)]) for ax in axes}
    moving: dict[Axes, list[Artist]] = {ax: list(ax.texts) for ax in axes}
    for ax in axes:
        legend = ax.get_legend()
        if legend is not None:
            moving[ax].append(legend)
    placed: tuple[float, ...] = ()
    for n in range(3):
        extents = {ax: [(a, a.get_window_extent(renderer)) for a in moving[ax]] for ax in axes}
        out = {ax: tuple(map(max, fixed[ax], reach(ax, [e for _, e in extents[ax]]))) for ax in axes}
        if n == 0:
            # Only what comes near the box's edge can come to reach past it (the grid's hundred
            # cell marks, the bars' value labels do not): measure only those again.
            for ax in axes:
                box = ax.get_window_extent(renderer).padded(-4 * edge)
                moving[ax] = [a for a, e in extents[ax] if not (box.containsx(e.x0) and box.containsx(e.x1)
                                                               and box.containsy(e.y0) and box.containsy(e.y1))]
        left = edge + max(out[row[0]][0] for row in grid)
        right = edge + max(out[row[-1]][2] for row in grid)
        upper = edge + top + max(out[ax][3] for ax in grid[0])
        lower = edge + bottom + max(out[ax][1] for ax in grid[-1])
        across = max((out[row[c]][2] + out[row[c + 1]][0] for row in grid for c in range(cols - 1)), default=0.0) + 2 * gap
        down = max((out[grid[r][c]][1] + out[grid[r + 1][c]][3] for r in range(rows - 1) for c in range(cols)), default=0.0) + 2 * gap
        margins = (left, right, upper, lower, across, down)
        if placed and max(abs(a - b) for a, b in zip(margins, placed)) < 1:
            break
        cell_width = (width - left - right - (cols - 1) * across) / cols
        cell_height = (height - upper - lower - (rows - 1) * down) / rows
        fig.subplots_adjust(left=left / width, right=1 - right / width, bottom=lower / height, top=1 - upper / height,
                            wspace=across / cell_width, hspace=down / cell_height)
        placed = margins
        if not any(moving.values()):
            break


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
    fig = _new_figure(width, 3.2)
    ax = fig.add_subplot()
    ax.set_xlim(-0.6, len(names) - 0.4)
    ax.set_ylim(-1.0, 1.0)
    ax.axis("off")
    ax.set_title(f"{statement.id}: how the claim reached you", fontsize=13, loc="left", y=1.0)
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
    note = _source_note(fig, case, statement.evidence, "Checked against")
    _lay_out(fig, [[ax]], bottom=note.get_window_extent().height + _GAP * fig.dpi / 72)
    return fig


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _nice_date(text: str) -> str:
    day = _day(text)
    return f"{day.day} {day.strftime('%b %Y')}"


def _date_ticks(start: date, end: date) -> tuple[list[date], list[str]]:
    """Calendar ticks from ``start`` to ``end`` (at most about nine) and their labels: every
    Monday over seven weeks or less, the 1st and 15th of each month up to about three months,
    then the first of every month, or of every 2nd, 3rd or 6th month, then years. A label names the
    year at the first tick and wherever the year changes, so no tick leaves its year to be guessed.
    """
    span = (end - start).days
    months = []
    year, month = start.year, start.month
    while date(year, month, 1) <= end:
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    by_day = span <= 100
    if span <= 50:
        monday = start + timedelta(days=-start.weekday() % 7)
        days = [monday + timedelta(weeks=n) for n in range((end - monday).days // 7 + 1)]
    elif by_day:
        days = [d.replace(day=n) for d in months for n in (1, 15) if start <= d.replace(day=n) <= end]
    elif span <= 1500:
        step = 1 if span <= 250 else 2 if span <= 500 else 3 if span <= 750 else 6
        days = [d for d in months if d >= start and (d.month - 1) % step == 0]
    else:
        step = -(-span // (365 * 8))  # years between ticks, rounded up
        days = [d for d in months if d >= start and d.month == 1 and d.year % step == 0]
        return days, [str(d.year) for d in days]
    labels = []
    for n, day in enumerate(days):
        label = f"{day.day} {day:%b}" if by_day else f"{day:%b}"
        labels.append(label + (f" {day.year}" if n == 0 or day.year != days[n - 1].year else ""))
    return days, labels


@literal_text
def estimates_timeline(case: Case, quantity: str) -> Figure:
    """Every dated estimate of one quantity as a point (labelled with who gave it and when), and the
    article's own figures for that quantity as dashed lines: the article gives them no date.
    """
    known = quantities(case)
    if quantity not in known:
        raise KeyError(f"case {case.id!r} has no estimates of {quantity!r}; it has: {', '.join(known) or 'none'}")
    fig = _new_figure(9.0, 5.0)
    ax = fig.add_subplot()
    _draw_estimates(ax, case, quantity)
    note = _source_note(fig, case, [e.evidence for e in case.estimates if e.quantity == quantity])
    _lay_out(fig, [[ax]], bottom=note.get_window_extent().height + _GAP * fig.dpi / 72)
    return fig


@literal_text
def estimates_figure(case: Case) -> Figure:
    """One timeline per quantity of the case (see :func:`estimates_timeline`), stacked; a figure
    that says so when the case has no estimates, so a lesson still runs.
    """
    known = quantities(case)
    if not known:
        fig = _new_figure(9.0, 0.6)  # one line of title: the figure is not cropped to it when shown
        ax = fig.add_subplot()
        ax.axis("off")
        title = ax.set_title(f"Case {case.id!r} has no dated estimates to compare", loc="left", y=1.0)
        _as_written(fig)
        # as wide as its one line, as the inline backend's crop used to make it
        fig.set_size_inches(title.get_window_extent().width / fig.dpi + 2 * _EDGE / 72, 0.6)
        _lay_out(fig, [[ax]])
        return fig
    fig = _new_figure(9.0, 4.6 * len(known))
    axes = list(fig.subplots(len(known), 1, squeeze=False)[:, 0])
    for ax, quantity in zip(axes, known):
        _draw_estimates(ax, case, quantity)
    note = _source_note(fig, case, [e.evidence for e in case.estimates])
    _lay_out(fig, [[ax] for ax in axes], bottom=note.get_window_extent().height + _GAP * fig.dpi / 72)
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
    top = max(values) * 1.25
    ax.set_ylim(0, top)
    if estimates:
        first, last = _day(estimates[0].date), _day(estimates[-1].date)
        pad = max((last - first).days * 0.12, 10)
        start, end = first - timedelta(days=pad), last + timedelta(days=pad * 3)
        ax.set_xlim(start, end)  # type: ignore[arg-type]
        # Ticks fixed once, here: a date locator and formatter chose and wrote them again at every draw.
        days, day_labels = _date_ticks(start, end)
        ax.set_xticks(date2num(days), day_labels)
    ax.set_title(f"Estimates of {quantity} over time" + (", and the article's figure" if figures else ""), loc="left", y=1.0)
    ax.set_xlabel("Date the estimate was published")
    ax.set_ylabel(f"{quantity.capitalize()} (number of people)")
    ticks = [v for v in MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(0, top) if 0 <= v <= top]
    ax.set_yticks(ticks, [f"{v:,.0f}" for v in ticks])
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
    ax.set_xticks(range(0, 101, 20), [str(v) for v in range(0, 101, 20)])
    ax.set_xlabel("Score (% of points)")
    ax.set_title(title, loc="left", y=1.0)


@literal_text
def results_dashboard(case: Case, submission: Submission) -> Figure:
    """Two bar charts of a submission: score by lesson and score by field, first try beside current answers."""
    current_lessons, first_lessons = lesson_scores(case, submission, "current"), lesson_scores(case, submission, "first")
    current, first = score_submission(case, submission)
    fig = _new_figure(10.0, 4.6)
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
    pt = fig.dpi / 72
    edge_x, edge_y = _EDGE * pt / fig.bbox.width, _EDGE * pt / fig.bbox.height
    # one legend for both charts, above them: inside an axes it covered the last bars
    legend = fig.legend(*by_lesson.get_legend_handles_labels(), loc="upper right", bbox_to_anchor=(1 - edge_x, 1 - edge_y),
                        borderaxespad=0, ncols=2, fontsize=8, frameon=False)
    title = fig.suptitle(f"My results: {100 * current.fraction:.0f}% with current answers, {100 * first.fraction:.0f}% at first try",
                         x=edge_x, y=1 - edge_y, ha="left", va="top")
    note = _source_note(fig, case, [], "Scored against")
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]  # an Agg canvas: _new_figure
    band = max(title.get_window_extent(renderer).height, legend.get_window_extent(renderer).height)
    _lay_out(fig, [[by_lesson, by_field]], top=band + _GAP * pt, bottom=note.get_window_extent().height + _GAP * pt)
    return fig


@literal_text
def results_grid(case: Case, submission: Submission) -> Figure:
    """Every statement against every field, coloured and marked by verdict (✓ right, ◐ partly,
    ✗ not yet, … not answered), so what was missed stands out. A field no lesson asks of a
    statement is left empty: it is neither scored nor missed.
    """
    answers = answers_of(submission, "current")
    scored = asked(case)
    fig = _new_figure(7.5, 0.32 * len(case.statements) + 1.6)
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
    ax.tick_params(length=0, pad=_TICK_PAD)
    # Above the field names at the top: placed once from their measured height (matplotlib would
    # otherwise measure them again at every draw to find the title's place).
    _as_written(fig)
    headings = max(t.get_window_extent(fig.canvas.get_renderer()).height for t in ax.get_xticklabels())  # type: ignore[attr-defined]
    ax.set_title("Every statement and field, as answered now", loc="left", y=1.0,
                 pad=headings * 72 / fig.dpi + _TICK_PAD + _GAP)
    handles = [FancyBboxPatch((0, 0), 1, 1, facecolor=VERDICT_COLOURS[v], edgecolor="#999999",
                              label=f"{VERDICT_MARKS[v][0]} {VERDICT_MARKS[v][1]}") for v in VERDICT_COLOURS]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    note = _source_note(fig, case, [], "Scored against")
    _lay_out(fig, [[ax]], bottom=note.get_window_extent().height + _GAP * fig.dpi / 72)
    return fig


__all__ = ["draw_chain", "estimates_figure", "estimates_timeline", "results_dashboard", "results_grid"]
