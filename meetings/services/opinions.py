"""征求意见 (OL-2.3): recording opinions, the public link, 空对空 warnings, merging duplicates,
the frozen 征求意见汇总 and the feedback to committee members.

Every change waits for the approved plan (OL-2.1.c: `require_stage` names the stage).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max

from accounts.permissions import Acting
from audit.services import record
from core import hooks
from core.errors import ConcurrentEditError, DomainError

from ..choices import FeedbackKind, FeedbackMode, OpinionChannel, OpinionTarget
from ..models import Feedback, Opinion, OpinionSummary
from .prep_common import (
    PREP_STAGES,
    acting_for,
    active_opinions,
    committee_members,
    is_committee_member,
    is_dl,
    lock,
    not_future,
    require_prep_kind,
    require_stage,
    secretary_of,
)

# A giver of this kind means the superior pointed the problem out (OL-3.1.f "上级点明的问题").
SUPERIOR_GIVER = "上级党组织"
GIVER_KINDS = ("党员", "群众", "服务对象", "下级单位", SUPERIOR_GIVER, "其他")
RECORD_CHANNELS = (
    OpinionChannel.INDIVIDUAL_TALK,
    OpinionChannel.FORUM,
    OpinionChannel.HOME_VISIT,
    OpinionChannel.PHONE,
    OpinionChannel.FORM,
    OpinionChannel.OTHER,
)
MAX_CONTENT = 2000

# 空对空 (OL-2.3.f): a warning, never a refusal. An opinion is flagged when it is very short,
# or when it is made of stock phrases only and names no fact (no number, date, place, event).
_STOCK = (
    "加强学习",
    "提高认识",
    "进一步",
    "继续保持",
    "继续努力",
    "再接再厉",
    "希望",
    "加强",
    "提高",
    "改进作风",
    "转变作风",
    "没有意见",
    "无意见",
    "暂无",
    "很好",
    "挺好",
    "不错",
    "满意",
    "一般",
    "有待",
)
_FACT = re.compile(
    r"\d|[一二三四五六七八九十两几]+(次|个|月|年|天|周|回|户|人|件)|月|日|星期|周[一二三四五六日末]|会议|活动|办事|窗口|楼|小区|居民|记录|台账|报名|值班|电话|群里|上门|走访"
)
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def is_vague_text(text: str) -> bool:
    """The 空对空 heuristic (documented in docs and tested): short, or stock phrases without facts."""
    plain = _PUNCT.sub("", text or "")
    if len(plain) < 12:
        return True
    if _FACT.search(plain):
        return False
    stock = sum(plain.count(phrase) * len(phrase) for phrase in _STOCK)
    return len(plain) < 40 or stock * 3 >= len(plain)


@dataclass
class Entry:
    """One opinion of a fast-entry form (several per submission)."""

    content: str
    target_member: object = None  # None: about the branch team
    giver_name: str = ""
    giver_kind: str = ""
    is_anonymous: bool = False
    strong_public_concern: bool = False
    category: str = ""


def _check_target(meeting, member) -> None:
    """OL-2.3.b: an opinion is about the team or a named committee member."""
    if member is None:
        return
    if is_dl(meeting):
        # P-DL-2.5.c: the subjects are the team and each of its leaders.
        if not is_committee_member(meeting, member):
            raise DomainError(f"意见对象须为领导班子或一名班子成员（{member.name}不是本班子成员）。")
        return
    if member.organization_id != meeting.organization_id or not is_committee_member(meeting, member):
        raise DomainError(f"意见对象须为支部班子或本支部的支部委员（{member.name}不是本支部委员）。")


def _create(meeting, entry: Entry, *, channel: str, received_on, recorded_by) -> Opinion:
    content = (entry.content or "").strip()
    if not content:
        raise DomainError("请填写意见内容。")
    if len(content) > MAX_CONTENT:
        raise DomainError(f"意见内容不能超过{MAX_CONTENT}字。")
    _check_target(meeting, entry.target_member)
    return Opinion.objects.create(
        meeting=meeting,
        channel=channel,
        target=OpinionTarget.PERSON if entry.target_member is not None else OpinionTarget.TEAM,
        target_member=entry.target_member,
        content=content,
        category=(entry.category or "").strip()[:50],
        giver_name="" if entry.is_anonymous else (entry.giver_name or "").strip()[:50],
        giver_kind=(entry.giver_kind or "").strip()[:50],
        is_anonymous=entry.is_anonymous,
        received_on=received_on,
        is_vague=is_vague_text(content),
        strong_public_concern=entry.strong_public_concern,
        recorded_by=recorded_by,
    )


def record_opinions(meeting, *, actor, channel: str, received_on, entries: list[Entry]) -> list[Opinion]:
    """OL-2.3.a: opinions heard through talks, forums, home visits, phone calls — several at once.
    All or nothing: one bad entry refuses the whole batch (the form keeps every row)."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_prep_kind(meeting)
        acting = acting_for(actor, "meeting.record", meeting)
        require_stage(meeting, *PREP_STAGES, action="征求意见")
        if channel not in OpinionChannel.values or channel == OpinionChannel.ONLINE:
            raise DomainError("请选择征求意见的方式（个别谈话、集体座谈、上门走访、电话交流等）。")
        if received_on is None:
            raise DomainError("请填写收到意见的日期。")
        not_future(received_on, "收到意见的日期")
        entries = [e for e in entries if (e.content or "").strip()]
        if not entries:
            raise DomainError("请至少填写一条意见。")
        created = [_create(meeting, e, channel=channel, received_on=received_on, recorded_by=actor) for e in entries]
        record(acting, meeting.organization, meeting, "opinion.recorded", {"count": len(created), "channel": channel, "ids": [o.pk for o in created]})
        hooks.meeting_changed(meeting.pk)
    return created


def give_opinion(meeting, *, actor, member, entries: list[Entry]) -> list[Opinion]:
    """A member's own 征求意见表 filled in the app (signed, or anonymous if they choose)."""
    from django.utils import timezone

    with transaction.atomic():
        meeting = lock(meeting)
        require_prep_kind(meeting)
        acting = acting_for(actor, "meeting.participate", meeting)
        require_stage(meeting, *PREP_STAGES, action="提意见建议")
        entries = [e for e in entries if (e.content or "").strip()]
        if not entries:
            raise DomainError("请至少填写一条意见。")
        for e in entries:
            e.giver_name = "" if e.is_anonymous else member.name
            e.giver_kind = "党员"
        created = [_create(meeting, e, channel=OpinionChannel.FORM, received_on=timezone.localdate(), recorded_by=actor) for e in entries]
        record(acting, meeting.organization, meeting, "opinion.given", {"count": len(created)})
        hooks.meeting_changed(meeting.pk)
    return created


def submit_public(meeting, *, entries: list[Entry]) -> list[Opinion]:
    """An opinion from the public link (no login, anonymous allowed). Only while the secretary
    keeps the link open and the meeting is in preparation."""
    from django.utils import timezone

    with transaction.atomic():
        meeting = lock(meeting)
        if not meeting.opinion_link_open or meeting.stage not in PREP_STAGES:
            raise DomainError("本次意见征求已结束，感谢您的关注。")
        entries = [e for e in entries if (e.content or "").strip()]
        if not entries:
            raise DomainError("请填写意见内容。")
        for e in entries:
            e.strong_public_concern = False
            if e.giver_kind == SUPERIOR_GIVER:
                e.giver_kind = "群众"
        created = [_create(meeting, e, channel=OpinionChannel.ONLINE, received_on=timezone.localdate(), recorded_by=None) for e in entries]
        record(None, meeting.organization, meeting, "opinion.public_received", {"count": len(created)})
        hooks.meeting_changed(meeting.pk)
    return created


def set_link(meeting, *, actor, open: bool):
    """The secretary opens or closes the public submission link."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_prep_kind(meeting)
        acting = acting_for(actor, "meeting.manage", meeting)
        if open:
            require_stage(meeting, *PREP_STAGES, action="开放公开征求意见链接")
        if meeting.opinion_link_open == open:
            raise DomainError("公开征求意见链接已经是开放状态。" if open else "公开征求意见链接已经关闭。")
        meeting.opinion_link_open = open
        meeting.version += 1
        meeting.save(update_fields=["opinion_link_open", "version"])
        record(acting, meeting.organization, meeting, "opinion.link_opened" if open else "opinion.link_closed", {})
    return meeting


def fingerprint(opinion: Opinion) -> str:
    """The state an edit form was loaded from; a changed fingerprint means someone else saved."""
    raw = "|".join(
        str(x)
        for x in (
            opinion.target,
            opinion.target_member_id,
            opinion.content,
            opinion.category,
            opinion.strong_public_concern,
            opinion.is_vague,
            opinion.merged_into_id,
            opinion.giver_kind,
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _lock_opinion(opinion) -> Opinion:
    return Opinion.objects.select_for_update(of=("self",)).select_related("meeting", "meeting__organization").get(pk=opinion.pk)


def update_opinion(
    opinion: Opinion, *, actor, expected: str, target_member=None, content: str, category: str = "", strong_public_concern: bool, giver_kind: str = ""
) -> Opinion:
    """Correct an opinion (object, wording, 群众反映强烈). Refused after the summary is frozen?
    No: a later version of the summary picks the change up; the frozen one stays as it was."""
    with transaction.atomic():
        lock(opinion.meeting)
        opinion = _lock_opinion(opinion)
        meeting = opinion.meeting
        acting = acting_for(actor, "meeting.record", meeting)
        require_stage(meeting, *PREP_STAGES, action="修改意见")
        if fingerprint(opinion) != expected:
            raise ConcurrentEditError()
        content = (content or "").strip()
        if not content:
            raise DomainError("请填写意见内容。")
        _check_target(meeting, target_member)
        before = fingerprint(opinion)
        opinion.target = OpinionTarget.PERSON if target_member is not None else OpinionTarget.TEAM
        opinion.target_member = target_member
        if content != opinion.content:
            opinion.is_vague = is_vague_text(content)
        opinion.content = content
        opinion.category = (category or "").strip()[:50]
        opinion.strong_public_concern = strong_public_concern
        opinion.giver_kind = (giver_kind or "").strip()[:50]
        opinion.save(update_fields=["target", "target_member", "content", "category", "strong_public_concern", "giver_kind", "is_vague"])
        record(acting, meeting.organization, opinion, "opinion.updated", {"before": before, "after": fingerprint(opinion)})
        hooks.meeting_changed(meeting.pk)
    return opinion


def set_vague(opinion: Opinion, *, actor, vague: bool) -> Opinion:
    """The secretary confirms or clears the 空对空 warning (OL-2.3.f): their judgement wins."""
    with transaction.atomic():
        lock(opinion.meeting)
        opinion = _lock_opinion(opinion)
        acting = acting_for(actor, "meeting.record", opinion.meeting)
        require_stage(opinion.meeting, *PREP_STAGES, action="处理空对空提示")
        if opinion.is_vague != vague:
            opinion.is_vague = vague
            opinion.save(update_fields=["is_vague"])
            record(acting, opinion.meeting.organization, opinion, "opinion.vague_set", {"vague": vague})
            hooks.meeting_changed(opinion.meeting_id)
    return opinion


def merge_opinions(keep: Opinion, duplicates: list[Opinion], *, actor) -> Opinion:
    """Merge repeated opinions into one (the others stay, marked `merged_into`, so nothing is lost
    and the count of people who raised it is kept)."""
    with transaction.atomic():
        meeting = lock(keep.meeting)
        acting = acting_for(actor, "meeting.record", meeting)
        require_stage(meeting, *PREP_STAGES, action="合并重复意见")
        ids = sorted({d.pk for d in duplicates} - {keep.pk})
        if not ids:
            raise DomainError("请至少选择两条意见进行合并。")
        rows = {o.pk: o for o in Opinion.objects.select_for_update().filter(pk__in=[keep.pk, *ids])}
        keep = rows.get(keep.pk)
        if keep is None or keep.meeting_id != meeting.pk or len(rows) != len(ids) + 1 or any(o.meeting_id != meeting.pk for o in rows.values()):
            raise DomainError("只能合并本次会议的意见。")
        if keep.merged_into_id:
            raise DomainError("保留的意见已被合并到其他意见，请选择另一条作为保留意见。")
        for pk in ids:
            o = rows[pk]
            if o.merged_into_id:
                raise DomainError("所选意见中有已经合并过的，请刷新后重试。")
            if (o.target, o.target_member_id) != (keep.target, keep.target_member_id):
                raise DomainError("只能合并意见对象相同的意见（同为对班子，或对同一名委员）。")
        Opinion.objects.filter(pk__in=ids, merged_into__isnull=True).update(merged_into=keep)
        Opinion.objects.filter(merged_into_id__in=ids).update(merged_into=keep)
        if any(rows[pk].strong_public_concern for pk in ids) and not keep.strong_public_concern:
            keep.strong_public_concern = True
            keep.save(update_fields=["strong_public_concern"])
        record(acting, meeting.organization, keep, "opinion.merged", {"merged": ids})
        hooks.meeting_changed(meeting.pk)
    return keep


def unmerge(opinion: Opinion, *, actor) -> Opinion:
    with transaction.atomic():
        meeting = lock(opinion.meeting)
        acting = acting_for(actor, "meeting.record", meeting)
        require_stage(meeting, *PREP_STAGES, action="取消合并")
        opinion = _lock_opinion(opinion)
        if not opinion.merged_into_id:
            raise DomainError("这条意见没有被合并。")
        opinion.merged_into = None
        opinion.save(update_fields=["merged_into"])
        record(acting, meeting.organization, opinion, "opinion.unmerged", {})
        hooks.meeting_changed(meeting.pk)
    return opinion


# -- the written summary (OL-2.3.c) -----------------------------------------------------------
def _row(o: Opinion, merged_count: int) -> dict:
    return {
        "id": o.pk,
        "content": o.content,
        "channel": o.get_channel_display(),
        "giver": "匿名" if o.is_anonymous else (o.giver_name or ""),
        "giver_kind": o.giver_kind,
        "received_on": o.received_on.isoformat(),
        "category": o.category,
        "strong_public_concern": o.strong_public_concern,
        "is_vague": o.is_vague,
        "times_raised": 1 + merged_count,
    }


def summary_content(meeting) -> dict:
    """征求意见汇总: grouped by the team and by each committee member (DL: each leader), with the
    channel mix."""
    merged = Counter(Opinion.objects.filter(meeting=meeting, merged_into__isnull=False).values_list("merged_into_id", flat=True))
    opinions = list(active_opinions(meeting).select_related("target_member").order_by("target", "target_member_id", "received_on", "pk"))
    people = {m.pk: {"member_id": m.pk, "name": m.name, "opinions": []} for m in committee_members(meeting)}
    team = []
    for o in opinions:
        if o.target_member_id is None:
            team.append(_row(o, merged[o.pk]))
        else:
            people.setdefault(o.target_member_id, {"member_id": o.target_member_id, "name": o.target_member.name, "opinions": []})
            people[o.target_member_id]["opinions"].append(_row(o, merged[o.pk]))
    channels = Counter(o.get_channel_display() for o in opinions)
    return {
        "team": team,
        "people": list(people.values()),
        "channels": dict(channels),
        "total": len(opinions),
        "merged": sum(merged.values()),
        "vague": sum(1 for o in opinions if o.is_vague),
        "strong": sum(1 for o in opinions if o.strong_public_concern),
    }


def freeze_summary(meeting, *, actor, intro: str = "", none_received: list[str] = (), expected_number: int) -> OpinionSummary:
    """Freeze a new version of the summary. `none_received` records, for the team ("team") or
    a committee member ("m<id>"), that no opinion came in (OL-2.3.b). `expected_number` is the
    latest version the secretary saw: a stale page never silently makes a second version."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_prep_kind(meeting)
        acting = acting_for(actor, "meeting.manage", meeting)
        require_stage(meeting, *PREP_STAGES, action="形成征求意见汇总")
        latest = OpinionSummary.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0
        if latest != expected_number:
            raise ConcurrentEditError("征求意见汇总已由他人定稿了新版本，请刷新后查看再定稿。")
        content = summary_content(meeting)
        if content["total"] == 0 and not none_received:
            raise DomainError("还没有任何意见。如确实没有收到意见，请勾选“未收到意见”的对象后再定稿。")
        have = {"team"} if content["team"] else set()
        have |= {f"m{p['member_id']}" for p in content["people"] if p["opinions"]}
        clash = sorted(set(none_received) & have)
        if clash:
            raise DomainError("已有意见的对象不能同时标记为“未收到意见”。")
        summary = OpinionSummary.objects.create(
            meeting=meeting, number=latest + 1, content=content, intro=(intro or "").strip(), none_received=sorted(set(none_received)), frozen_by=actor
        )
        record(acting, meeting.organization, summary, "opinion.summary_frozen", {"number": summary.number, "total": content["total"]})
        hooks.meeting_changed(meeting.pk)
    return summary


# -- feedback (OL-2.3.d/e) -------------------------------------------------------------------
def _feedback_acting(actor, meeting, kind: str, recipient) -> Acting:
    """Team opinions: the secretary notifies every committee member (meeting or written).
    Personal opinions: the secretary feeds them back; for the secretary's own, the superior
    (design choice, clauses.md OL-2.3.e)."""
    from accounts.choices import Role

    if kind == FeedbackKind.PERSONAL:
        secretary = secretary_of(meeting)
        if secretary is not None and recipient.pk == secretary.pk:
            acting = acting_for(actor, "meeting.guide", meeting)
            if is_dl(meeting):
                # P-DL-2.5.d: the main leader feeds back; their own opinions come from the superior.
                if acting.role not in (Role.REVIEWER, Role.INSPECTOR):
                    raise DomainError("对主要负责人本人的意见，由上级负责同志反馈（P-DL-2.5.d）。")
                return acting
            if acting.role != Role.REVIEWER:
                raise DomainError("对支部书记本人的意见，由上级党组织负责同志反馈（OL-2.3.e）。")
            return acting
        return acting_for(actor, "meeting.manage", meeting)
    return acting_for(actor, "meeting.manage", meeting)


def record_feedback(meeting, *, actor, kind: str, recipient, mode: str, delivered_on, acknowledged_on=None, note: str = "") -> Feedback:
    """One 通报 of the team's opinions (OL-2.3.d) or one 反馈 of a member's own (OL-2.3.e). The
    content is the unedited opinions (OL-2.3.e: 如实反馈), linked to the records."""
    with transaction.atomic():
        meeting = lock(meeting)
        require_prep_kind(meeting)
        if kind not in (FeedbackKind.TEAM, FeedbackKind.PERSONAL):
            raise DomainError("请选择反馈类型。")
        if recipient is None or not is_committee_member(meeting, recipient):
            raise DomainError("通报、反馈的对象须为本领导班子成员。" if is_dl(meeting) else "通报、反馈的对象须为本支部委员。")
        acting = _feedback_acting(actor, meeting, kind, recipient)
        require_stage(meeting, *PREP_STAGES, action="通报反馈意见")
        if kind == FeedbackKind.TEAM and mode not in (FeedbackMode.MEETING, FeedbackMode.WRITTEN):
            raise DomainError("班子意见须以召开会议或书面送达的方式通报（" + ("P-DL-2.5.d" if is_dl(meeting) else "OL-2.3.d") + "）。")
        if mode not in FeedbackMode.values:
            raise DomainError("请选择反馈方式。")
        if delivered_on is None:
            raise DomainError("请填写通报/反馈日期。")
        not_future(delivered_on, "通报/反馈日期")
        if acknowledged_on is not None and acknowledged_on < delivered_on:
            raise DomainError("签收日期不能早于反馈日期。")
        if kind == FeedbackKind.TEAM:
            opinions = list(active_opinions(meeting).filter(target=OpinionTarget.TEAM).order_by("pk"))
        else:
            opinions = list(active_opinions(meeting).filter(target_member=recipient).order_by("pk"))
        if not opinions:
            raise DomainError("没有需要通报的班子意见。" if kind == FeedbackKind.TEAM else f"没有涉及{recipient.name}的意见。")
        content = "\n".join(f"{i}. {o.content}" for i, o in enumerate(opinions, 1))
        if note.strip():
            content += "\n（说明）" + note.strip()
        feedback = Feedback.objects.create(
            meeting=meeting,
            kind=kind,
            recipient=recipient,
            mode=mode,
            content=content,
            delivered_on=delivered_on,
            acknowledged_on=acknowledged_on,
            delivered_by=actor,
        )
        feedback.opinions.set(opinions)
        record(acting, meeting.organization, feedback, "opinion.feedback", {"kind": kind, "recipient": recipient.pk, "mode": mode, "opinions": len(opinions)})
        hooks.meeting_changed(meeting.pk)
    return feedback


def notify_team(meeting, *, actor, mode: str, delivered_on) -> list[Feedback]:
    """OL-2.3.d in one step: the team's opinions to every committee member not yet notified."""
    done = set(Feedback.objects.filter(meeting=meeting, kind=FeedbackKind.TEAM).values_list("recipient_id", flat=True))
    pending = [m for m in committee_members(meeting) if m.pk not in done]
    if not pending:
        raise DomainError("每名班子成员都已收到班子意见通报。" if is_dl(meeting) else "每名支部委员都已收到班子意见通报。")
    with transaction.atomic():
        return [record_feedback(meeting, actor=actor, kind=FeedbackKind.TEAM, recipient=m, mode=mode, delivered_on=delivered_on) for m in pending]


def acknowledge(feedback: Feedback, *, actor, on) -> Feedback:
    """The recipient confirms receipt (签收)."""
    with transaction.atomic():
        lock(feedback.meeting)
        feedback = Feedback.objects.select_for_update(of=("self",)).select_related("recipient", "meeting__organization").get(pk=feedback.pk)
        if feedback.recipient.user_id != getattr(actor, "pk", None):
            raise DomainError("只有反馈对象本人可以签收。")
        if feedback.acknowledged_on:
            raise DomainError("已经签收过了。")
        not_future(on, "签收日期")
        feedback.acknowledged_on = on
        feedback.save(update_fields=["acknowledged_on"])
        acting = acting_for(actor, "meeting.participate", feedback.meeting)
        record(acting, feedback.meeting.organization, feedback, "opinion.feedback_acknowledged", {})
        hooks.meeting_changed(feedback.meeting_id)
    return feedback
