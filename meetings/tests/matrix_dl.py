"""Matrix cases of the 民主生活会 part (see tests/matrix.py).

Expected allow-sets from the regulations' roles: the team (here the personas of the place)
reads; the main leader (the secretary persona holds `meeting.manage`) decides, files, notices
and runs the meeting; recorders record; the 纪委/组织部 set the topic and receive filings; the
superior's guide comments (DL-3.4.a); only an inspector may publish the topic (DL-1.2.b).
"""

from meetings.choices import FeedbackKind, MeetingKind, SittingKind, SittingStatus, Stage
from meetings.models import Feedback, Meeting, Plan, PlanFiling, Sitting
from tests.matrix import ALL, EXPECTED, PLACES, allow, case

VIEW = allow(
    secretary={"b1"},
    committee_member={"b1"},
    member={"b1"},
    outsider={"b2"},
    reviewer={"b1", "b2", "p1"},
    inspector=set(PLACES),
    operator=set(PLACES),
)
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
RECORD = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"})
GUIDE = allow(reviewer={"b1", "b2"}, inspector=set(PLACES))


def _expect(perm, allowed):
    """These rows belong to ol-core's matrix module; keep theirs when they exist."""
    EXPECTED.setdefault(perm, allowed)


_expect("meeting.view", VIEW)
_expect("meeting.manage", MANAGE)
_expect("meeting.record", RECORD)
_expect("meeting.guide", GUIDE)
_expect("gate.override", GUIDE)
_expect("campaign.launch", allow(reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES)))
_expect("plan.receive_filing", allow(inspector=set(PLACES)))


def _holders(*personas):
    return {(p, place) for p, place in ALL if p in personas}


def make_dl(org, *, stage=Stage.PREPARING, filed_by=None, sitting=False):
    """A bare 民主生活会 in `org` (cheap: no team)."""
    special = Meeting.objects.filter(organization=org, kind=MeetingKind.DEMOCRATIC_LIFE, special=False).exists()
    meeting = Meeting.objects.create(
        organization=org,
        kind=MeetingKind.DEMOCRATIC_LIFE,
        year=2026,
        special=special,
        title="民主生活会",
        theme="主题",
        stage=stage,
        rulebook_slug="district-2024",
        rulebook_version="1",
    )
    plan = Plan.objects.create(meeting=meeting, theme="主题")
    if filed_by is not None:
        from django.utils import timezone

        from meetings.models import PlanVersion

        version = PlanVersion.objects.create(plan=plan, number=1, content={}, submitted_by=filed_by)
        district = type(org).objects.get_root(org)
        PlanFiling.objects.create(
            plan=plan, office="discipline", recipient_organization=district, filed_at=timezone.now(), filed_by=filed_by, plan_version=version
        )
    if sitting:
        Sitting.objects.create(meeting=meeting, kind=SittingKind.DEMOCRATIC_LIFE, status=SittingStatus.OPEN)
    return meeting


case("meetings:dl_topics", expected=_holders("reviewer", "inspector", "operator"))(lambda w, o: {})
case("meetings:dl_topic_publish", method="POST", expected=_holders("inspector"))(lambda w, o: {})
case("meetings:dl_filings", expected=_holders("inspector"))(lambda w, o: {})


@case("meetings:dl_plan")
@case("meetings:dl_notice")
@case("meetings:dl_study")
@case("meetings:dl_sitting")
@case("meetings:dl_after")
def _meeting(world, org):
    return {"pk": make_dl(org).pk}


@case("meetings:dl_notice_print")
def _notice(world, org):
    from meetings.models import PublicNotice

    meeting = make_dl(org)
    PublicNotice.objects.create(meeting=meeting, kind="meeting_notice", title="公告")
    return {"pk": meeting.pk}


@case("meetings:dl_special", method="POST")
@case("meetings:dl_plan_save", method="POST")
@case("meetings:dl_plan_decide", method="POST")
@case("meetings:dl_plan_file", method="POST")
@case("meetings:dl_notice_save", method="POST")
@case("meetings:dl_sitting_open", method="POST")
@case("meetings:dl_override", method="POST")
@case("meetings:dl_measure", method="POST")
def _meeting_post(world, org):
    return {"pk": make_dl(org).pk}


@case("meetings:dl_statement", method="POST")
@case("meetings:dl_item_complete", method="POST")
@case("meetings:dl_agenda_add", method="POST")
@case("meetings:dl_attendance", method="POST")
@case("meetings:dl_observer", method="POST")
@case("meetings:dl_commentary", method="POST")
@case("meetings:dl_closing", method="POST")
@case("meetings:dl_sitting_close", method="POST")
def _sitting_post(world, org):
    return {"pk": make_dl(org, stage=Stage.READY, sitting=True).pk}


@case("meetings:dl_filing_receive", method="POST")
def _filing(world, org):
    meeting = make_dl(org, filed_by=world.secretary)
    return {"pk": meeting.plan.filings.get().pk}


@case("meetings:dl_relay", method="POST", perm="meeting.record")
def _relay(world, org):
    meeting = make_dl(org, stage=Stage.HELD)
    return {"pk": Feedback.objects.create(meeting=meeting, kind=FeedbackKind.ABSENT_CRITICISM, recipient=world.member_member).pk}


# -- opinions/talks of a leading team (P-DL-2.6) and the 分管 relation ---------------------------------
def _team(org):
    """A leading team in `org` with one leader (its main leader), reused per place."""
    from organizations.models import LeadingTeam, LeadingTeamMembership
    from tests.factories import make_member

    team, created = LeadingTeam.objects.get_or_create(organization=org, defaults={"name": f"{org.name}班子"})
    if created:
        LeadingTeamMembership.objects.create(team=team, member=make_member(org), title="书记", is_main_leader=True, rank=1)
    return team


def _dl_with_team(org):
    meeting = make_dl(org)
    Meeting.objects.filter(pk=meeting.pk).update(leading_team=_team(org))
    return {"pk": meeting.pk}


# A leader's own talk list: the leader, the main leader/managers and the superior (guide) only.
case("meetings:talks_mine", expected=MANAGE | GUIDE)(lambda w, o: _dl_with_team(o))
case("meetings:talks_mine_record", method="POST", expected=MANAGE | GUIDE)(lambda w, o: _dl_with_team(o))
case("meetings:dl_team_oversight")(lambda w, o: {"pk": _team(o).pk})


def _oversight_data(world, kwargs):
    from organizations.models import LeadingTeamMembership

    return {"membership": LeadingTeamMembership.objects.filter(team_id=kwargs["pk"]).values_list("pk", flat=True).first()}


case("meetings:dl_team_oversight_save", method="POST", data=_oversight_data)(lambda w, o: {"pk": _team(o).pk})
