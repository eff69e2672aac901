"""The class report: agreement statistics against hand-computed values, figures, the escaped summary, the command."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from attribution_lab.cli import main
from attribution_lab.core import statistics
from attribution_lab.core.agreement import count_table, fleiss_kappa, modal_share
from attribution_lab.core.case import FIELD_NAMES, FIELDS
from attribution_lab.core.engine import WEIGHTS
from attribution_lab.core.submission import new_submission, record_check
from attribution_lab.instructor import report, report_charts
from attribution_lab.instructor.synthetic import generate_class, write_class
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")
BAD = Path(__file__).resolve().parents[1] / "fixtures" / "bad_submissions"

# Wikipedia's worked example of Fleiss' kappa: 10 subjects, 14 raters, 5 categories; kappa = 0.210.
WIKIPEDIA_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_textbook_example():
    """The worked example gives P-bar 0.378, P-e 0.213 and kappa 0.210."""
    assert fleiss_kappa(WIKIPEDIA_TABLE) == pytest.approx(0.20993, abs=1e-5)


def test_fleiss_kappa_mappings_equal_sequences():
    """Rows given as category -> count mappings give the same kappa as positional rows."""
    as_maps = [{c: n for c, n in zip("abcde", row) if n} for row in WIKIPEDIA_TABLE]
    assert fleiss_kappa(as_maps) == pytest.approx(fleiss_kappa(WIKIPEDIA_TABLE))


def test_fleiss_kappa_small_hand_computed_cases():
    """Perfect agreement on varied answers is 1; a systematic split is negative; one category is undefined."""
    assert fleiss_kappa([[3, 0], [0, 3]]) == pytest.approx(1.0)
    # Two subjects rated 2:1 and 1:2 -> P-bar 1/3, P-e 1/2, kappa -1/3.
    assert fleiss_kappa([[2, 1], [1, 2]]) == pytest.approx(-1 / 3)
    assert fleiss_kappa([[3], [3]]) is None
    assert fleiss_kappa([[1, 0], [0, 1]]) is None  # nobody rated with anybody else


def test_fleiss_kappa_leaves_out_subjects_with_one_rating():
    """A subject with a single rating carries no agreement and does not change kappa."""
    assert fleiss_kappa([[2, 1], [1, 2], [1, 0]]) == pytest.approx(-1 / 3)


def test_fleiss_kappa_refuses_negative_counts():
    """Counts cannot be negative."""
    with pytest.raises(ValueError):
        fleiss_kappa([[2, -1]])


def test_modal_share_and_count_table():
    """The modal rating, its share of the raters, and the rater count; unanswered left out; ties to the first seen."""
    assert modal_share(["a", "b", "a", None]) == ("a", pytest.approx(2 / 3), 3)
    assert modal_share(["b", "a"]) == ("b", 0.5, 2)
    assert modal_share([None]) == (None, None, 0)
    assert count_table([["a", None, "a"], []]) == [{"a": 2}, {}]


# --------------------------------------------------------------------------------------------
# A hand-made class of three students, two statements, first tries chosen so each figure is known


def _hand_class():
    """Three students answer origin and "Believable?" of the first two statements at the first try:

    A: both origins right, believable as the key on S1;
    B: origin right on S1, wrong (w) on S2; believable one step surer than the key on S1;
    C: both origins wrong (w); believable one step less sure than the key on S1.
    """
    s1, s2 = CASE.statements[:2]
    taken = {s.answers["origin"] for s in (s1, s2)} | {a.answer for s in (s1, s2) for a in s.accepted["origin"]}
    wrong = next(label for label in CASE.labels("origin") if label not in taken)
    labels = CASE.labels("believable")
    levels = [lid for lid in labels if labels[lid].on_scale]
    key_level = levels.index(s1.answers["believable"])  # the hand computation needs a key on the scale
    surer, less_sure = levels[key_level - 1], levels[key_level + 1]
    assert key_level >= 1 and not {surer, less_sure} & {a.answer for a in s1.accepted["believable"]}
    plans = {
        "A": [(s1, s1.answers["origin"], s1.answers["believable"]), (s2, s2.answers["origin"], None)],
        "B": [(s1, s1.answers["origin"], surer), (s2, wrong, None)],
        "C": [(s1, wrong, less_sure), (s2, wrong, None)],
    }
    subs = []
    for sid, plan in plans.items():
        sub = new_submission(CASE, student_id=sid, student_name=f"Student {sid}", now="2025-05-05T10:00:00Z")
        for statement, origin, believable in plan:
            values = {"origin": origin, "believable": believable}
            sub = record_check(CASE, sub, statement.id, {k: v for k, v in values.items() if v}, now="2025-05-05T10:00:00Z")
        subs.append(sub)
    return subs, wrong, (s1, s2)


def test_difficulty_hand_computed():
    """First-try right rate = right answers / (students x fields): S1 3/18, S2 1/18, others 0."""
    subs, _, (s1, s2) = _hand_class()
    answers = 3 * len(FIELDS)
    assert answers == 18
    rates = statistics.difficulty(CASE, subs)
    assert rates[s1.id] == (pytest.approx(3 / answers), pytest.approx(3 / answers))  # 2 origins + 1 believable
    assert rates[s2.id] == (pytest.approx(1 / answers), pytest.approx(1 / answers))
    assert rates[CASE.statements[2].id] == (0.0, 0.0)


def test_origin_confusion_hand_computed():
    """Key origin row: three right, three to the wrong label, the other statements unanswered."""
    subs, wrong, (s1, _) = _hand_class()
    confusion = statistics.origin_confusion(CASE, subs)
    key = s1.answers["origin"]
    row = dict(zip(confusion.columns, confusion.counts[confusion.rows.index(key)]))
    same_key = sum(1 for s in CASE.statements if s.answers["origin"] == key)
    assert row[key] == 3 and row[wrong] == 3
    assert row[statistics.NOT_ANSWERED] == (same_key - 2) * 3
    assert sum(map(sum, confusion.counts)) == 3 * len(CASE.statements)


def test_believable_calibration_hand_computed():
    """One matches, one too sure, one too unsure: a third each, over three answered "Believable?" fields."""
    subs, _, (s1, _) = _hand_class()
    cal = statistics.believable_calibration(CASE, subs)
    assert cal.answered == 3
    assert (cal.too_sure, cal.matched, cal.too_unsure) == (pytest.approx(1 / 3),) * 3
    assert cal.other_kind == 0
    assert cal.levels == tuple(CASE.labels("believable"))  # every label, the off-scale ones too
    key_row = cal.counts[cal.levels.index(s1.answers["believable"])]
    assert sorted(key_row, reverse=True)[:3] == [1, 1, 1] and sum(key_row) == 3


def test_believable_calibration_counts_off_scale_mismatches_as_other_kind():
    """A mismatch where either label is off the scale (such as "not a factual claim") is neither too
    sure nor too unsure: it counts as other kind. A match on an off-scale label is still a match."""
    labels = CASE.labels("believable")
    off_scale = [lid for lid in labels if not labels[lid].on_scale]
    on_scale = [lid for lid in labels if labels[lid].on_scale]
    assert off_scale and on_scale
    keyed_on = next(s for s in CASE.statements if labels[s.label("believable")].on_scale)
    keyed_off = next(s for s in CASE.statements if not labels[s.label("believable")].on_scale)
    off_for_on = next(x for x in off_scale if x not in {a.answer for a in keyed_on.accepted["believable"]})
    on_for_off = next(x for x in on_scale if x not in {a.answer for a in keyed_off.accepted["believable"]})
    plans = {
        "A": {keyed_on.id: off_for_on, keyed_off.id: on_for_off},  # two mismatches of another kind
        "B": {keyed_on.id: keyed_on.label("believable"), keyed_off.id: keyed_off.label("believable")},  # two matches
    }
    subs = []
    for sid, plan in plans.items():
        sub = new_submission(CASE, student_id=sid, now="2025-05-05T10:00:00Z")
        for statement_id, value in plan.items():
            sub = record_check(CASE, sub, statement_id, {"believable": value}, now="2025-05-05T10:00:00Z")
        subs.append(sub)
    cal = statistics.believable_calibration(CASE, subs)
    assert cal.answered == 4
    assert (cal.other_kind, cal.matched) == (pytest.approx(1 / 2), pytest.approx(1 / 2))
    assert cal.too_sure == cal.too_unsure == 0
    row = cal.counts[cal.levels.index(keyed_on.label("believable"))]
    assert row[cal.levels.index(off_for_on)] == 1


def test_kappa_and_statement_agreement_hand_computed():
    """Origin: S1 2:1 for the key, S2 2:1 for the wrong label -> kappa -1/3 (see the small cases above);
    S2 splits nowhere but its majority is off the key; statements nobody answered come last."""
    subs, wrong, (s1, s2) = _hand_class()
    assert s1.answers["origin"] == s2.answers["origin"]  # the hand computation relies on it
    kappa = statistics.kappa_by_field(CASE, subs)
    assert kappa["origin"] == pytest.approx(-1 / 3)
    assert kappa["claim_type"] is None
    agreement = {a.statement_id: a for a in statistics.statement_agreement(CASE, subs)}
    origin_s2 = agreement[s2.id].fields[FIELDS.index("origin")]
    assert (origin_s2.modal, origin_s2.share, origin_s2.answered, origin_s2.modal_is_right) == (wrong, pytest.approx(2 / 3), 3, False)
    assert agreement[s2.id].majority_off_key == ("origin",)
    # Believable on S1: three different answers -> modal share 1/3 < 1/2: the class splits there.
    assert agreement[s1.id].splits and agreement[s1.id].split_fields == ("believable",)
    order = [a.statement_id for a in statistics.statement_agreement(CASE, subs)]
    assert order[0] == s1.id and order[1] == s2.id


def test_split_statements_come_first():
    """In a synthetic class every statement that splits is listed before every one that does not."""
    stats = report.statistics(CASE, generate_class(CASE, 40, seed=3))
    flags = [s.splits for s in stats.statements]
    assert flags == sorted(flags, reverse=True)
    assert any(flags) and not all(flags)


def test_class_statistics_means_and_synthetic_flag():
    """Means come from the recomputed scores; a fully synthetic class is marked so."""
    subs, _, _ = _hand_class()
    stats = report.statistics(CASE, subs)
    assert stats.students == 3 and not stats.synthetic
    # First try: A has two origins and one believable right, B one origin, C nothing.
    origin, believable = WEIGHTS["origin"], WEIGHTS["believable"]
    assert stats.mean_first_try == pytest.approx((2 * origin + believable + origin) / 3)
    assert report.statistics(CASE, generate_class(CASE, 3, seed=1)).synthetic


def test_empty_class_does_not_fail():
    """No submissions: statistics are empty, kappa undefined, the summary still renders."""
    stats = report.statistics(CASE, [])
    assert stats.students == 0 and stats.mean_points is None
    assert all(k is None for k in stats.kappa.values())
    assert "No statement splits" in report.summary_html(CASE, stats, {})


# --------------------------------------------------------------------------------------------
# Rendering


def test_summary_escapes_student_text():
    """A script tag in a student's name appears escaped in the summary, never as markup."""
    sub = new_submission(CASE, student_id="<i>id</i>", student_name="<script>alert('x')</script>", now="2025-05-05T10:00:00Z")
    page = report.summary_page(CASE, report.statistics(CASE, [sub]), {})
    assert "<script>alert" not in page and "<i>id</i>" not in page
    assert html.escape("<script>alert('x')</script>") in page


def test_summary_has_the_split_sentence_and_kappa_table():
    """The summary says what split statements mean for the key and the lesson, and lists kappa per field."""
    page = report.summary_html(CASE, report.statistics(CASE, generate_class(CASE, 30, seed=4)), {})
    assert "the key needs a second look or the lesson needs more time" in page
    assert page.index("Where the class splits") < page.index("Fleiss")
    for field in FIELDS:
        assert f"<td>{html.escape(FIELD_NAMES[field])}</td>" in page


def test_figures_have_titles_labels_and_source_note():
    """Each figure has a title, both axis labels and a source note naming the case."""
    stats = report.statistics(CASE, generate_class(CASE, 10, seed=2))
    for name, fig in report_charts.charts(CASE, stats).items():
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel(), name
        assert "case kursk" in fig._supxlabel.get_text()
        assert report_charts.png_bytes(fig).startswith(b"\x89PNG")


def test_report_command_writes_figures_and_escaped_page(tmp_path, capsys):
    """`attribution-lab report`: four PNGs and index.html; a bad file is named, an HTML name escaped; exit 1."""
    folder = tmp_path / "class"
    write_class(CASE, 6, folder, seed=8)
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "html_name.json").write_bytes((BAD / "html_name.json").read_bytes())
    code = main(["report", str(folder), str(tmp_path / "extra"), str(BAD / "nan.json"), "--out", str(tmp_path / "rep")])
    _, err = capsys.readouterr()
    assert code == 1 and "nan.json" in err
    for name in report_charts.CHARTS:
        assert (tmp_path / "rep" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    page = (tmp_path / "rep" / "index.html").read_text("utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "nan.json" in page
    assert 'src="difficulty.png"' in page


def test_report_of_a_synthetic_class_says_so(tmp_path, capsys):
    """A report on synthetic answers says it is synthetic, in the page and under the figures."""
    write_class(CASE, 4, tmp_path / "class", seed=1)
    assert main(["report", str(tmp_path / "class"), "--out", str(tmp_path / "rep")]) == 0
    assert "synthetic students" in (tmp_path / "rep" / "index.html").read_text("utf-8")



def test_long_label_names_are_cut_on_the_axes_only() -> None:
    """A label name longer than TICK_CHARS is cut at a word with an ellipsis for an axis (so the
    figure keeps room to draw); shorter names are drawn whole."""
    from attribution_lab.instructor.report_charts import TICK_CHARS, _tick

    long_name = "A very long origin label name that a case author might write"
    cut = _tick(long_name)
    assert len(cut) <= TICK_CHARS and cut.endswith("…")
    assert long_name.startswith(cut[:-1]) and long_name[len(cut) - 1] == " ", "cut between words"
    assert _tick("Named expert") == "Named expert"


DOLLAR_TEXTS = ("Council $\\undefinedthing$", "costs $5", "grew $x^2$ fold")


def _dollar_case(tmp_path):
    """The Kursk case with `$`, `$x^2$` and `$\\undefinedthing$` as the names of every vocabulary's
    labels (short enough for an axis) and in every quote (the article changed to match)."""
    import shutil

    import yaml

    folder = tmp_path / "dollars"
    shutil.copytree(CASE.folder, folder)
    key = yaml.safe_load((folder / "key.yaml").read_text("utf-8"))
    article = (folder / "article.txt").read_text("utf-8")
    for vocabulary in key["vocabularies"].values():
        for n, label in enumerate(vocabulary.values()):
            label["name"] = f"{DOLLAR_TEXTS[n % len(DOLLAR_TEXTS)]} {n}"
    for statement in key["statements"]:
        new_quote = f"{statement['quote']} {' '.join(DOLLAR_TEXTS)}"
        article = article.replace(statement["quote"], new_quote, 1)
        statement["quote"] = new_quote
    (folder / "key.yaml").write_text(yaml.safe_dump(key, allow_unicode=True, sort_keys=False), "utf-8")
    (folder / "article.txt").write_text(article, "utf-8")
    return load_case(folder)


def test_report_draws_dollar_signs_in_label_names_as_dollar_signs(tmp_path, capsys):
    """`attribution-lab report` on a case whose label names hold `$`, `$x^2$` and
    `$\\undefinedthing$` writes every chart and the page (exit 0, no traceback); in each chart the
    drawn tick labels keep their `$`, and no text holding a `$` is read as math."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    case = _dollar_case(tmp_path)
    write_class(case, 6, tmp_path / "class", seed=3)
    code = main(["report", str(tmp_path / "class"), "--case", str(case.folder), "--out", str(tmp_path / "rep")])
    assert code == 0, capsys.readouterr().err
    for name in report_charts.CHARTS:
        assert (tmp_path / "rep" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "rep" / "index.html").is_file()
    stats = report.statistics(case, generate_class(case, 6, seed=3))
    drawn_with_dollars = set()
    for name, fig in report_charts.charts(case, stats).items():
        FigureCanvasAgg(fig).draw()
        texts = [t for t in fig.findobj(Text) if t.get_visible() and "$" in t.get_text()]
        assert all(t.get_parse_math() is False for t in texts), name
        drawn_with_dollars.update(text for t in texts for text in DOLLAR_TEXTS if text in t.get_text())
    assert drawn_with_dollars == set(DOLLAR_TEXTS)  # the origin and believable names on the axes


def test_report_pauses_the_collector_and_restores_it(tmp_path, monkeypatch):
    """The collector is off while the statistics and charts are made, and as it was after the
    report (nothing left frozen), also when a chart fails."""
    import gc

    seen = []
    real_charts = report.charts

    def charts(case, stats):
        seen.append(gc.isenabled())
        return real_charts(case, stats)

    monkeypatch.setattr(report, "charts", charts)
    students = generate_class(CASE, 3, seed=1)
    assert gc.isenabled()
    report.write_report(CASE, students, tmp_path / "rep")
    assert seen == [False] and gc.isenabled() and gc.get_freeze_count() == 0

    def failing(case, stats):
        raise RuntimeError("chart failed")

    monkeypatch.setattr(report, "charts", failing)
    with pytest.raises(RuntimeError):
        report.show(CASE, students)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        monkeypatch.setattr(report, "charts", real_charts)
        report.show(CASE, students)
        assert not gc.isenabled(), "a collector the caller had turned off stays off"
    finally:
        gc.enable()
