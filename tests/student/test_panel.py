"""The classification panel, driven headlessly as a student would: set values, click, read the HTML."""

from __future__ import annotations

import base64
import copy
import html
import json
import re
from datetime import datetime, timezone

import ipywidgets as widgets
import pytest

from attribution_lab.core.case import FIELD_NAMES
from attribution_lab.core.submission import new_submission, record_check, record_choice
from attribution_lab.errors import UnknownLabelError, UnknownStatementError
from attribution_lab.formats.answers import submission_problems
from attribution_lab.formats.key import decode_key
from attribution_lab.storage.answers_store import now_iso
from attribution_lab.storage.cases import load_case, read_case_files
from attribution_lab.storage.location import ANSWERS_DIR_ENV
from attribution_lab.student.panel import Panel

CASE = load_case("kursk")
IDS = CASE.statement_ids


@pytest.fixture(autouse=True)
def answers_folder(tmp_path, monkeypatch):
    """Every test writes its answers file into its own temporary folder, never into the repository."""
    monkeypatch.setenv(ANSWERS_DIR_ENV, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def answers_file(folder):
    return folder / f"answers-{CASE.id}.json"


def key(sid, field):
    return CASE.statement(sid).answers[field]


def wrong(sid, field):
    """A label that is neither the key's answer nor an accepted alternative."""
    statement = CASE.statement(sid)
    accepted = {a.answer for a in statement.accepted[field]}
    return next(l for l in CASE.labels(field) if l != statement.answers[field] and l not in accepted)


def with_accepted(field):
    """The first statement with an accepted alternative for the field, and that alternative."""
    for statement in CASE.statements:
        if statement.accepted[field]:
            return statement.id, statement.accepted[field][0]
    raise AssertionError(f"the case has no accepted alternative for {field}")


def html_values(widget):
    """Every HTML string shown anywhere in the panel's widget tree."""
    found = []
    if isinstance(widget, widgets.HTML):
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found.extend(html_values(child))
    return found


def upload(panel, raw: bytes, name: str = "my-answers.json") -> None:
    """Simulate a file chosen in the Restore from file button (ipywidgets 8 value format)."""
    panel.controls.upload.value = (
        {"name": name, "type": "application/json", "size": len(raw), "content": memoryview(raw),
         "last_modified": datetime.now(timezone.utc)},
    )


# -- checking ---------------------------------------------------------------------------------


def test_right_and_wrong_answers_get_symbols_and_words():
    """Check shows ✓ for the key's answer and ✗ with a hint for a wrong one, per field."""
    panel = Panel(case=CASE, fields=("origin", "believable"))
    sid = panel.current
    panel.choose("origin", key(sid, "origin"))
    panel.choose("believable", wrong(sid, "believable"))
    result = panel.check()
    assert result is not None and not result.all_right
    feedback = panel.feedback_html
    assert f"✓</span> {FIELD_NAMES['origin']}: right" in feedback
    assert f"✗</span> {FIELD_NAMES['believable']}: not yet." in feedback
    assert html.escape(CASE.statement(sid).hint("believable")) in feedback  # the key's hint for this statement


def test_an_accepted_answer_says_also_accepted_and_why():
    """An accepted alternative is ✓ "also accepted" with the key's reason, escaped."""
    sid, alternative = with_accepted("believable")
    panel = Panel(case=CASE, fields=("believable",))
    panel.select(sid)
    panel.choose("believable", alternative.answer)
    panel.check()
    assert f"✓</span> {FIELD_NAMES['believable']}: also accepted" in panel.feedback_html
    assert html.escape(alternative.why) in panel.feedback_html


def test_a_partly_right_chain_gets_the_half_symbol():
    """A chain sharing some links with the key is ◐ partly right; the checkboxes set the answer."""
    sid = next(s.id for s in CASE.statements if len(s.answers["chain"]) >= 2)
    panel = Panel(case=CASE, fields=("chain",))
    panel.select(sid)
    panel.choose("chain", [key(sid, "chain")[0]])
    panel.check()
    assert f"◐</span> {FIELD_NAMES['chain']}: partly right" in panel.feedback_html
    assert panel.submission["answers"][sid]["current"]["chain"] == [key(sid, "chain")[0]]


def why_html(name: str, text: str) -> str:
    """How the panel shows the why of one field."""
    return f"<b>Why ({html.escape(FIELD_NAMES[name])}):</b> {html.escape(text)}"


def rule_html(rule) -> str:
    """How the panel cites the rule that decides a trust question."""
    return f"<b>Rule {html.escape(f'{rule.id}, {rule.name}')}:</b> {html.escape(rule.text)}"


def test_feedback_teaches_before_it_tells():
    """The learning loop, in the panel: nothing is explained before a real check; a first try that
    is not right gets the statement's hint and neither the why nor the key's answer; a field that is
    right gets its why (and a trust question its rule); a second try that is not right gets the why
    and names the key's answer; what is uncertain appears once every field is explained."""
    statement = next(s for s in CASE.statements if s.uncertain)
    panel = Panel(case=CASE, fields=("origin", "believable"))
    panel.select(statement.id)
    whys = [html.escape(statement.why(name)) for name in statement.key]
    rule = CASE.deciding_rule(statement, "believable")
    origin_answer = html.escape(CASE.labels("origin")[statement.answers["origin"]].name)

    def nothing_explained() -> bool:
        shown = panel.feedback_html
        return (not any(why in shown for why in whys) and "Why (" not in shown and "<b>Rule " not in shown
                and "Still uncertain" not in shown and "The key&#x27;s answer" not in shown)

    assert nothing_explained()
    panel.choose("origin", wrong(statement.id, "origin"))
    assert nothing_explained()
    assert panel.check() is None  # believable is still unanswered: nothing is recorded
    assert f"Choose {FIELD_NAMES['believable']} first" in panel.feedback_html
    assert nothing_explained()
    assert panel.submission["answers"][statement.id]["attempts"] == 0
    panel.choose("believable", key(statement.id, "believable"))
    panel.controls.check.click()
    shown = panel.feedback_html
    assert html.escape(statement.hint("origin")) in shown  # the wrong field: its hint ...
    assert why_html("origin", statement.why("origin")) not in shown and f"({origin_answer})" not in shown  # ... only
    assert "The key&#x27;s answer" not in shown
    assert why_html("believable", statement.why("believable")) in shown and rule_html(rule) in shown  # the right one
    assert "Still uncertain" not in shown
    panel.choose("origin", wrong(statement.id, "origin"))
    panel.controls.check.click()  # the second try that is not right
    shown = panel.feedback_html
    assert why_html("origin", statement.why("origin")) in shown
    assert f"The key&#x27;s answer is {origin_answer}." in shown
    assert html.escape(statement.uncertain) in shown


def test_show_the_answer_tells_and_is_never_a_first_try():
    """"Show the answer" before any check names the key's answers and shows the whys of the fields
    not yet right; it is recorded, so answering right afterwards is not counted right first time."""
    statement = CASE.statements[2]
    panel = Panel(case=CASE, fields=("origin", "claim_type"))
    panel.select(statement.id)
    assert not panel.controls.reveal.disabled
    panel.controls.reveal.click()
    shown = panel.feedback_html
    for name in ("origin", "claim_type"):
        assert why_html(name, statement.why(name)) in shown
        assert html.escape(CASE.labels(name)[statement.answers[name]].name) in shown
    assert panel.controls.reveal.disabled, "nothing is left to show"
    assert panel.progress_text.startswith("1 of ") and panel.controls.jump.label.startswith("✓ "), "shown counts as answered, in both"
    entry = panel.submission["answers"][statement.id]
    assert entry["revealed"] == ["origin", "claim_type"] and entry["first"] == {}
    for name in ("origin", "claim_type"):
        panel.choose(name, key(statement.id, name))
    panel.controls.check.click()
    entry = panel.submission["answers"][statement.id]
    assert entry["first"] == {} and entry["attempts"] == 1
    assert "0 right first time" in panel.progress_text


@pytest.mark.parametrize("fields", [("origin",), ("origin", "chain"), ("reported_right",), ("claim_type", "believable")])
def test_feedback_shows_the_why_of_the_fields_asked_and_never_of_the_others(fields):
    """After a right check the panel shows the why of each field it asks and never that of a field it does
    not ask; it cites a rule only for a trust question it asks (a panel asking only origin shows no
    rule text at all)."""
    all_rules = [rule for rules in CASE.rules.values() for rule in rules]
    for statement in CASE.statements[:4]:
        panel = Panel(case=CASE, fields=fields)
        panel.select(statement.id)
        for name in fields:  # right answers: each asked field's why may be shown
            panel.choose(name, key(statement.id, name))
        panel.check()
        shown = panel.feedback_html
        asked = {html.escape(statement.why(name)) for name in fields}
        for name in fields:
            assert why_html(name, statement.why(name)) in shown
        for name in statement.key:
            if name not in fields:
                assert f"Why ({html.escape(FIELD_NAMES[name])})" not in shown
                if not any(html.escape(statement.why(name)) in why for why in asked):
                    assert html.escape(statement.why(name)) not in shown, (statement.id, name)
        deciding = {CASE.deciding_rule(statement, name).id for name in fields if name in CASE.rules}
        for rule in all_rules:
            if rule.id in deciding:
                assert rule_html(rule) in shown
            else:
                assert f"<b>Rule {html.escape(rule.id)}, " not in shown, (statement.id, rule.id)
        if not deciding:
            assert "<b>Rule " not in shown
            assert not any(html.escape(rule.text) in shown for rule in all_rules)


def test_attempts_are_counted_and_the_first_try_is_kept_apart():
    """A wrong first try then a right answer: two attempts, first try wrong, current right."""
    panel = Panel(case=CASE, fields=("origin",))
    sid = panel.current
    panel.choose("origin", wrong(sid, "origin"))
    panel.check()
    panel.choose("origin", key(sid, "origin"))
    panel.check()
    entry = panel.submission["answers"][sid]
    assert entry["attempts"] == 2
    assert entry["first"] == {"origin": wrong(sid, "origin")}
    assert entry["current"] == {"origin": key(sid, "origin")}
    assert "Checked 2 times" in panel.feedback_html and f"✗ {FIELD_NAMES['origin']}" in panel.feedback_html
    assert panel.progress_text == f"1 of {len(IDS)} answered, 0 right first time"


def test_a_changed_answer_shows_no_verdict_until_checked_again():
    """After a check, changing a field hides its verdict (no free guessing) and says to check again."""
    panel = Panel(case=CASE, fields=("origin",))
    sid = panel.current
    panel.choose("origin", wrong(sid, "origin"))
    panel.check()
    panel.choose("origin", key(sid, "origin"))
    assert "changed since your last check" in panel.feedback_html
    assert ": right" not in panel.feedback_html


def test_progress_counts_answered_and_right_first_time():
    """Progress: answered means every asked field has a value; right first time comes from first tries."""
    panel = Panel(case=CASE, fields=("origin", "believable"), statements=IDS[:3])
    assert panel.progress_text == "0 of 3 answered, 0 right first time"
    a, b = IDS[0], IDS[1]
    panel.choose("origin", key(a, "origin"))
    assert panel.progress_text == "0 of 3 answered, 0 right first time"
    panel.choose("believable", key(a, "believable"))
    panel.check()
    panel.select(b)
    panel.choose("origin", key(b, "origin"))
    panel.choose("believable", wrong(b, "believable"))
    panel.check()
    assert panel.progress_text == "2 of 3 answered, 1 right first time"
    assert panel.progress_text in panel.controls.progress.value


def test_unknown_labels_and_fields_are_refused_and_nothing_is_saved(answers_folder):
    """choose() with a label the case lacks raises a clear error and leaves the answers alone."""
    panel = Panel(case=CASE, fields=("origin",))
    with pytest.raises(UnknownLabelError):
        panel.choose("origin", "martians")
    with pytest.raises(UnknownLabelError):
        panel.choose("believable", key(panel.current, "believable"))
    assert panel.submission["answers"] == {}


# -- navigation -------------------------------------------------------------------------------


def test_previous_next_and_jump_move_between_statements():
    """Next/Previous buttons step through the panel's statements; the dropdown jumps; ends are disabled."""
    chosen = [IDS[0], IDS[4], IDS[7]]
    panel = Panel(case=CASE, fields=("origin",), statements=chosen)
    assert panel.current == chosen[0] and panel.controls.previous.disabled and not panel.controls.next.disabled
    panel.controls.next.click()
    assert panel.current == chosen[1]
    assert f"<b>{chosen[1]}</b>" in panel.statement_html
    assert f"<mark>{html.escape(CASE.statement(chosen[1]).quote)}</mark>" in panel.statement_html
    panel.controls.jump.value = chosen[2]
    assert panel.current == chosen[2] and panel.controls.next.disabled
    panel.controls.previous.click()
    assert panel.current == chosen[1] and panel.controls.jump.value == chosen[1]
    with pytest.raises(UnknownStatementError):
        panel.select(IDS[1])  # in the case, but not in this panel


def test_controls_show_each_statements_own_answers():
    """Moving to another statement shows its own answers, and back again restores the first ones."""
    panel = Panel(case=CASE, fields=("origin", "chain"))
    first = panel.current
    panel.choose("origin", key(first, "origin"))
    panel.choose("chain", key(first, "chain"))
    panel.next()
    assert panel.value("origin") is None and panel.value("chain") is None
    panel.previous()
    assert panel.value("origin") == key(first, "origin")
    assert set(panel.value("chain")) == set(key(first, "chain"))


def test_every_control_has_a_readable_name():
    """Buttons have visible text and a tooltip; other controls a description or tooltip."""
    panel = Panel(case=CASE, fields=("origin", "believable", "chain"))
    stack = [panel.widget]
    controls = []
    while stack:
        w = stack.pop()
        stack.extend(getattr(w, "children", ()))
        if isinstance(w, (widgets.Button, widgets.Dropdown, widgets.RadioButtons, widgets.Checkbox,
                          widgets.Text, widgets.FileUpload)):
            controls.append(w)
    assert len(controls) >= 10
    for w in controls:
        assert (w.description or w.tooltip), w
        if isinstance(w, widgets.Button):
            assert w.description.strip() and w.tooltip, w


# -- answers that are never lost -----------------------------------------------------------


def test_answers_and_position_survive_a_restart(answers_folder):
    """A new panel on the same file restores every answer and the verdicts shown, and opens at its
    first statement not answered yet."""
    panel = Panel(case=CASE, fields=("origin", "believable"))
    a, b = IDS[2], IDS[5]
    panel.select(a)
    panel.choose("origin", key(a, "origin"))
    panel.choose("believable", key(a, "believable"))
    panel.check()
    panel.select(b)
    panel.choose("origin", wrong(b, "origin"))
    saved = panel.submission
    del panel

    again = Panel(case="kursk", fields=("origin", "believable"))
    assert again.submission == saved
    assert again.current == IDS[0], "it opens at its first statement not answered yet"
    again.select(b)
    assert again.value("origin") == wrong(b, "origin")
    assert again.progress_text == panel_progress(1, 1)
    again.select(a)
    assert again.value("believable") == key(a, "believable")
    assert f"{FIELD_NAMES['origin']}: right" in again.feedback_html
    assert why_html("origin", CASE.statement(a).why("origin")) in again.feedback_html
    assert why_html("believable", CASE.statement(a).why("believable")) in again.feedback_html


def panel_progress(answered, right):
    return f"{answered} of {len(IDS)} answered, {right} right first time"


def test_every_change_is_saved_at_once_and_atomically(answers_folder):
    """Each choice and check is in the file immediately; the folder never holds temporary files."""
    panel = Panel(case=CASE, fields=("origin", "believable"))
    path = answers_file(answers_folder)
    for sid in IDS[:4]:
        panel.select(sid)
        panel.choose("origin", key(sid, "origin"))
        assert json.loads(path.read_text("utf-8"))["answers"][sid]["current"]["origin"] == key(sid, "origin")
        panel.choose("believable", key(sid, "believable"))
        panel.check()
        data = json.loads(path.read_text("utf-8"))
        assert data == panel.submission and data["answers"][sid]["attempts"] == 1
    assert sorted(p.name for p in answers_folder.iterdir() if not p.name.endswith(".lock")) == [path.name]
    assert submission_problems(json.loads(path.read_text("utf-8")), CASE) == []


def test_student_name_goes_into_the_submission(answers_folder):
    """The optional name and id fields are saved with the answers."""
    panel = Panel(case=CASE, fields=("origin",))
    panel.controls.student_name.value = "Ada Lovelace"
    panel.controls.student_id.value = "s123"
    assert panel.submission["student"] == {"id": "s123", "name": "Ada Lovelace"}
    assert json.loads(answers_file(answers_folder).read_text("utf-8"))["student"]["name"] == "Ada Lovelace"
    assert Panel(case=CASE, fields=("origin",)).controls.student_name.value == "Ada Lovelace"


def test_download_link_holds_the_submission():
    """Download my answers shows a link: a data: URL whose base64 content decodes to the current submission."""
    panel = Panel(case=CASE, fields=("origin",))
    panel.choose("origin", key(panel.current, "origin"))
    panel.controls.download_button.click()
    link = panel.download_html
    assert f"download='answers-{CASE.id}.json'" in link and panel.controls.download_button.description == "Download my answers"
    data = re.search(r"href='data:application/json;base64,([A-Za-z0-9+/=]+)'", link).group(1)
    assert json.loads(base64.b64decode(data)) == panel.submission


def test_restore_from_an_uploaded_file_replaces_the_answers_and_keeps_a_backup(answers_folder):
    """A good uploaded file, restored with Replace everything, replaces the answers, is saved, and the
    replaced answers are backed up."""
    panel = Panel(case=CASE, fields=("origin",))
    panel.choose("origin", wrong(IDS[0], "origin"))
    before = panel.submission
    other = new_submission(CASE, student_name="Ada", now=now_iso())
    other = record_check(CASE, other, IDS[3], {"origin": key(IDS[3], "origin")}, now=now_iso())
    upload(panel, json.dumps(other).encode("utf-8"))
    panel.controls.restore_replace.click()
    assert panel.submission["answers"] == other["answers"]
    assert json.loads(answers_file(answers_folder).read_text("utf-8"))["answers"] == other["answers"]
    assert "Restored 1 answer from my-answers.json" in panel.notice_html
    assert "Restored 1 answer" in panel.controls.file_notice.value  # shown next to the button that was used
    assert panel.current == IDS[0] and panel.controls.student_name.value == "Ada"  # the first unanswered
    backups = list(answers_folder.glob(f"answers-{CASE.id}.json.replaced-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text("utf-8"))["answers"] == before["answers"]
    assert panel.controls.upload.value == ()


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"{not json", "is not valid JSON"),
        (json.dumps({**new_submission(CASE, now=now_iso()), "case_id": "river_spill"}).encode(), "another case"),
        (json.dumps({"answers": {}}).encode(), "is not an Attribution Lab answers file"),
    ],
)
def test_a_bad_upload_changes_nothing_and_says_why(answers_folder, raw, words):
    """A bad uploaded file leaves the answers and the file untouched, with a clear message naming it."""
    panel = Panel(case=CASE, fields=("origin",))
    panel.choose("origin", key(panel.current, "origin"))
    before, on_disk = panel.submission, answers_file(answers_folder).read_bytes()
    upload(panel, raw, name="<b>evil</b>.json")
    assert panel.submission == before and answers_file(answers_folder).read_bytes() == on_disk
    assert "Could not restore from &lt;b&gt;evil&lt;/b&gt;.json; your answers were not changed." in panel.notice_html
    assert words in panel.notice_html
    assert "<b>evil</b>" not in panel.notice_html


def test_start_over_asks_first_and_keeps_a_backup(answers_folder):
    """Start over only shows a question; Cancel keeps everything; Yes clears this panel's answers after a backup."""
    path = answers_file(answers_folder)
    panel = Panel(case=CASE, fields=("origin",), statements=IDS[:2])
    panel.choose("origin", key(IDS[0], "origin"))
    panel.check()
    outside = record_choice(CASE, panel.submission, IDS[9], "origin", key(IDS[9], "origin"), now=now_iso())
    path.write_text(json.dumps(outside), "utf-8")  # e.g. from another lesson's panel
    panel.controls.start_over.click()
    assert panel.controls.confirm.layout.display == "flex" and "Clear your answers?" in panel.controls.confirm_text.value
    assert json.loads(path.read_text("utf-8"))["answers"][IDS[0]]
    panel.controls.confirm_no.click()
    assert panel.controls.confirm.layout.display == "none" and panel.submission["answers"][IDS[0]]
    panel.controls.start_over.click()
    panel.controls.confirm_yes.click()
    assert IDS[0] not in panel.submission["answers"] and IDS[9] in panel.submission["answers"]
    assert json.loads(path.read_text("utf-8")) == panel.submission
    backups = list(answers_folder.glob(f"answers-{CASE.id}.json.cleared-*"))
    assert len(backups) == 1 and IDS[0] in json.loads(backups[0].read_text("utf-8"))["answers"]
    assert backups[0].name in panel.notice_html
    assert panel.value("origin") is None and panel.progress_text == "0 of 2 answered, 0 right first time"
    assert html.escape(CASE.statement(IDS[0]).why("origin")) not in panel.feedback_html


# -- bad answers files at start ------------------------------------------------------------------


def test_a_corrupt_answers_file_is_set_aside_and_the_panel_says_so(answers_folder):
    """Corrupt JSON at start: no crash, a dated .bad- copy, a plain notice, a working empty panel."""
    path = answers_file(answers_folder)
    path.write_bytes(b"\x89PNG not an answers file")
    panel = Panel(case=CASE, fields=("origin",))
    backups = list(answers_folder.glob(f"answers-{CASE.id}.json.bad-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == b"\x89PNG not an answers file"
    assert re.search(r"\.bad-\d{8}-\d{6}$", backups[0].name)
    assert "Please note" in panel.notice_html and backups[0].name in panel.notice_html
    assert panel.submission["answers"] == {}
    panel.choose("origin", key(panel.current, "origin"))
    assert json.loads(path.read_text("utf-8"))["answers"][panel.current]


def test_another_cases_answers_file_is_kept_and_the_panel_starts_clean(answers_folder):
    """An answers file of another case is backed up, not used, and the notice says which case it was."""
    path = answers_file(answers_folder)
    data = record_choice(CASE, new_submission(CASE, now=now_iso()), IDS[0], "origin", key(IDS[0], "origin"), now=now_iso())
    data["case_id"] = "river_spill"
    path.write_text(json.dumps(data), "utf-8")
    panel = Panel(case=CASE, fields=("origin",))
    assert panel.submission["answers"] == {}
    assert "another case" in panel.notice_html and "river_spill" in panel.notice_html
    assert len(list(answers_folder.glob("*.bad-*"))) == 1


def test_an_older_key_versions_answers_are_salvaged_and_the_dropped_ones_named(answers_folder):
    """Older key: answers with labels that still exist are restored; the others are named in the notice."""
    path = answers_file(answers_folder)
    data = record_check(CASE, new_submission(CASE, now=now_iso()), IDS[0], {"origin": key(IDS[0], "origin")}, now=now_iso())
    data = record_choice(CASE, data, IDS[1], "origin", key(IDS[1], "origin"), now=now_iso())
    data["key_version"] = "0.0.1"
    data["answers"][IDS[1]]["current"]["origin"] = "old_label"
    path.write_text(json.dumps(data), "utf-8")
    panel = Panel(case=CASE, fields=("origin",))
    assert panel.submission["answers"][IDS[0]]["first"] == {"origin": key(IDS[0], "origin")}
    assert IDS[1] not in panel.submission["answers"]
    assert "version &#x27;0.0.1&#x27;" in panel.notice_html
    assert "old_label" in panel.notice_html and f"{IDS[1]} {FIELD_NAMES['origin']}" in panel.notice_html


# -- escaping ---------------------------------------------------------------------------------------


def hostile_case():
    """A two-statement case whose title, article, labels, whys, hints, rules and uncertainty carry markup."""
    data, _article, _folder = read_case_files("kursk")
    data = copy.deepcopy(data)
    first, second = data["statements"][:2]
    first.update(quote="<script>alert('quote')</script> & the agency said so.", cue=None,
                 uncertain="<script>x</script> is open.")
    first["origin"]["why"] = "Because <img src=x onerror=alert(1)> said so."
    first["origin"]["hint"] = "Look at <u onclick=hint()>the cue</u>."
    second.update(quote="Then <b>bold</b> claims followed.", cue=None)
    data["statements"] = [first, second]
    data["article_figures"] = []
    data.pop("lessons", None)  # the key's lesson lists name statements this case no longer has
    for rule in data["rules"]["reported_right"]:
        rule["text"] += " <script>rule()</script>"
    data["case"]["title"] = "<script>title()</script> case"
    origin = next(iter(data["vocabularies"]["origin"]))
    data["vocabularies"]["origin"][origin]["definition"] = "<script>def()</script> definition"
    article = f"Intro <i>line</i>.\n{first['quote']} {second['quote']}\n"
    return decode_key(data, article)


def test_text_from_the_case_and_the_student_is_escaped(answers_folder):
    """No markup from a case, an answer file or a student reaches the page unescaped."""
    case = hostile_case()
    panel = Panel(case=case, fields=("origin", "reported_right"))
    panel.controls.student_name.value = "<script>name()</script>"
    statement = case.statements[0]
    origin = next(label for label in case.labels("origin") if label != statement.answers["origin"]
                  and label not in {a.answer for a in statement.accepted["origin"]})
    panel.choose("origin", origin)  # wrong, so the hint is shown too ...
    panel.choose("reported_right", statement.answers["reported_right"])
    panel.check()
    panel.check()  # ... and after the second try, its why and the key's answer
    shown = "\n".join(html_values(panel.widget))
    assert "<script" not in shown and "<img" not in shown and "<b>bold</b>" not in shown and "<i>line" not in shown
    assert "<u " not in shown
    assert "&lt;u onclick=hint()&gt;the cue&lt;/u&gt;" in panel.feedback_html
    assert "&lt;script&gt;rule()&lt;/script&gt;" in panel.feedback_html
    assert "&lt;script&gt;alert(&#x27;quote&#x27;)&lt;/script&gt; &amp; the agency said so." in panel.statement_html
    assert "<mark>&lt;script&gt;" in panel.statement_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in panel.feedback_html
    assert "&lt;script&gt;def()&lt;/script&gt; definition" in shown
    assert "&lt;script&gt;title()&lt;/script&gt;" in shown


def test_the_panel_displays_itself_with_a_stable_text_form():
    """In a notebook the panel shows its widget; the plain-text form is stable for nbval."""
    panel = Panel(case=CASE, fields=("origin", "believable"))
    bundle = panel._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == panel.widget.model_id
    assert bundle["text/plain"] == f"<Attribution Lab panel: case {CASE.id}, {len(IDS)} statements, {FIELD_NAMES['origin']}, {FIELD_NAMES['believable']}>"
    assert isinstance(panel.widget, widgets.VBox)


def test_download_is_built_when_pressed_from_the_file_and_memory(answers_folder):
    """No link until Download my answers is pressed; then the link holds what another notebook saved
    to the same file since this panel was drawn, says how many answers, and goes at the next change."""
    panel = Panel(case=CASE, fields=("origin",))
    panel.choose("origin", key(IDS[0], "origin"))
    assert "<a " not in panel.download_html and f"Saved in answers-{CASE.id}.json" in panel.download_html
    later = Panel(case=CASE, fields=("believable",), statements=IDS[5:7])  # a lesson opened later
    later.choose("believable", key(IDS[5], "believable"))
    panel.controls.download_button.click()
    link = panel.download_html
    assert f"Save answers-{CASE.id}.json: 2 answers, prepared just now" in link
    data = json.loads(base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)'", link).group(1)))
    assert data["answers"][IDS[0]]["current"] == {"origin": key(IDS[0], "origin")}
    assert data["answers"][IDS[5]]["current"] == {"believable": key(IDS[5], "believable")}
    panel.choose("origin", wrong(IDS[0], "origin"))
    assert "<a " not in panel.download_html  # a link never offers an older state than the panel's


def test_a_failed_save_is_said_until_saving_works_again(answers_folder, monkeypatch):
    """While saving fails the notice says so and Download still offers every answer; the first save
    that works says "saved again" and the next one clears the notice."""
    import errno

    from attribution_lab.storage import answers_store

    panel = Panel(case=CASE, fields=("origin",))
    real_write = answers_store.atomic_write

    def disk_full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(answers_store, "atomic_write", disk_full)
    for sid in IDS[:3]:
        panel.select(sid)
        panel.choose("origin", key(sid, "origin"))
    assert "could not be saved" in panel.controls.save_notice.value and "No space left on device" in panel.notice_html
    panel.controls.download_button.click()
    assert "3 answers, prepared just now" in panel.download_html
    monkeypatch.setattr(answers_store, "atomic_write", real_write)
    panel.choose("origin", wrong(IDS[2], "origin"))
    assert "could not be saved" not in panel.notice_html and "Saved again" in panel.controls.save_notice.value
    saved = json.loads(answers_file(answers_folder).read_text("utf-8"))["answers"]
    assert [saved[sid]["current"]["origin"] for sid in IDS[:2]] == [key(sid, "origin") for sid in IDS[:2]]
    panel.choose("origin", key(IDS[2], "origin"))
    assert panel.controls.save_notice.value == ""


def test_restore_asks_first_and_merge_keeps_newer_answers(answers_folder):
    """Restore only asks, with what Merge adds, changes and keeps; Cancel changes nothing; Merge keeps
    every newer answer, adds the file's others, and the notice names the backup made first."""
    panel = Panel(case=CASE, fields=("origin",))
    for sid in IDS[:3]:
        panel.select(sid)
        panel.choose("origin", key(sid, "origin"))
    on_disk = answers_file(answers_folder).read_bytes()
    old = new_submission(CASE, now="2020-01-01T10:00:00Z")
    for sid in (IDS[0], IDS[5]):
        old = record_choice(CASE, old, sid, "origin", wrong(sid, "origin"), now="2020-01-01T10:00:00Z")
    raw = json.dumps(old).encode("utf-8")
    upload(panel, raw, name="old.json")
    assert panel.controls.restore.layout.display == "flex"
    question = panel.controls.restore_text.value
    assert "Restore from old.json?" in question and f"adds answers to 1 statement ({IDS[5]})" in question
    assert f"keeps your answers to 3 statements ({IDS[0]}, {IDS[1]} and {IDS[2]})" in question
    assert [b.description for b in (panel.controls.restore_merge, panel.controls.restore_replace, panel.controls.restore_cancel)] == [
        "Merge", "Replace everything", "Cancel"]
    assert answers_file(answers_folder).read_bytes() == on_disk and len([p for p in answers_folder.iterdir() if not p.name.endswith(".lock")]) == 1
    panel.controls.restore_cancel.click()
    assert panel.controls.restore.layout.display == "none" and answers_file(answers_folder).read_bytes() == on_disk
    assert "Nothing was restored from old.json" in panel.notice_html
    upload(panel, raw, name="old.json")
    panel.controls.restore_merge.click()
    saved = json.loads(answers_file(answers_folder).read_text("utf-8"))["answers"]
    assert [saved[sid]["current"]["origin"] for sid in IDS[:3]] == [key(sid, "origin") for sid in IDS[:3]]
    assert saved[IDS[5]]["current"]["origin"] == wrong(IDS[5], "origin") and panel.submission["answers"] == saved
    backup = next(answers_folder.glob(f"answers-{CASE.id}.json.before-merge-*"))
    assert backup.read_bytes() == on_disk and f"kept as {backup.name}" in panel.notice_html
    assert f"Merged old.json into answers-{CASE.id}.json" in panel.notice_html


def test_the_drawn_chain_names_every_box_in_order_and_escapes_them() -> None:
    """The panel's drawing of the key's chain: each name in a box in order, the roles under them."""
    from attribution_lab.student.panel_html import chain_html

    html_text = chain_html(("North <Korean> state", "KCNA", "You, the reader"))
    assert "North &lt;Korean&gt; state" in html_text and "<Korean>" not in html_text
    assert html_text.index("KCNA") < html_text.index("You, the reader")
    assert [role for role in ("origin", "link 1", "reader") if role in html_text] == ["origin", "link 1", "reader"]


def test_the_glossary_and_boxes_wrap_between_words() -> None:
    """Label names wrap as words: no definition list (whose names JupyterLab squeezed into a column)
    and no overflow-wrap:anywhere, which lets a flex column shrink until words break letter by letter."""
    from attribution_lab.storage.cases import load_case
    from attribution_lab.student.panel_html import BOX_STYLE, glossary_html

    labels = load_case("kursk").labels("origin").values()
    text = glossary_html("Origin", labels)
    assert "<dt" not in text and "<dl" not in text
    assert "anywhere" not in BOX_STYLE
    assert all(f"<b>{label.name}</b>" in text.replace("&#x27;", "'") for label in labels)


def test_restore_from_file_shows_its_name_without_a_file_count() -> None:
    """ipywidgets writes "Restore from file (0)"; the panel's style hides that count behind the name."""
    from attribution_lab.student.panel import Panel
    from attribution_lab.student.panel_html import RESTORE_CLASS

    panel = Panel("kursk", fields=("origin",))
    assert RESTORE_CLASS in panel.controls.upload._dom_classes
    assert f".{RESTORE_CLASS}::after" in panel.controls.title.value and "Restore from file" in panel.controls.title.value
