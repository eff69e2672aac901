"""The quick-text canvas and the report's cell labels draw what matplotlib's own Agg texts draw, where they draw it."""

from __future__ import annotations

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from attribution_lab.drawing.text_canvas import QuickTextCanvas
from attribution_lab.instructor import report, report_charts
from attribution_lab.instructor.chart_canvas import CellLabels
from attribution_lab.instructor.synthetic import generate_class
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")
CELLS = [(j, i, label, "white") for i, row in enumerate([["7%", "49%\n(12)"], ["100%*", "–"]]) for j, label in enumerate(row)]


def _pixels(fig) -> np.ndarray:
    """The figure drawn, as an array of grey levels (0 black to 255 white)."""
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3].mean(axis=2)


def _figure(canvas, cells_as_texts: bool):
    fig = Figure(figsize=(3, 2), dpi=110)
    canvas(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow([[0.0, 0.0], [0.0, 0.0]], cmap="gray", vmin=0, vmax=1, aspect="auto")
    ax.set_axis_off()
    if cells_as_texts:
        for x, y, label, colour in CELLS:
            ax.text(x, y, label, ha="center", va="center", fontsize=7, color=colour)
    else:
        ax.add_artist(CellLabels(CELLS, 7, transform=ax.transData))
    return fig


def _ink_box(pixels: np.ndarray, rows: slice, cols: slice) -> tuple[float, float, float]:
    """Centre (row, column) and amount of the light ink on the black cell in one quarter."""
    part = pixels[rows, cols]
    ys, xs = np.nonzero(part > 60)
    return ys.mean(), xs.mean(), part.sum() / 255


def test_cell_labels_land_where_texts_would():
    """Stamped cell labels (one and two lines, with *, % and –) have their ink where matplotlib's
    Texts put theirs, within a pixel and a half (matplotlib 3.11 places glyphs at fractions of a
    pixel, a whole string's bitmap goes at a whole pixel), and as much of it."""
    texts = _pixels(_figure(FigureCanvasAgg, cells_as_texts=True))
    stamped = _pixels(_figure(QuickTextCanvas, cells_as_texts=False))
    height, width = texts.shape
    for rows in (slice(0, height // 2), slice(height // 2, height)):
        for cols in (slice(0, width // 2), slice(width // 2, width)):
            y1, x1, ink1 = _ink_box(texts, rows, cols)
            y2, x2, ink2 = _ink_box(stamped, rows, cols)
            assert abs(y1 - y2) <= 1.5 and abs(x1 - x2) <= 1.5
            assert ink2 == pytest.approx(ink1, rel=0.15)


def test_quick_text_canvas_draws_texts_as_matplotlib_does():
    """A title, a rotated tick label and a math text drawn on the report's canvas put their ink
    where matplotlib's own Agg canvas does: the same extent within 2 pixels, as much ink, the same
    centre within 2 pixels (glyphs at whole instead of fractional pixels)."""
    def drawn(canvas) -> np.ndarray:
        fig = Figure(figsize=(4, 3), dpi=110)
        canvas(fig)
        ax = fig.add_subplot()
        ax.set_title("Origin confusion: numbers are answers")
        ax.set_xticks([0, 1], ["Confirmed by the record", "Doubtful"], rotation=35, ha="right")
        ax.set_ylabel(r"grew $x^2$ fold")  # math: left to matplotlib's own drawing
        return _pixels(fig)

    ours, theirs = drawn(QuickTextCanvas), drawn(FigureCanvasAgg)
    ink_ours, ink_theirs = np.argwhere(ours < 128), np.argwhere(theirs < 128)
    assert np.abs(ink_ours.mean(axis=0) - ink_theirs.mean(axis=0)).max() <= 2.0
    assert len(ink_ours) == pytest.approx(len(ink_theirs), rel=0.1)
    assert np.abs(ink_ours.min(axis=0) - ink_theirs.min(axis=0)).max() <= 2
    assert np.abs(ink_ours.max(axis=0) - ink_theirs.max(axis=0)).max() <= 2


def test_every_heatmap_cell_keeps_its_number():
    """The agreement heatmap writes a share in every cell (– where nobody answered), the
    calibration heatmap share and count in every cell with answers, and the confusion heatmap
    every count that is not 0."""
    stats = report.statistics(CASE, generate_class(CASE, 40, seed=5))
    figures = report_charts.charts(CASE, stats)

    def labels(name: str) -> list[str]:
        (artist,) = [a for a in figures[name].axes[0].artists if isinstance(a, CellLabels)]
        return artist.labels()

    assert labels("agreement") == [
        (f"{f.share:.0%}" + ("*" if f.modal_is_right is False else "")) if f.share is not None else "–"
        for s in stats.statements for f in s.fields
    ]
    cal = stats.calibration
    assert labels("believable_calibration") == [
        f"{n / (sum(row) or 1):.0%}\n({n})" for row in cal.counts for n in row if n
    ]
    assert labels("origin_confusion") == [str(n) for row in stats.confusion.counts for n in row if n]


def test_cell_labels_are_text_in_a_vector_file():
    """Saved as SVG (not the report's PNG), every cell label is written as text, as written."""
    from matplotlib import rc_context

    fig = _figure(QuickTextCanvas, cells_as_texts=False)
    buffer = io.BytesIO()
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    svg = buffer.getvalue().decode("utf-8")
    for label in ("7%", "49%", "(12)", "100%*", "–"):
        assert f">{label}<" in svg
