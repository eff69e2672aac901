"""Plots: figures built from case data, checked by their titles, labels and elements (not pixels)."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from attribution_lab import load_case
from attribution_lab.core.case import FIELD_NAMES, FIELDS
from attribution_lab.core.feedback import READER
from attribution_lab.core.plan import asked
from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.storage.answers_store import now_iso
from attribution_lab.student import charts as plots
from attribution_lab.student.lessons import graded_lessons

matplotlib.use("Agg")


def texts(fig: Figure) -> list[str]:
    """Every text drawn in a figure (figure texts, axes texts, annotations, titles)."""
    found = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        found += [t.get_text() for t in ax.texts]
        found += [ax.get_title(loc) for loc in ("left", "center", "right")]
    return found


def flat(items: list[str]) -> str:
    return " ".join(" ".join(items).split())


def test_draw_chain_shows_origin_every_link_and_the_reader_in_order(kursk) -> None:
    """The boxes read origin, each intermediary of the key's chain, then the reader; one arrow joins
    each pair; the title names the statement; the foot names the evidence outlets. No pyplot figure
    is left open."""
    statement = max(kursk.statements, key=lambda s: len(s.answers["chain"]))
    fig = plots.draw_chain(kursk, statement.id)
    assert isinstance(fig, Figure) and plt.get_fignums() == []
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith(statement.id)
    expected = [kursk.labels("origin")[statement.answers["origin"]].name,
                *(kursk.labels("chain")[link].name for link in statement.answers["chain"]), READER]
    boxes = [" ".join(t.get_text().split()) for t in ax.texts if t.get_position()[1] == 0.0]
    assert boxes == expected
    arrows = [p for p in ax.patches if (p.get_gid() or "").startswith("chain-arrow")]
    assert len(arrows) == len(expected) - 1
    note = flat([t.get_text() for t in fig.texts])
    for evidence_id in statement.evidence:
        assert kursk.evidence[evidence_id].outlet in note


def test_estimates_timeline_labels_every_point_and_marks_the_articles_figure(kursk) -> None:
    """One annotation per estimate names who gave it and the date; each article figure is a dashed
    line whose legend names its statement; axis labels and title say what is shown; the foot names
    the outlets; colours come from the Okabe-Ito palette."""
    quantity = kursk.article_figures[0].quantity
    fig = plots.estimates_timeline(kursk, quantity)
    ax = fig.axes[0]
    assert quantity in ax.get_title(loc="left")
    assert ax.get_xlabel() and quantity.capitalize() in ax.get_ylabel()
    estimates = [e for e in kursk.estimates if e.quantity == quantity]
    annotations = [t.get_text() for t in ax.texts]
    assert len(annotations) == len(estimates)
    for estimate in estimates:
        name = kursk.labels("origin")[estimate.given_by].name
        assert any(a.startswith(f"{estimate.value:,.0f}: {name}") and estimate.date[:4] in a for a in annotations)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for figure in (f for f in kursk.article_figures if f.quantity == quantity):
        assert any(figure.statement in entry and f"{figure.value:,.0f}" in entry for entry in legend)
    dashed = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert dashed
    palette = {c.lower() for c in plots.OKABE_ITO}
    assert {to_hex(line.get_color()) for line in ax.get_lines()} <= palette
    note = flat([t.get_text() for t in fig.texts])
    for estimate in estimates:
        assert kursk.evidence[estimate.evidence].outlet in note


def test_estimates_timeline_of_an_unknown_quantity_names_the_known_ones(kursk) -> None:
    """A quantity the case has no estimates for raises KeyError listing those it has."""
    with pytest.raises(KeyError, match=kursk.estimates[0].quantity):
        plots.estimates_timeline(kursk, "bananas")


def test_estimates_figure_has_one_chart_per_quantity_or_says_there_are_none(kursk) -> None:
    """All quantities stacked, one axes each; a case without estimates gets one titled, empty axes."""
    quantities = {e.quantity for e in kursk.estimates} | {f.quantity for f in kursk.article_figures}
    fig = plots.estimates_figure(kursk)
    # "of casualties over time" names one quantity: a bare "casualties" would also match "casualties in one week"
    assert sorted(q for ax in fig.axes for q in quantities if f"of {q} over time" in ax.get_title(loc="left")) == sorted(quantities)
    empty = plots.estimates_figure(load_case("alder_river"))
    assert len(empty.axes) == 1 and "no dated estimates" in empty.axes[0].get_title(loc="left")


def bar_widths(ax) -> list[float]:
    return [p.get_width() for p in ax.patches]


def test_results_dashboard_of_an_empty_submission_has_empty_bars(kursk) -> None:
    """Two charts, by lesson and by field, with every lesson and field named and every bar at zero."""
    fig = plots.results_dashboard(kursk, new_submission(kursk, now=now_iso()))
    by_lesson, by_field = fig.axes
    assert by_lesson.get_title(loc="left") == "Score by lesson" and by_field.get_title(loc="left") == "Score by field"
    assert [t.get_text() for t in by_lesson.get_yticklabels()] == [f"{i.number} {i.title}" for i in graded_lessons()]
    assert [t.get_text() for t in by_field.get_yticklabels()] == [FIELD_NAMES[f] for f in FIELDS]
    assert by_lesson.get_xlabel() and by_field.get_xlabel()
    assert set(bar_widths(by_lesson)) == {0.0} and set(bar_widths(by_field)) == {0.0}


def test_results_dashboard_separates_first_try_from_now(kursk) -> None:
    """A wrong first try corrected later: the origin bar is above zero now and zero at first try."""
    statement = kursk.statements[0]
    wrong = next(label for label in kursk.labels("origin") if label != statement.answers["origin"]
                 and label not in {a.answer for a in statement.accepted["origin"]})
    sub = record_check(kursk, new_submission(kursk, now=now_iso()), statement.id, {"origin": wrong}, now=now_iso())
    sub = record_check(kursk, sub, statement.id, {"origin": statement.answers["origin"]}, now=now_iso())
    by_field = plots.results_dashboard(kursk, sub).axes[1]
    row = FIELDS.index("origin")
    first = [p for p in by_field.patches if abs(p.get_y() + p.get_height() / 2 - (row - 0.2)) < 1e-9]
    now = [p for p in by_field.patches if abs(p.get_y() + p.get_height() / 2 - (row + 0.2)) < 1e-9]
    assert first[0].get_width() == 0.0 and now[0].get_width() > 0.0


def test_results_grid_marks_each_statement_and_field_by_verdict(kursk) -> None:
    """A right answer's cell has the 'correct' colour and a ✓; an unanswered one is white with …; a
    field no lesson asks of a statement has no cell at all."""
    statement = kursk.statements[0]
    sub = record_check(kursk, new_submission(kursk, now=now_iso()), statement.id, {"origin": statement.answers["origin"]}, now=now_iso())
    fig = plots.results_grid(kursk, sub)
    ax = fig.axes[0]
    cells = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("verdict-")}
    pairs = asked(kursk)
    assert len(cells) == sum(len(fields) for fields in pairs.values()) < len(kursk.statements) * len(FIELDS)
    unasked = next((sid, f) for sid in kursk.statement_ids for f in FIELDS if f not in pairs.get(sid, ()))
    assert f"verdict-{unasked[0]}-{unasked[1]}" not in cells
    assert to_hex(cells[f"verdict-{statement.id}-origin"].get_facecolor()) == plots.VERDICT_COLOURS["correct"].lower()
    assert to_hex(cells[f"verdict-{statement.id}-chain"].get_facecolor()) == "#ffffff"
    marks = [t.get_text() for t in ax.texts]
    assert marks.count("✓") == 1 and marks.count("…") == len(cells) - 1
    assert [t.get_text() for t in ax.get_yticklabels()] == list(kursk.statement_ids)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title(loc="left")


# --------------------------------------------------------------------------------------------
# Case text with dollar signs: drawn as written, never as math markup

DOLLAR_TEXTS = ("Council $\\undefinedthing$", "costs $5", "grew $x^2$ fold")


def _dollar_case(tmp_path):
    """The Kursk case with `$`, `$x^2$` and `$\\undefinedthing$` in label names, an evidence outlet,
    a quantity and a quote (the article changed to match)."""
    import shutil

    import yaml

    folder = tmp_path / "dollars"
    shutil.copytree(load_case("kursk").folder, folder)
    key = yaml.safe_load((folder / "key.yaml").read_text("utf-8"))
    article = (folder / "article.txt").read_text("utf-8")
    vocabularies = key["vocabularies"]
    for field, text in zip(("origin", "intermediary", "believable"), DOLLAR_TEXTS):
        for label in vocabularies[field].values():
            label["name"] = f"{label['name']} {text}"
    for evidence in key["evidence"]:
        evidence["outlet"] = f"{evidence['outlet']} {DOLLAR_TEXTS[0]}"
    for estimate in key["estimates"]:
        estimate["quantity"] = f"{estimate['quantity']} {DOLLAR_TEXTS[1]}"
    for figure in key["article_figures"]:
        figure["quantity"] = f"{figure['quantity']} {DOLLAR_TEXTS[1]}"
    for statement in key["statements"]:
        quote = statement["quote"]
        new_quote = f"{quote} {' '.join(DOLLAR_TEXTS)}"
        article = article.replace(quote, new_quote, 1)
        statement["quote"] = new_quote
    (folder / "key.yaml").write_text(yaml.safe_dump(key, allow_unicode=True, sort_keys=False), "utf-8")
    (folder / "article.txt").write_text(article, "utf-8")
    return load_case(folder)


def _drawn_texts(fig: Figure) -> list:
    """Render the figure (Agg) and return every visible text artist in it, tick labels included."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    FigureCanvasAgg(fig).draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def test_dollar_signs_in_case_text_are_drawn_as_dollar_signs(tmp_path) -> None:
    """Every lesson chart of a case whose labels, outlets, quantities and quotes hold `$`, `$x^2$`
    and `$\\undefinedthing$` renders without error; the drawn texts hold those words with their `$`,
    and no text containing a `$` is read as math."""
    case = _dollar_case(tmp_path)
    statement = max(case.statements, key=lambda s: len(s.answers["chain"]))
    first = case.statements[0]
    submission = record_check(case, new_submission(case, now=now_iso()), first.id, {"origin": first.answers["origin"]}, now=now_iso())
    figures = {
        "chain": plots.draw_chain(case, statement.id),
        "timeline": plots.estimates_timeline(case, case.estimates[0].quantity),
        "estimates": plots.estimates_figure(case),
        "dashboard": plots.results_dashboard(case, submission),
        "grid": plots.results_grid(case, submission),
    }
    for name, fig in figures.items():
        drawn = _drawn_texts(fig)
        with_dollars = [t for t in drawn if "$" in t.get_text()]
        assert all(t.get_parse_math() is False for t in with_dollars), name
        if name in ("chain", "timeline", "estimates"):
            words = flat([t.get_text() for t in drawn])
            assert DOLLAR_TEXTS[0] in words and DOLLAR_TEXTS[1] in words, name
    chain_words = flat([t.get_text() for t in _drawn_texts(figures["chain"])])
    assert "$x^2$" in chain_words  # the quote and the intermediaries' names


# --------------------------------------------------------------------------------------------
# Laid out once, in margins measured from the figure's own texts; drawn once when shown


def _every_figure(case):
    statement = max(case.statements, key=lambda s: len(s.answers["chain"]))
    first = case.statements[0]
    submission = record_check(case, new_submission(case, now=now_iso()), first.id, {"origin": first.answers["origin"]}, now=now_iso())
    return {
        "chain": plots.draw_chain(case, statement.id),
        "short chain": plots.draw_chain(case, min(case.statements, key=lambda s: len(s.answers["chain"])).id),
        "timeline": plots.estimates_timeline(case, case.estimates[0].quantity),
        "estimates": plots.estimates_figure(case),
        "no estimates": plots.estimates_figure(load_case("alder_river")),
        "dashboard": plots.results_dashboard(case, submission),
        "grid": plots.results_grid(case, submission),
    }


def _inline_png(fig: Figure) -> bytes:
    """The figure as the inline backend shows it (IPython's print_figure, cropped "tight")."""
    from IPython.core.pylabtools import print_figure

    return print_figure(fig, "png", bbox_inches="tight")


@pytest.mark.parametrize("dollars", [False, True], ids=["kursk", "dollar case"])
def test_no_text_is_cut_off_and_the_blocks_do_not_overlap(kursk, tmp_path, monkeypatch, dollars) -> None:
    """Drawn as shown, every visible text (tick labels, legends and the note included) lies inside
    the figure; each axes with its texts, the foot's note and a figure-wide title or legend keep
    clear of one another."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    drawn: list = []  # (text, its extent) as each text is drawn
    original = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text():
            # the figure's box as drawn: a cropped save draws on a box of the cropped size
            drawn.append((self, self.get_window_extent(renderer), self.get_figure(root=True).bbox.frozen()))
        return original(self, renderer)

    monkeypatch.setattr(Text, "draw", draw)
    for name, fig in _every_figure(_dollar_case(tmp_path) if dollars else kursk).items():
        drawn.clear()
        _inline_png(fig)
        renderer = fig.canvas.get_renderer() if isinstance(fig.canvas, FigureCanvasAgg) else None
        assert drawn, name
        for text, extent, box in drawn:
            inside = box.padded(0.5)
            assert inside.containsx(extent.x0) and inside.containsx(extent.x1), (name, text.get_text())
            assert inside.containsy(extent.y0) and inside.containsy(extent.y1), (name, text.get_text())
        blocks = [(f"axes {n}", ax.get_tightbbox(renderer)) for n, ax in enumerate(fig.axes)]
        blocks += [(t.get_text()[:20], t.get_window_extent(renderer)) for t in fig.texts if t.get_text()]
        blocks += [("legend", legend.get_window_extent(renderer)) for legend in fig.legends]
        for i, (a, box_a) in enumerate(blocks):
            for b, box_b in blocks[i + 1:]:
                overlap = box_a.intersection(box_a, box_b)
                assert overlap is None or overlap.width < 1 or overlap.height < 1, (name, a, b)


def test_a_figure_is_drawn_once_when_shown_at_its_own_size(kursk, monkeypatch) -> None:
    """The inline backend's "tight" crop would draw a figure twice; a student figure already fits,
    so it is drawn once, and the picture is the figure's own size with at most a little blank
    margin on any side (what the crop would have taken off)."""
    import io

    from PIL import Image

    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: (draws.append(1), original(self, renderer))[1])
    for name, fig in _every_figure(kursk).items():
        draws.clear()
        image = Image.open(io.BytesIO(_inline_png(fig)))
        assert len(draws) == 1, name
        assert abs(image.width - fig.bbox.width) < 1 and abs(image.height - fig.bbox.height) < 1, name
        pixels = image.convert("L").point(lambda v: 255 if v < 250 else 0)  # anything not white
        x0, y0, x1, y1 = pixels.getbbox()
        most = 0.45 * fig.dpi  # inches of blank margin at most
        assert x0 <= most and y0 <= most and image.width - x1 <= most and image.height - y1 <= most, (name, pixels.getbbox())


def test_a_figure_saved_with_another_crop_is_still_cropped(kursk, tmp_path) -> None:
    """Only "tight" is skipped: a box given by the caller still crops the picture."""
    from matplotlib.transforms import Bbox
    from PIL import Image

    fig = plots.draw_chain(kursk, kursk.statements[0].id)
    fig.savefig(tmp_path / "part.png", bbox_inches=Bbox.from_bounds(0, 0, 2, 1))
    assert Image.open(tmp_path / "part.png").size == (2 * fig.dpi, fig.dpi)


def test_date_ticks_name_the_year_and_stay_few_in_the_span() -> None:
    """From a fortnight to thirty years: two to about nine ticks, inside the span, in order, evenly
    spaced by their rule; the first label names its year, and so does every label where it changes."""
    from datetime import date, timedelta

    from attribution_lab.student.charts import _date_ticks

    start = date(2024, 12, 17)
    for days in (14, 40, 50, 51, 75, 100, 101, 181, 250, 251, 500, 513, 750, 1100, 1500, 1501, 4000, 11000):
        ticks, labels = _date_ticks(start, start + timedelta(days=days))
        assert 2 <= len(ticks) <= 10, (days, labels)
        assert all(start <= t <= start + timedelta(days=days) for t in ticks) and ticks == sorted(ticks)
        assert str(ticks[0].year) in labels[0]
        for before, tick, label in zip(ticks, ticks[1:], labels[1:]):
            assert (str(tick.year) in label) == (tick.year != before.year) or label == str(tick.year), (days, labels)
    # the short span of a single estimate: every Monday, named by day
    ticks, labels = _date_ticks(date(2024, 12, 17), date(2025, 1, 26))
    assert labels == ["23 Dec 2024", "30 Dec", "6 Jan 2025", "13 Jan", "20 Jan"]
