"""`attribution-lab report --fields`: the report counts only the fields asked for, in its scores,
its figures and its page, as `grade --fields` does for the results."""

from __future__ import annotations

import csv
from pathlib import Path

from attribution_lab.cli import main
from attribution_lab.instructor.synthetic import write_class
from attribution_lab.storage.cases import load_case

CASE = load_case("kursk")


def test_a_report_on_two_fields_counts_only_those(tmp_path: Path) -> None:
    """With --fields chain,red_flag: the mean score is the grader's for those fields, the page says
    which fields were counted and lists kappa for those two only, and the origin confusion and
    Believable? calibration figures (about fields not counted) are not drawn."""
    write_class(CASE, 30, tmp_path / "class", seed=5)
    assert main(["report", str(tmp_path / "class"), "--out", str(tmp_path / "report"), "--fields", "chain,red_flag"]) == 0
    page = (tmp_path / "report" / "index.html").read_text("utf-8")
    assert "Fields counted: Chain, Red flag" in page
    kappa_table = page.split("Agreement per field (Fleiss' kappa)")[1].split("</table>")[0]
    assert kappa_table.count("<tr><td>") == 2 and "Origin" not in kappa_table
    assert sorted(p.name for p in (tmp_path / "report").glob("*.png")) == ["agreement.png", "difficulty.png"]
    assert main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "r.csv"), "--fields", "chain,red_flag"]) == 0
    with (tmp_path / "r.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    mean = sum(float(r["points"]) for r in rows) / len(rows)
    assert f"Mean score <b>{mean:.1f}</b> of {float(rows[0]['out_of']):g}" in page


def test_a_report_on_every_field_draws_all_four_figures(tmp_path: Path) -> None:
    """Without --fields: no "Fields counted" line, and all four figures."""
    write_class(CASE, 10, tmp_path / "class", seed=6)
    assert main(["report", str(tmp_path / "class"), "--out", str(tmp_path / "report")]) == 0
    assert "Fields counted" not in (tmp_path / "report" / "index.html").read_text("utf-8")
    assert len(list((tmp_path / "report").glob("*.png"))) == 4


def test_an_unknown_field_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    """--fields naming no field: exit 2, the choices named, no report written."""
    write_class(CASE, 2, tmp_path / "class", seed=1)
    assert main(["report", str(tmp_path / "class"), "--out", str(tmp_path / "report"), "--fields", "nope"]) == 2
    assert "the fields are origin" in capsys.readouterr().err and not (tmp_path / "report").exists()
