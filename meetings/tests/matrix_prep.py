"""Matrix cases of opinions, talks, sittings and the problem list (ol-prep).

Expected allow-sets, written from the regulations' roles:
- everyone of the branch and the superiors read the steps (meeting.view);
- the secretary and committee members record opinions, talks and the sittings (meeting.record);
- only the secretary opens the public link, freezes the summary, flags members for mediation,
  closes a sitting, writes the 小结 and generates the problem list (meeting.manage);
- members give their own opinions and acknowledge feedback (meeting.participate);
- the superior's reviewer (and the 纪委/组织部) guide and comment (meeting.guide);
- confidential pages (summary, feedback: OL-2.3.e) — the secretary and the superiors who guide.
"""

from django.utils import timezone

from meetings.choices import CriticismKind, FeedbackKind, SittingKind, SittingStatus, TalkFlagKind, TalkKind
from tests.factories import make_member
from tests.matrix import BRANCH_READERS_AND_SUPERIORS, PLACES, allow, case, expect

from .factories_prep import make_ol_meeting, make_opinion

VIEW = BRANCH_READERS_AND_SUPERIORS
RECORD = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"})
MANAGE = allow(secretary={"b1"}, outsider={"b2"})
PARTICIPATE = allow(secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"})
GUIDE = allow(reviewer={"b1", "b2"}, inspector=set(PLACES))
CONFIDENTIAL = MANAGE | GUIDE

expect("meeting.view", VIEW)
expect("meeting.record", RECORD)
expect("meeting.manage", MANAGE)
expect("meeting.participate", PARTICIPATE)
expect("meeting.guide", GUIDE)


def _meeting(org):
    from meetings.models import Meeting

    found = Meeting.objects.filter(organization=org, kind="org_life", special=False).first()
    return found or make_ol_meeting(org)


def _member(org):
    from organizations.models import Member

    return Member.objects.filter(organization=org).first() or make_member(org, name="名册党员")


def _sitting(org):
    from meetings.models import Sitting

    meeting = _meeting(org)
    sitting, _ = Sitting.objects.get_or_create(
        meeting=meeting, kind=SittingKind.GENERAL, defaults={"order": 2, "status": SittingStatus.OPEN, "date": timezone.localdate()}
    )
    return sitting


@case("meetings:opinions")
@case("meetings:talks")
@case("meetings:sittings")
@case("meetings:problems")
@case("meetings:opinion_give")
@case("meetings:closing")
@case("meetings:commentary")
@case("meetings:opinion_summary", expected=CONFIDENTIAL)
@case("meetings:opinion_feedback", expected=CONFIDENTIAL)
def _page(world, org):
    return {"pk": _meeting(org).pk}


@case("meetings:opinions_add", method="POST")
@case("meetings:opinions_merge", method="POST")
@case("meetings:opinion_link", method="POST")
@case("meetings:opinion_summary_freeze", method="POST")
@case("meetings:feedback_notify", method="POST")
@case("meetings:feedback_personal", method="POST", expected=CONFIDENTIAL)
@case("meetings:talk_add", method="POST")
@case("meetings:talk_flag_add", method="POST")
@case("meetings:sitting_open", method="POST")
@case("meetings:problems_generate", method="POST")
def _post(world, org):
    return {"pk": _meeting(org).pk}


@case("meetings:opinion_edit")
@case("meetings:opinion_vague", method="POST")
@case("meetings:opinion_unmerge", method="POST")
def _opinion(world, org):
    return {"pk": make_opinion(_meeting(org)).pk}


@case("meetings:feedback_ack", method="POST")
def _feedback(world, org):
    from meetings.models import Feedback

    return {"pk": Feedback.objects.create(meeting=_meeting(org), kind=FeedbackKind.TEAM, recipient=_member(org), mode="written").pk}


@case("meetings:talk_edit")
@case("meetings:talk_delete", method="POST")
def _talk(world, org):
    from meetings.models import Talk

    member = _member(org)
    return {"pk": Talk.objects.create(meeting=_meeting(org), kind=TalkKind.REGULAR, member_a=member, member_b=member, scheduled_on=timezone.localdate()).pk}


@case("meetings:talk_flag_remove", method="POST")
def _flag(world, org):
    from meetings.models import TalkFlag

    return {"pk": TalkFlag.objects.create(meeting=_meeting(org), kind=TalkFlagKind.GRUDGE, member_a=_member(org)).pk}


@case("meetings:sitting")
@case("meetings:sitting_save", method="POST")
@case("meetings:sitting_attendance", method="POST")
@case("meetings:statement_add", method="POST")
@case("meetings:sitting_guide", method="POST")
@case("meetings:sitting_close", method="POST")
def _sitting_case(world, org):
    return {"pk": _sitting(org).pk}


@case("meetings:statement_respond", method="POST")
@case("meetings:statement_remove", method="POST")
def _statement(world, org):
    from meetings.models import Criticism

    sitting = _sitting(org)
    seq = Criticism.objects.filter(sitting=sitting).count() + 1
    return {"pk": Criticism.objects.create(sitting=sitting, seq=seq, kind=CriticismKind.SELF, speaker=_member(org), content="事实").pk}


@case("meetings:problem_classify", method="POST")
def _problem(world, org):
    from rectification.models import Problem

    meeting = _meeting(org)
    return {"pk": Problem.objects.create(meeting=meeting, organization=org, source="opinion", description="问题").pk}
