"""The data of every document, read straight from the models into plain dicts.

These dicts are the contract between the records and the papers: the built-in GB/T builders
(`documents.word`) and a district's own .docx template (docxtpl, `{{ field }}`) get the same
context. Every value is a string, a number, a list of dicts or a dict — no model objects — so a
district template cannot reach into the database. `documents.samples` holds one sample of each
(used to validate uploaded templates and listed to operators as the fields they can use).
"""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from .layout import ar_date, cn_date

# The usual 查摆方面 when the superior has not set its own (documents.md §7).
DEFAULT_ASPECTS = ("政治理论学习方面", "思想认识方面", "工作作风方面", "纪律规矩和廉洁自律方面", "履职尽责、担当作为方面")
CAUSES = ("理想信念方面", "党性修养方面", "宗旨意识方面", "纪律规矩方面")


def what(meeting) -> str:
    return "民主生活会" if meeting.is_democratic_life else "组织生活会"


def _date(day) -> str:
    return ar_date(day, "（日期待定）")


def _time(t) -> str:
    return f"{t.hour}:{t.minute:02d}" if t else ""


def people(meeting) -> list[dict]:
    """Who takes part: the team's members in rank order (DL), else the branch roster (OL)."""
    if meeting.is_democratic_life and meeting.leading_team_id:
        rows = meeting.leading_team.current_memberships()
        return [{"id": m.member_id, "name": m.member.name, "title": m.title, "main": m.is_main_leader} for m in rows]
    from organizations.choices import PositionKind
    from organizations.models import Member, Position

    positions = {p.member_id: p.get_kind_display() for p in Position.objects.current().filter(organization_id=meeting.organization_id)}
    order = {PositionKind.SECRETARY.label: 0, PositionKind.DEPUTY_SECRETARY.label: 1, PositionKind.COMMITTEE_MEMBER.label: 2}
    members = Member.objects.on_roster().filter(organization_id=meeting.organization_id).only("pk", "name", "job_title", "is_probationary")
    rows = [
        {
            "id": m.pk,
            "name": m.name,
            "title": positions.get(m.pk, "预备党员" if m.is_probationary else "党员"),
            "main": positions.get(m.pk) == "书记",
            "probationary": m.is_probationary,
        }
        for m in members
    ]
    rows.sort(key=lambda r: (order.get(r["title"], 9), r["id"]))
    return rows


def base(meeting, today=None) -> dict:
    """Fields every document shares."""
    today = today or timezone.localdate()
    plan = _plan(meeting)
    day = (plan.scheduled_date if plan and plan.scheduled_date else None) or meeting.scheduled_date
    org = meeting.organization
    superior = org.parent() if org.depth > 1 else None
    return {
        "organization": org.name,
        "superior": superior.name if superior else "",
        "year": meeting.year,
        "kind": what(meeting),
        "meeting_title": meeting.title,
        "theme": (plan.theme if plan and plan.theme else "") or meeting.theme,
        "date": _date(day),
        "date_cn": cn_date(day) if day else "",
        "time": _time(plan.start_time) if plan else "",
        "place": plan.place if plan else "",
        "today": _date(today),
        "today_cn": cn_date(today),
        "team": meeting.leading_team.name if meeting.leading_team_id else "",
    }


def _plan(meeting):
    from meetings.models import Plan

    return Plan.objects.filter(meeting=meeting).first()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# -- 方案 ----------------------------------------------------------------------------------
def plan(meeting) -> dict:
    from meetings.models import Reading, StudySession, Talk

    ctx = base(meeting)
    p = _plan(meeting)
    roster = people(meeting)
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}{'实施' if meeting.is_democratic_life else '工作'}方案",
            "theme_rationale": p.theme_rationale if p else "",
            "form": (p.form if p else "") or ("召开支委会和党员大会" if meeting.organization.has_committee else "召开党员大会"),
            "participants": (p.participants if p else "") or "、".join(r["name"] for r in roster),
            "participant_count": len(roster),
            "observers": p.observers if p else "",
            "agenda": _lines(p.agenda) if p else [],
            "preparation": _lines(p.preparation) if p else [],
            "requirements": _lines(p.requirements) if p else [],
            "readings": [r.title for r in Reading.objects.filter(meeting=meeting)],
            "study": [
                {"date": _date(s.date), "title": s.title, "form": s.get_form_display(), "hours": f"{s.hours:g}", "place": s.place}
                for s in StudySession.objects.filter(meeting=meeting)
            ],
            "talks": len(Talk.objects.filter(meeting=meeting).values_list("pk", flat=True)),
            "status": p.get_status_display() if p else "未制定",
        }
    )
    if meeting.is_democratic_life:
        from rectification import deadlines

        ctx["report_due"] = _date(deadlines.report_due(meeting))
        ctx["circular_due"] = _date(deadlines.circular_due(meeting))
        ctx["filing_due"] = _date(meeting.scheduled_date - datetime.timedelta(days=15)) if meeting.scheduled_date else _date(None)
    return ctx


def filing_cover(meeting) -> dict:
    """DL-2.2.c: the cover sheet filing the plan with the 纪委 and the 组织部."""
    ctx = plan(meeting)
    from meetings.models import PlanFiling

    filings = [
        {
            "office": {"discipline": "纪委监委", "organization_dept": "组织部"}.get(f.office, f.office),
            "recipient": f.recipient_organization.name,
            "filed": _date(timezone.localdate(f.filed_at)),
        }
        for f in PlanFiling.objects.filter(plan__meeting=meeting).select_related("recipient_organization")
    ]
    ctx.update({"title": f"{meeting.organization.name}{meeting.year}年度民主生活会方案报备表", "filings": filings})
    return ctx


# -- 通知/公告 ------------------------------------------------------------------------------
def notice(meeting) -> dict:
    from meetings.choices import NoticeKind
    from meetings.models import PublicNotice

    ctx = base(meeting)
    n = PublicNotice.objects.filter(meeting=meeting, kind=NoticeKind.MEETING_NOTICE).order_by("-published_at", "-pk").first()
    dl = meeting.is_democratic_life
    ctx.update(
        {
            "title": (n.title if n and n.title else f"关于召开{meeting.year}年度{what(meeting)}{'并征求意见建议的公告' if dl else '的通知'}"),
            "addressee": "各位党员、干部群众" if dl else "全体党员",
            "body": _lines(n.body) if n else [],
            "meeting_time": (n.meeting_time_text if n and n.meeting_time_text else "") or (ctx["date"] + (f" {ctx['time']}" if ctx["time"] else "")),
            "channels": _lines(n.opinion_channels) if n else [],
            "deadline": _date(n.opinion_deadline) if n and n.opinion_deadline else "",
            "published": _date(timezone.localdate(n.published_at)) if n and n.published_at else "",
            "published_cn": cn_date(timezone.localdate(n.published_at)) if n and n.published_at else ctx["today_cn"],
        }
    )
    return ctx


# -- 学习 -----------------------------------------------------------------------------------
def study(meeting) -> dict:
    from meetings.models import Reading, StudyAttendance, StudySession

    ctx = base(meeting)
    sessions = list(StudySession.objects.filter(meeting=meeting))
    counts = {}
    for sid in StudyAttendance.objects.filter(session__meeting=meeting).values_list("session_id", flat=True):
        counts[sid] = counts.get(sid, 0) + 1
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}会前学习安排",
            "readings": [{"n": i, "title": r.title, "source": r.source} for i, r in enumerate(Reading.objects.filter(meeting=meeting), 1)],
            "sessions": [
                {
                    "n": i,
                    "date": _date(s.date),
                    "day": s.date,
                    "form": s.get_form_display(),
                    "title": s.title,
                    "hours": f"{s.hours:g}",
                    "place": s.place,
                    "attended": counts.get(s.pk, 0),
                    "note": s.note,
                }
                for i, s in enumerate(sessions, 1)
            ],
            "total_hours": f"{sum(s.hours for s in sessions):g}",
        }
    )
    return ctx


# -- 征求意见 --------------------------------------------------------------------------------
def opinion_form(meeting) -> dict:
    ctx = base(meeting)
    roster = people(meeting)
    targets = roster if meeting.is_democratic_life else [r for r in roster if r["title"] in ("书记", "副书记", "委员")]
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}征求意见表",
            "people": [{"name": r["name"], "title": r["title"]} for r in targets],
            "aspects": list(DEFAULT_ASPECTS),
        }
    )
    n = notice(meeting)
    ctx["deadline"] = n["deadline"]
    return ctx


def _opinion_row(o, n):
    return {
        "n": n,
        "content": o.content,
        "category": o.category,
        "channel": o.get_channel_display(),
        "giver": "匿名" if o.is_anonymous or not o.giver_name else o.giver_name,
        "giver_kind": o.giver_kind,
        "target": o.target_member.name if o.target_member_id else "班子" if o.target == "team" else "",
        "received": _date(o.received_on),
        "problems": "；".join(p.description[:30] for p in o.problems.all()),
    }


def opinion_summary(meeting) -> dict:
    from meetings.choices import OpinionChannel
    from meetings.models import Feedback, Opinion

    ctx = base(meeting)
    opinions = list(
        Opinion.objects.filter(meeting=meeting, merged_into__isnull=True)
        .select_related("target_member")
        .prefetch_related("problems")
        .order_by("target", "target_member__name", "pk")
    )
    total_raw = Opinion.objects.filter(meeting=meeting).count()
    team = [_opinion_row(o, i) for i, o in enumerate([o for o in opinions if o.target == "team"], 1)]
    by_person: dict[str, list] = {}
    for o in opinions:
        if o.target == "person":
            by_person.setdefault(o.target_member.name, []).append(o)
    personal = [{"name": name, "opinions": [_opinion_row(o, i) for i, o in enumerate(rows, 1)]} for name, rows in by_person.items()]
    channels = {}
    for o in opinions:
        channels[o.get_channel_display()] = channels.get(o.get_channel_display(), 0) + 1
    summary = meeting.opinion_summaries.order_by("-number").first()
    feedback = [
        {
            "recipient": f.recipient.name,
            "kind": f.get_kind_display(),
            "mode": f.get_mode_display() if f.mode else "",
            "date": _date(f.delivered_on) if f.delivered_on else "",
            "signed": _date(f.acknowledged_on) if f.acknowledged_on else "",
        }
        for f in Feedback.objects.filter(meeting=meeting).select_related("recipient").order_by("pk")
    ]
    channel_text = "、".join(f"{k}{v}条" for k, v in channels.items()) or "（尚未收到意见）"
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}征求意见汇总",
            "intro": (summary.intro if summary and summary.intro else "")
            or f"会前通过{'、'.join(channels) or '多种方式'}广泛征求意见建议，共收到意见建议{total_raw}条，梳理归纳为{len(opinions)}条，其中对班子{len(team)}条、对个人{len(opinions) - len(team)}条（{channel_text}）。",
            "total_raw": total_raw,
            "total": len(opinions),
            "team": team,
            "personal": personal,
            "none_received": list(summary.none_received) if summary else [],
            "feedback": feedback,
            "channel_names": [c.label for c in OpinionChannel],
        }
    )
    return ctx


# -- 谈心谈话 --------------------------------------------------------------------------------
def _talk_row(t, n):
    first = t.member_a.name if t.member_a_id else (t.user_a.display_name if t.user_a_id and getattr(t.user_a, "display_name", "") else str(t.user_a or ""))
    return {
        "n": n,
        "a": first,
        "b": t.member_b.name,
        "kind": t.get_kind_display(),
        "form": t.get_form_display() if t.form else "",
        "planned": _date(t.scheduled_on) if t.scheduled_on else "",
        "held": _date(t.held_on) if t.held_on else "",
        "held_on": t.held_on,
        "done": "已谈" if t.held_on else "未谈",
        "place": t.place,
        "key_points": t.key_points,
        "opinions_heard": t.opinions_heard,
        "follow_up": t.follow_up,
    }


def talks(meeting) -> dict:
    from meetings.models import Talk

    ctx = base(meeting)
    rows = [
        _talk_row(t, i)
        for i, t in enumerate(Talk.objects.filter(meeting=meeting).select_related("member_a", "member_b", "user_a").order_by("scheduled_on", "pk"), 1)
    ]
    roster = people(meeting)
    touched: dict[str, int] = {r["name"]: 0 for r in roster}
    for r in rows:
        if r["held_on"]:
            for name in (r["a"], r["b"]):
                if name in touched:
                    touched[name] += 1
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}谈心谈话安排表",
            "records_title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}谈心谈话记录",
            "talks": rows,
            "held": sum(1 for r in rows if r["held_on"]),
            "planned": len(rows),
            "coverage": [{"name": name, "title": next((p["title"] for p in roster if p["name"] == name), ""), "count": n} for name, n in touched.items()],
        }
    )
    return ctx


# -- 对照检查材料 / 发言提纲 --------------------------------------------------------------------
def self_exam(meeting, member=None) -> dict:
    """Draft of the team's (member None) or one person's material, prefilled with the opinions
    addressed to them, last year's items and the structured sections already written."""
    from meetings.models import Opinion, SelfExamination, StudySession, Talk
    from rectification.carryover import previous_items

    ctx = base(meeting)
    exam = SelfExamination.objects.filter(meeting=meeting, member=member).first()
    opinions = Opinion.objects.filter(meeting=meeting, merged_into__isnull=True)
    opinions = opinions.filter(target="person", target_member=member) if member else opinions.filter(target="team")
    last = previous_items(meeting)
    last = last.filter(responsible_member=member) | last.filter(problem__owner_member=member) if member else last.filter(problem__scope="organization")
    study_hours = sum(s.hours for s in StudySession.objects.filter(meeting=meeting))
    talk_count = Talk.objects.filter(meeting=meeting, held_on__isnull=False).count()
    if member is not None:
        talk_count = (
            Talk.objects.filter(meeting=meeting, held_on__isnull=False).filter(member_a=member).count()
            + Talk.objects.filter(meeting=meeting, held_on__isnull=False, member_b=member).count()
        )
    doc_kind = exam.get_doc_kind_display() if exam else ("发言提纲" if member is not None and meeting.is_org_life else "对照检查材料")
    who = member.name if member is not None else (meeting.leading_team.name if meeting.leading_team_id else meeting.organization.name)
    opinion_rows = [
        {"n": i, "content": o.content, "category": o.category, "channel": o.get_channel_display()} for i, o in enumerate(opinions.order_by("pk"), 1)
    ]
    by_aspect = {a: [] for a in DEFAULT_ASPECTS}
    for o in opinion_rows:
        key = next((a for a in DEFAULT_ASPECTS if o["category"] and o["category"][:2] in a), None)
        if key:
            by_aspect[key].append(o)
    ctx.update(
        {
            "title": f"{who}{meeting.year}年度{what(meeting)}{doc_kind}",
            "doc_kind": doc_kind,
            "person": member.name if member is not None else "",
            "who": who,
            "status": exam.get_status_display() if exam else "未起草",
            "preparation": (exam.preparation if exam and exam.preparation else "")
            or f"按照{what(meeting)}的部署要求，会前认真学习规定篇目（共{study_hours:g}小时），广泛征求意见建议（收到涉及{'本人' if member else '班子'}的意见{len(opinion_rows)}条），开展谈心谈话{talk_count}人次，在此基础上对照检查如下。",
            "opinions": opinion_rows,
            "aspects": [{"name": a, "opinions": by_aspect[a]} for a in DEFAULT_ASPECTS],
            "last_items": [
                {"n": i, "goal": it.goal, "measures": it.measures, "status": it.get_status_display(), "deadline": _date(it.deadline)}
                for i, it in enumerate(last.order_by("deadline", "pk"), 1)
            ],
            "last_rectification": exam.last_rectification if exam else "",
            "problems": _lines(exam.problems) if exam else [],
            "thought": _lines(exam.thought_section) if exam else [],
            "personal_responsibility": _lines(exam.personal_section) if exam else [],
            "causes": _lines(exam.causes) if exam else [],
            "cause_headings": list(CAUSES),
            "measures": _lines(exam.measures) if exam else [],
            "structured_items": [dict(x) for x in (exam.structured_items if exam else [])],
        }
    )
    return ctx


# -- 问题清单（公示版） -----------------------------------------------------------------------
def problem_list(meeting, *, public_only: bool = True) -> dict:
    from rectification.choices import ItemStatus
    from rectification.models import RectificationItem

    ctx = base(meeting)
    items = RectificationItem.objects.filter(meeting=meeting).exclude(status=ItemStatus.DRAFT)
    if public_only:
        items = items.filter(is_public=True)
    items = items.select_related("problem", "problem__owner_member", "responsible_member", "responsible_organization").order_by(
        "problem__scope", "problem__owner_member__name", "deadline", "pk"
    )
    rows = []
    for i, it in enumerate(items, 1):
        p = it.problem
        rows.append(
            {
                "n": i,
                "scope": p.get_scope_display() or "党组织",
                "owner": p.owner_member.name if p.owner_member_id else meeting.organization.name,
                "category": p.category,
                "problem": p.description,
                "source": p.get_source_display(),
                "goal": it.goal,
                "measures": it.measures,
                "responsible": it.responsible_display(),
                "deadline": _date(it.deadline),
                "deadline_day": it.deadline,
                "status": it.get_status_display(),
                "public": "公示" if it.is_public else "不公示",
            }
        )
    ctx.update({"title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}问题清单和整改措施", "items": rows, "public_only": public_only})
    return ctx


def problem_list_full(meeting) -> dict:
    """The whole list, items not displayed publicly included (OL-4.1.b: kept for the branch and
    the superior; the 公示 column says which are displayed)."""
    return problem_list(meeting, public_only=False)


# -- 会议记录 --------------------------------------------------------------------------------
def minutes(meeting) -> dict:
    from meetings.choices import CriticismKind, ParticipationMode
    from meetings.models import AgendaItem, Attendance, Closing, Commentary, Criticism, Observer, Sitting

    ctx = base(meeting)
    sittings = []
    qs = (
        Sitting.objects.filter(meeting=meeting)
        .select_related("host", "guide")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member", "proxy").order_by("member__name")),
            Prefetch("agenda", queryset=AgendaItem.objects.select_related("subject").order_by("order")),
            Prefetch("criticisms", queryset=Criticism.objects.select_related("speaker", "target", "speaker_observer", "speaker_guide").order_by("seq")),
            Prefetch("observers", queryset=Observer.objects.order_by("pk")),
        )
    )
    commentary = Commentary.objects.filter(meeting=meeting).select_related("author").first()
    closing = Closing.objects.filter(meeting=meeting).select_related("author").first()
    for s in qs.order_by("order"):
        att = list(s.attendance.all())
        absent = [a for a in att if a.mode == ParticipationMode.ABSENT]
        statements = []
        for c in s.criticisms.all():
            speaker = (
                c.speaker.name
                if c.speaker_id
                else (c.speaker_observer.name if c.speaker_observer_id else (getattr(c.speaker_guide, "display_name", "") or str(c.speaker_guide or "")))
            )
            if c.kind == CriticismKind.MUTUAL:
                target = "班子" if c.about_team else (c.target.name if c.target_id else "")
                label = f"{speaker}对{target}提出批评"
            else:
                label = f"{speaker}（{c.get_kind_display()}）"
            statements.append(
                {
                    "seq": c.seq,
                    "kind": c.get_kind_display(),
                    "speaker": speaker,
                    "target": c.target.name if c.target_id else ("班子" if c.about_team else ""),
                    "label": label,
                    "content": c.content,
                    "suggestion": c.suggestion,
                    "response": c.response,
                    "agenda_id": c.agenda_item_id,
                }
            )
        agenda = []
        for a in s.agenda.all():
            agenda.append(
                {
                    "order": a.order,
                    "title": a.title,
                    "subject": a.subject.name if a.subject_id else "",
                    "notes": a.notes,
                    "statements": [x for x in statements if x["agenda_id"] == a.pk],
                }
            )
        unplaced = [x for x in statements if x["agenda_id"] is None]
        sittings.append(
            {
                "kind": s.get_kind_display(),
                "date": _date(s.date),
                "start": timezone.localtime(s.started_at).strftime("%H:%M") if s.started_at else "",
                "end": timezone.localtime(s.ended_at).strftime("%H:%M") if s.ended_at else "",
                "place": s.place,
                "host": s.host.name if s.host_id else "",
                "recorder": s.recorder,
                "guide": s.guide_name or (getattr(s.guide, "display_name", "") or str(s.guide) if s.guide_id else ""),
                "expected": len(att),
                "present": len(att) - len(absent),
                "present_names": "、".join(
                    a.member.name + ("" if a.mode == ParticipationMode.IN_PERSON else f"（{a.get_mode_display()}）")
                    for a in att
                    if a.mode != ParticipationMode.ABSENT
                ),
                "absent": [{"name": a.member.name, "reason": a.absence_reason or "未说明"} for a in absent],
                "observers": [{"name": o.name, "category": o.get_category_display(), "affiliation": o.affiliation} for o in s.observers.all()],
                "agenda": agenda,
                "statements": unplaced,
                "all_statements": statements,
            }
        )
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}会议记录",
            "sittings": sittings,
            "commentary": (
                {
                    "author": getattr(commentary.author, "display_name", "") or str(commentary.author),
                    "on_preparation": commentary.on_preparation,
                    "on_criticism": commentary.on_criticism,
                    "on_effect": commentary.on_effect,
                    "guidance": list(commentary.guidance or []),
                }
                if commentary
                else None
            ),
            "closing": (
                {
                    "author": closing.author.name,
                    "shortcomings": closing.shortcomings,
                    "rectification_opinions": closing.rectification_opinions,
                    "commitment": closing.commitment,
                    "guidance_responses": list(closing.guidance_responses or []),
                    "opinions_response": closing.opinions_response,
                }
                if closing
                else None
            ),
        }
    )
    return ctx


# -- 情况报告 / 通报 -------------------------------------------------------------------------
def situation_report(meeting) -> dict:
    from rectification import reports

    ctx = base(meeting)
    sections = reports.situation_text(meeting)
    labels = reports.headings(meeting)
    ctx.update(
        {
            "title": reports.situation_title(meeting),
            "addressee": ctx["superior"] or "上级党组织",
            "sections": [{"key": k, "heading": labels[k], "paragraphs": _lines(sections.get(k, ""))} for k in reports.SECTION_KEYS],
            "attachments": ["会议记录（复印件）", "征求意见汇总", "问题清单和整改措施", "整改台账"],
        }
    )
    if meeting.is_democratic_life:
        ctx["addressee"] = "上级纪委监委、组织部"
    return ctx


def circular(meeting) -> dict:
    from rectification import reports
    from rectification.models import Circular

    ctx = base(meeting)
    c = Circular.objects.filter(meeting=meeting).first()
    draft = reports.circular_draft(meeting) if not (c and c.content) else None
    content = c.content if c and c.content else draft["content"]
    ctx.update(
        {
            "title": (c.title if c and c.title else "") or (draft or reports.circular_draft(meeting))["title"],
            "paragraphs": _lines(content),
            "scope": c.scope if c else "",
            "published_cn": cn_date(timezone.localdate(c.published_at)) if c and c.published_at else ctx["today_cn"],
        }
    )
    return ctx


# -- 民主测评表 ------------------------------------------------------------------------------
def ballot(meeting) -> dict:
    ctx = base(meeting)
    roster = [r for r in people(meeting) if not r.get("probationary")]
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度民主评议党员测评表"
            if meeting.is_org_life
            else f"{meeting.leading_team.name if meeting.leading_team_id else meeting.organization.name}{meeting.year}年度民主测评表",
            "people": [{"n": i, "name": r["name"], "title": r["title"]} for i, r in enumerate(roster, 1)],
            "grades": ["优秀", "合格", "基本合格", "不合格"] if meeting.is_org_life else ["好", "较好", "一般", "差"],
            "team_items": ["班子建设", "履职尽责", "工作作风", "联系服务群众", "廉洁自律", "团结协作"],
        }
    )
    return ctx


# -- 党员自评表 ------------------------------------------------------------------------------
# Common practice in provincial rules (documents.md §12–13; not in the seed text): the four
# grades with the usual one-line standard, and the aspects members assess themselves on.
GRADE_STANDARDS = {
    "excellent": "理想信念坚定，模范履行党员义务，在工作、学习和社会生活中起先锋模范作用。",
    "qualified": "能够履行党员义务，遵守党的纪律，发挥党员作用。",
    "basically_qualified": "党员意识不够强，履行党员义务不够好，发挥作用不够明显，存在一定问题。",
    "unqualified": "理想信念动摇、宗旨意识淡薄、组织纪律散漫、道德行为不端等，经教育仍无明显转变。",
}
APPRAISAL_ASPECTS = ("理想信念", "政治素质", "组织纪律", "廉洁自律", "联系服务群众", "先锋模范作用")


def _month(day) -> str:
    return f"{day.year}年{day.month}月" if day else ""


def appraisal_standards(meeting, appraisal=None) -> dict:
    """The appraisal's standards: the grades (rulebook `appraisal_grades`), the 优秀 ceiling
    (`appraisal_excellent_max_ratio`, frozen on the appraisal when voting opened, else the
    meeting's pinned rulebook) and whether probationary members are graded (they are not)."""
    from appraisal.choices import Grade

    ratio = appraisal.excellent_max_ratio if appraisal is not None and appraisal.opened_at else None
    if ratio is None:
        from appraisal.services import rulebook_of

        try:
            ratio = rulebook_of(meeting).param("appraisal_excellent_max_ratio")
        except Exception:  # noqa: BLE001 — a meeting without a loadable rulebook still gets its form
            ratio = None
    ceiling = ""
    if ratio:
        from appraisal.services import ratio as as_fraction

        f = as_fraction(ratio)
        ceiling = f"优秀等次一般不超过参评党员的{cn_fraction(f.numerator, f.denominator)}。"
    return {
        "grades": [{"key": g.value, "name": g.label, "standard": GRADE_STANDARDS.get(g.value, "")} for g in Grade],
        "grade_names": [g.label for g in Grade],
        "excellent_ceiling": ceiling,
        "aspects": list(APPRAISAL_ASPECTS),
        "probationary_note": "预备党员参加民主评议，不评定等次。",
    }


def cn_fraction(numerator: int, denominator: int) -> str:
    from .layout import cn_number

    return f"{cn_number(denominator)}分之{cn_number(numerator)}"


def self_assessment(meeting, member=None) -> dict:
    """民主评议党员自评表 (documents.md §13; OL-1.2.b, OL-3.1.d): the member's 基本信息, the
    facts of the year the app holds (study, this meeting's sittings, last year's items), their
    self-assessment text when written, and the 党支部评定 once the grade is final. `member`
    None gives the blank form. The 出生年月 is left to the member: it is only in the encrypted
    ID number, which is revealed through the audited `member.reveal` path, never in a document."""
    from appraisal.choices import RatingStatus
    from appraisal.models import Appraisal, Rating, SelfAssessment
    from meetings.models import Attendance, StudyAttendance, StudySession
    from organizations.models import Position

    ctx = base(meeting)
    appraisal = Appraisal.objects.filter(meeting=meeting).first()
    standards = appraisal_standards(meeting, appraisal)
    person = {"name": "", "gender": "", "birth": "", "joined": "", "job": "", "position": "", "probationary": False}
    facts: list[str] = []
    last_items: list[dict] = []
    text: list[str] = []
    submitted = ""
    rating = {"grade": "", "remarks": "", "date": "", "body": ""}
    if member is not None:
        position = Position.objects.current().filter(organization_id=meeting.organization_id, member=member).first()
        person = {
            "name": member.name,
            "gender": member.get_gender_display() if member.gender else "",
            "birth": "",
            "joined": _month(member.joined_on),
            "job": member.job_title,
            "position": position.get_kind_display() if position else ("预备党员" if member.is_probationary else "党员"),
            "probationary": member.is_probationary,
        }
        sessions = StudySession.objects.filter(meeting=meeting).count()
        if sessions:
            studied = StudyAttendance.objects.filter(session__meeting=meeting, member=member).count()
            facts.append(f"会前集中学习{sessions}次，本人参加{studied}次。")
        sittings = list(Attendance.objects.filter(sitting__meeting=meeting, member=member).select_related("sitting"))
        for a in sittings:
            facts.append(
                f"{a.sitting.get_kind_display()}（{_date(a.sitting.date)}）：{a.get_mode_display()}{('，' + a.absence_reason) if a.absence_reason else ''}。"
            )
        from rectification.carryover import previous_items

        last = previous_items(meeting).filter(responsible_member=member)
        last_items = [{"n": i, "goal": it.goal, "status": it.get_status_display(), "deadline": _date(it.deadline)} for i, it in enumerate(last, 1)]
        if appraisal is not None:
            own = SelfAssessment.objects.filter(appraisal=appraisal, member=member).first()
            if own is not None:
                text = _lines(own.text)
                submitted = _date(timezone.localdate(own.submitted_at)) if own.submitted_at else ""
            final = (
                Rating.objects.filter(appraisee__appraisal=appraisal, appraisee__member=member, status=RatingStatus.FINAL).select_related("appraisee").first()
            )
            if final is not None:
                rating = {
                    "grade": final.get_grade_display(),
                    "remarks": final.remarks,
                    "date": _date(final.resolution_date or timezone.localdate(final.decided_at or final.proposed_at)),
                    "body": final.get_resolution_body_display() if final.resolution_body else "",
                }
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度民主评议党员自评表",
            "person": person["name"],
            "member": person,
            "facts": facts,
            "last_items": last_items,
            "text": text,
            "submitted": submitted,
            "standards": standards,
            "rating": rating,
        }
    )
    return ctx


def self_assessment_blank(meeting) -> dict:
    return self_assessment(meeting, None)


def appraisal_year_end(meeting) -> bool:
    """民主评议 goes with the year-end 组织生活会 (OL-1.2.b): a year-end meeting, or one whose
    appraisal has been started."""
    from appraisal.models import Appraisal
    from meetings.choices import Half

    return meeting.is_org_life and (meeting.half == Half.YEAR_END or Appraisal.objects.filter(meeting=meeting).exists())


# -- 报送材料清单 ----------------------------------------------------------------------------
def submission_list(meeting) -> dict:
    """报送材料清单 (OL-4.2.a, DL-4.2.b): the report package sent to the superior — 情况报告,
    原始记录复印件, 征求意见汇总 for the team and for each person — with what is present or
    missing and the dates, read from the report and the frozen opinion summary; the problem
    list and (year-end) the appraisal result go with it."""
    from accounts.choices import Office
    from meetings.models import Opinion, Sitting
    from rectification import deadlines, reports
    from rectification.choices import ItemStatus
    from rectification.models import RectificationItem, Report
    from rectification.report_services import recipients

    ctx = base(meeting)
    report = Report.objects.filter(meeting=meeting).first()
    sections = (report.sections or {}) if report else {}
    if report and report.current_number and not sections:
        version = report.versions.order_by("-number").first()
        sections = version.sections if version else {}
    labels = reports.headings(meeting)
    blank = [labels[k] for k in reports.SECTION_KEYS if not (sections.get(k) or "").strip() or reports.PLACEHOLDER in (sections.get(k) or "")]
    summary = reports.latest_opinion_summary(meeting)
    summary_day = _date(timezone.localdate(summary.frozen_at)) if summary else ""
    counts: dict = {}
    for target, member_id in Opinion.objects.filter(meeting=meeting, merged_into__isnull=True).values_list("target", "target_member_id"):
        key = "team" if target == "team" else member_id
        counts[key] = counts.get(key, 0) + 1
    sitting_days = [s for s in Sitting.objects.filter(meeting=meeting).order_by("order").values_list("date", flat=True) if s]
    items = []

    def add(name, present, day="", note="", copies="1份", required=True):
        items.append(
            {
                "n": len(items) + 1,
                "name": name,
                "copies": copies,
                "present": present,
                "status": "齐全" if present else "缺",
                "date": day,
                "note": note,
                "required": required,
            }
        )

    report_done = report is not None and not blank
    if report and report.submitted_at:
        report_note = f"第{report.current_number}版，{_date(timezone.localdate(report.submitted_at))}报送"
    elif report_done:
        report_note = "已定稿，待报送"
    else:
        report_note = f"“{blank[0].split('、', 1)[-1]}”尚未填写" if len(blank) == 1 else f"{len(blank)}个部分尚未填写"
    add(
        "会议情况报告",
        report_done,
        _date(timezone.localdate(report.updated_at)) if report_done else "",
        report_note,
    )
    scan = bool(report and report.minutes_scan_path)
    add(
        "会议原始记录复印件",
        scan,
        _date(timezone.localdate(report.minutes_scan_at)) if scan and report.minutes_scan_at else "",
        (report.minutes_scan_name or "已上传扫描件") if scan else ("尚未上传扫描件" if sitting_days else "会议尚未召开"),
    )
    add(
        "领导班子征求意见汇总材料" if meeting.is_democratic_life else "党支部（班子）征求意见汇总材料",
        summary is not None,
        summary_day,
        f"对班子意见{counts.get('team', 0)}条" + ("" if summary else "，汇总未定稿"),
    )
    none_received = set(str(x) for x in (summary.none_received if summary else []))
    roster = people(meeting)
    for p in roster:
        n = counts.get(p["id"], 0)
        if not n and p["name"] not in none_received and not (meeting.is_democratic_life or p["title"] in ("书记", "副书记", "委员")):
            continue  # ordinary members without opinions need no personal summary
        add(
            f"{p['name']}同志个人征求意见汇总材料",
            summary is not None,
            summary_day,
            (f"意见{n}条" if n else "未收到意见") + ("" if summary else "，汇总未定稿"),
        )
    final_items = RectificationItem.objects.filter(meeting=meeting).exclude(status=ItemStatus.DRAFT).count()
    add("问题清单和整改措施", bool(final_items), "", f"整改事项{final_items}项" if final_items else "尚未确定整改事项", required=False)
    if meeting.is_org_life and appraisal_year_end(meeting):
        from appraisal.models import Appraisal

        a = Appraisal.objects.filter(meeting=meeting).first()
        done = a is not None and a.ratings_final_at is not None
        add(
            "民主评议党员结果统计表",
            done,
            _date(timezone.localdate(a.ratings_final_at)) if done else "",
            "评定结果已确定" if done else "评定结果尚未确定",
            required=False,
        )
    due = (report.due_on if report and report.due_on else None) or deadlines.report_due(meeting)
    missing = [x["name"] for x in items if x["required"] and not x["present"]]
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}报送材料清单",
            "recipients": "、".join(f"{org.name}{Office(office).label}" if office else org.name for office, org in recipients(meeting)),
            "meeting_dates": "、".join(_date(d) for d in sitting_days) or ctx["date"],
            "due": _date(due) if due else "",
            "submitted": _date(timezone.localdate(report.submitted_at)) if report and report.submitted_at else "",
            "items": items,
            "present_count": sum(1 for x in items if x["present"]),
            "missing": missing,
            "complete": not missing,
            "contact": next((p["name"] for p in roster if p.get("main")), ""),
        }
    )
    return ctx


# -- 个人意见反馈 ----------------------------------------------------------------------------
def opinion_feedback(meeting, member=None) -> dict:
    """征求意见反馈单 (OL-2.3.e; DL P-DL-2.5.d): the opinions about one person, unedited, and the
    record of handing them over (方式, 日期, 本人签收)."""
    from meetings.choices import FeedbackKind
    from meetings.models import Feedback, Opinion

    ctx = base(meeting)
    name = member.name if member is not None else ""
    rows = []
    if member is not None:
        rows = [
            {"n": i, "content": o.content, "category": o.category, "channel": o.get_channel_display(), "received": _date(o.received_on)}
            for i, o in enumerate(
                Opinion.objects.filter(meeting=meeting, target="person", target_member=member, merged_into__isnull=True).order_by("received_on", "pk"), 1
            )
        ]
    fb = (
        Feedback.objects.filter(meeting=meeting, kind=FeedbackKind.PERSONAL, recipient=member).select_related("delivered_by").order_by("-pk").first()
        if member is not None
        else None
    )
    ctx.update(
        {
            "title": f"{meeting.organization.name}{meeting.year}年度{what(meeting)}征求意见反馈单",
            "person": name,
            "opinions": rows,
            "feedback": {
                "mode": fb.get_mode_display() if fb and fb.mode else "",
                "date": _date(fb.delivered_on) if fb and fb.delivered_on else "",
                "by": (getattr(fb.delivered_by, "display_name", "") or str(fb.delivered_by)) if fb and fb.delivered_by_id else "",
                "signed": _date(fb.acknowledged_on) if fb and fb.acknowledged_on else "",
            },
        }
    )
    return ctx
