"""Loading, validation, gating and overrides of the rule engine (pure, no database)."""

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from rulebook import engine, samples
from rulebook.engine import RulebookError

from .helpers import DISTRICT, NATIONAL, both, dl, ol

# The parameter names and defaults other apps read (issue 4 contract).
DEFAULTS = {
    "study_day_hours": 6,
    "ol_study_min_days": 1,
    "ol_study_concentrated_min_days": 0.5,
    "dl_study_typical_days": 3,
    "dl_study_tolerance_days": 0.5,
    "dl_study_concentrated_min_days": 1,
    "ol_member_peer_talk_mode": "min_per_member",
    "ol_member_peer_talks_min": 1,
    "dl_plan_report_lead_days": 15,
    "dl_public_notice_lead_days": 15,
    "dl_report_within_days": 15,
    "ol_report_within_days": 15,
    "dl_circular_within_months": 1,
    "dl_absent_feedback_days": 7,
    "ol_rectification_display_days": 5,
    "ol_yearend_combined_with_appraisal": True,
    "appraisal_quorum_ratio": 0.6667,
    "appraisal_probationary_votes": False,
    "appraisal_excellent_max_ratio": 0.3333,
    "appraisal_peer_review_anonymous": False,
    "appraisal_min_ballots_for_person_results": 5,
    "reminder_lead_days": 3,
}


def test_district_parameters_have_the_agreed_names_and_defaults():
    for name, value in DEFAULTS.items():
        assert DISTRICT.param(name) == value, name
        p = DISTRICT.parameters[name]
        assert p.label and p.unit


def test_national_baseline_differs_where_parameters_md_says_so():
    assert NATIONAL.param("ol_yearend_combined_with_appraisal") is False
    assert NATIONAL.param("ol_meetings_per_year") == 1 and DISTRICT.param("ol_meetings_per_year") == 2
    assert NATIONAL.param("dl_min_attendance_ratio") == 0.6667 and DISTRICT.param("dl_min_attendance_ratio") is None
    assert set(DEFAULTS) <= set(NATIONAL.params)


def test_param_accessor_default():
    assert DISTRICT.param("no_such_parameter", 42) == 42


def test_load_pins_exact_versions():
    assert engine.load("district-2024", "1") is engine.load("district-2024", "1")
    assert engine.load("district-2024").version == engine.versions("district-2024")[-1]
    with pytest.raises(RulebookError, match="file not found"):
        engine.load("district-2024", "999")
    with pytest.raises(RulebookError, match="no such rulebook"):
        engine.load("nowhere")


def test_available_lists_both_shipped_rulebooks():
    assert dict(engine.available()) == {"district-2024": ["1"], "national-baseline": ["1"]}


@both
def test_by_the_book_meetings_raise_no_findings(rb):
    for snap in (samples.org_life(), samples.democratic_life(), samples.org_life(sector="other"), samples.org_life(sector="school", has_committee=False)):
        assert engine.check(snap, rb) == []


def test_rules_only_run_for_their_meeting_kind():
    assert all("org_life" in r.kinds for r in DISTRICT.rules_for("org_life"))
    assert not set(r.id for r in DISTRICT.rules_for("org_life")) & set(r.id for r in DISTRICT.rules_for("democratic_life"))


def test_post_meeting_rules_wait_for_their_stage():
    """A rule with active_from=held is not evaluated while the meeting is being prepared."""
    snap = ol(stage="preparing", closing=None, sittings=(), problems=(), items=(), report=None)
    found = {f.rule_id for f in engine.check(snap, DISTRICT)}
    assert not {"OL-3.3.a", "OL-4.1.a", "OL-4.3.c", "OL-4.2.a"} & found


def test_blockers_are_cumulative_over_stages():
    snap = ol(stage="planning")
    snap = replace(snap, plan=replace(snap.plan, status="draft"), reading_count=0)
    findings = engine.check(snap, DISTRICT)
    assert [f.rule_id for f in engine.blockers(findings, "preparing")] == ["OL-2.1.c"]
    assert {f.rule_id for f in engine.blockers(findings, "ready")} == {"OL-2.1.c", "OL-2.2.a"}
    assert {f.rule_id for f in engine.blockers(findings, "closed")} == {"OL-2.1.c", "OL-2.2.a"}
    assert engine.blockers(findings, "ready", frozenset({"OL-2.1.c", "OL-2.2.a"})) == []


def test_warnings_never_block():
    snap = dl(stage="preparing", reading_count=3, study=())
    findings = engine.check(snap, DISTRICT)
    assert any(f.severity == "warning" for f in findings)
    assert engine.blockers(findings, "closed") == []


def test_finding_messages_are_filled_in():
    snap = dl(stage="preparing", reading_count=0)
    for f in engine.check(replace(snap, plan=replace(snap.plan, filed_offices=frozenset())), DISTRICT):
        assert "{" not in f.message and "{" not in f.hint, f.rule_id


def test_with_params_rejects_unknown_names():
    with pytest.raises(RulebookError, match="unknown parameters"):
        DISTRICT.with_params(nonsense=1)
    assert DISTRICT.with_params(study_day_hours=8).derived


@both
def test_attitude_and_guidance_clauses_carry_text_for_a_step(rb):
    """Clauses no software can check (抹开面子, 与人为善 …) become guidance shown at a step."""
    for hj in rb.human_judgements:
        assert len(hj.reason) >= 4
        if hj.category in ("attitude", "guidance"):
            assert hj.guidance and hj.steps, hj.clause_id


def test_guidance_for_a_step():
    texts = dict(engine.guidance_for("org_life", "criticism"))
    assert "抹开面子" in texts["OL-3.1.g"]
    assert engine.guidance_for("org_life", "circular") == []


# -- validation with a clear error naming the bad key -------------------------------------------


@pytest.fixture
def shelf(tmp_path, monkeypatch):
    """A copy of the shipped files the test may break."""
    src = Path(engine.__file__).parent
    shutil.copytree(src / "rulebooks", tmp_path / "rulebooks")
    shutil.copytree(src / "layers", tmp_path / "layers")
    monkeypatch.setattr(engine, "RULEBOOKS", tmp_path / "rulebooks")
    monkeypatch.setattr(engine, "LAYERS", tmp_path / "layers")
    engine._rulebook_file.cache_clear()
    engine._layer_file.cache_clear()
    engine._load.cache_clear()
    yield tmp_path
    engine._rulebook_file.cache_clear()
    engine._layer_file.cache_clear()
    engine._load.cache_clear()


def _book(shelf, slug, mutate):
    data = yaml.safe_load((shelf / "rulebooks" / "district-2024" / "1.yaml").read_text())
    data["slug"] = slug
    mutate(data)
    (shelf / "rulebooks" / slug).mkdir()
    (shelf / "rulebooks" / slug / "1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


def _layer(shelf, name, rules, proposal=False):
    (shelf / "layers" / name).mkdir()
    data = {"layer": name, "version": "1", "title": "测试", "proposal": proposal, "rules": rules}
    (shelf / "layers" / name / "1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))


RULE = {
    "id": "OL-2.4.a",
    "clauses": ["OL-2.4.a"],
    "kinds": ["org_life"],
    "check": "talk_pairs",
    "options": {"clause": "OL-2.4.a"},
    "severity": "blocker",
    "message": "m",
    "hint": "h",
}


def test_bad_severity_names_the_file_rule_and_key(shelf):
    _layer(shelf, "bad", [{**RULE, "severity": "blocking"}])
    _book(shelf, "t-severity", lambda d: d.update(layers=[{"layer": "bad", "version": "1"}]))
    with pytest.raises(RulebookError) as exc:
        engine.load("t-severity")
    assert "layers/bad/1.yaml: rules[0] (OL-2.4.a).severity" in str(exc.value)


def test_unknown_check_function(shelf):
    _layer(shelf, "bad", [{**RULE, "check": "no_such_check"}])
    _book(shelf, "t-check", lambda d: d.update(layers=[{"layer": "bad", "version": "1"}]))
    with pytest.raises(RulebookError, match=r"rules \(OL-2.4.a\)\.check: unknown check function 'no_such_check'"):
        engine.load("t-check")


def test_unknown_clause_id(shelf):
    _layer(shelf, "bad", [{**RULE, "clauses": ["OL-9.9.z"]}])
    _book(shelf, "t-clause", lambda d: d.update(layers=[{"layer": "bad", "version": "1"}]))
    with pytest.raises(RulebookError, match=r"clauses: unknown clause ids \['OL-9.9.z'\]"):
        engine.load("t-clause")


def test_proposal_layer_refuses_blockers(shelf):
    _layer(shelf, "props", [{**RULE, "id": "P-DL-2.6.a", "clauses": ["P-DL-2.6.a"], "kinds": ["democratic_life"]}], proposal=True)
    _book(shelf, "t-proposal", lambda d: d.update(layers=[{"layer": "props", "version": "1"}]))
    with pytest.raises(RulebookError, match="a proposal rule is never a blocker"):
        engine.load("t-proposal")


def test_rulebook_cannot_raise_a_proposal_to_blocker(shelf):
    _book(shelf, "t-adjust", lambda d: d.update(adjustments=[{"id": "P-DL-2.6.a", "severity": "blocker"}]))
    with pytest.raises(RulebookError, match=r"adjustments \(P-DL-2.6.a\)\.severity"):
        engine.load("t-adjust")


def test_missing_parameter_and_unit(shelf):
    def mutate(d):
        del d["parameters"]["reminder_lead_days"]
        del d["parameters"]["study_day_hours"]["unit"]

    _book(shelf, "t-params", mutate)
    with pytest.raises(RulebookError) as exc:
        engine.load("t-params")
    assert "t-params/1.yaml: parameters.study_day_hours.unit: Field required" in str(exc.value)


def test_missing_required_parameter(shelf):
    _book(shelf, "t-required", lambda d: d["parameters"].pop("reminder_lead_days"))
    with pytest.raises(RulebookError, match=r"parameters: missing \['reminder_lead_days'\]"):
        engine.load("t-required")


def test_unknown_key_is_refused(shelf):
    _book(shelf, "t-extra", lambda d: d.update(colour="red"))
    with pytest.raises(RulebookError, match="t-extra/1.yaml: colour: Extra inputs are not permitted"):
        engine.load("t-extra")


def test_slug_must_match_the_path(shelf):
    data = yaml.safe_load((shelf / "rulebooks" / "district-2024" / "1.yaml").read_text())
    (shelf / "rulebooks" / "t-path").mkdir()
    (shelf / "rulebooks" / "t-path" / "1.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(RulebookError, match="must match its path"):
        engine.load("t-path")


def test_adjustment_switches_a_rule_off_and_changes_severity(shelf):
    _book(shelf, "t-ok", lambda d: d.update(adjustments=[{"id": "OL-2.4.b", "enabled": False}, {"id": "OL-2.4.c", "severity": "info"}]))
    rb = engine.load("t-ok")
    assert rb.rule("OL-2.4.b") is None
    assert rb.rule("OL-2.4.c").severity == "info"


def test_a_new_version_does_not_change_the_pinned_one(shelf):
    """Meetings pin slug+version: a version 2 with a stricter number leaves version 1 alone."""
    data = yaml.safe_load((shelf / "rulebooks" / "district-2024" / "1.yaml").read_text())
    data["version"] = "2"
    data["parameters"]["dl_plan_report_lead_days"]["value"] = 20
    (shelf / "rulebooks" / "district-2024" / "2.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert engine.load("district-2024").version == "2"
    assert engine.load("district-2024", "1").param("dl_plan_report_lead_days") == 15
    assert engine.load("district-2024", "2").param("dl_plan_report_lead_days") == 20


HUMAN = {
    "OL-0.1", "OL-0.2", "OL-1.1.a", "OL-1.1.b", "OL-1.1.c", "OL-2.1.a", "OL-2.2.f", "OL-2.5.h", "OL-3.1.g", "OL-3.1.i", "OL-4.3.b",
    "DL-0.1", "DL-0.2", "DL-1.1.a", "DL-1.1.b", "DL-1.1.c", "DL-1.2.a", "DL-1.2.c", "DL-1.4.a", "DL-1.4.b", "DL-2.4.f", "DL-3.3.g", "DL-3.3.h", "DL-4.4.b",
    "GAP-DL-3.0", "P-DL-2.6.e", "P-DL-3.0", "P-DL-3.2.0", "P-DL-3.2.a",
}  # fmt: skip


@both
def test_human_judgement_clauses_are_shown_at_their_steps(rb):
    """The clauses handled by people, not rules — OL-0.1, OL-0.2, OL-1.1.a, OL-1.1.b, OL-1.1.c,
    OL-2.1.a, OL-2.2.f, OL-2.5.h, OL-3.1.g, OL-3.1.i, OL-4.3.b, DL-0.1, DL-0.2, DL-1.1.a, DL-1.1.b,
    DL-1.1.c, DL-1.2.a, DL-1.2.c, DL-1.4.a, DL-1.4.b, DL-2.4.f, DL-3.3.g, DL-3.3.h, DL-4.4.b,
    GAP-DL-3.0, P-DL-2.6.e, P-DL-3.0, P-DL-3.2.0, P-DL-3.2.a — each has a reason, and its guidance
    text (if any) is returned by guidance_for at every step it names."""
    assert {h.clause_id for h in rb.human_judgements} == HUMAN
    for hj in rb.human_judgements:
        assert hj.reason
        for kind in hj.kinds:
            for step in hj.steps:
                if hj.guidance:
                    assert hj.clause_id in dict(engine.guidance_for(kind, step, rb)), (hj.clause_id, step)
