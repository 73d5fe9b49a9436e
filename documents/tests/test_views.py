"""Downloads with Chinese file names, the report package, one's own draft, and the batch ZIP."""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse

from documents import services
from documents.models import BatchJob, BatchStatus
from documents.tasks import run_batch
from meetings.choices import MeetingKind, Stage
from rectification.tests.factories import make_meeting
from tests.factories import make_org

from .factories import full_meeting
from .test_generate import text_of

pytestmark = pytest.mark.django_db


def test_meeting_page_lists_documents_and_people(world, client):
    meeting, _ = full_meeting(world)
    client.force_login(world.secretary)
    response = client.get(reverse("documents:meeting", args=[meeting.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for label in ("组织生活会工作方案", "会议情况报告", "整改台账", "谈心谈话覆盖表", "民主测评表（空白）"):
        assert label in page
    assert "民主生活会方案" not in page
    assert f"?member={world.member_member.pk}" in page


def test_download_has_chinese_file_name_rfc5987(world, client):
    meeting, _ = full_meeting(world)
    client.force_login(world.reviewer)
    response = client.get(reverse("documents:download", args=[meeting.pk, "situation_report"]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "filename*=utf-8''" + quote("幸福社区党支部关于召开2026年度组织生活会情况的报告.docx") in disposition
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "一、会议基本情况" in text_of(response.content)


def test_personal_draft_only_for_participants(world, client):
    meeting, _ = full_meeting(world)
    client.force_login(world.secretary)
    url = reverse("documents:download", args=[meeting.pk, "self_exam"])
    assert client.get(url + f"?member={world.outsider_member.pk}").status_code == 404
    response = client.get(url + f"?member={world.committee_member_member.pk}")
    assert "钱委员学习笔记不够认真" in text_of(response.content)


def test_member_downloads_own_draft_with_own_opinions_only(world, client):
    meeting, _ = full_meeting(world)
    client.force_login(world.committee_member)
    response = client.get(reverse("documents:mine", args=[meeting.pk]))
    text = text_of(response.content)
    assert "钱委员学习笔记不够认真" in text and "赵书记入户走访次数偏少" not in text


def test_report_package_zip(world, client):
    meeting, _ = full_meeting(world)
    client.force_login(world.secretary)
    response = client.get(reverse("documents:package", args=[meeting.pk]))
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(n.endswith("情况的报告.docx") for n in names)
    assert any(n.endswith("会议记录.docx") for n in names)
    assert any(n.endswith("征求意见汇总.docx") for n in names)
    assert any(n.endswith("整改台账.xlsx") for n in names)
    assert not any("通报" in n for n in names)  # 通报 is for a 民主生活会


def test_batch_zip_of_a_subtree_with_progress(world, client):
    held = [make_meeting(org, year=2026) for org in (world.b1, world.b2)]
    make_meeting(world.b3, year=2026)  # another subtree
    make_meeting(make_org(world.p1, name="筹备中党支部"), year=2026, stage=Stage.PREPARING)  # not held
    job = services.start_batch(world.p1, meeting_kind=MeetingKind.ORG_LIFE, year=2026, actor=world.reviewer)
    client.force_login(world.reviewer)
    status = client.get(reverse("documents:batch_status", args=[job.pk])).content.decode()
    assert "hx-get" in status and "every 2s" in status  # polling while queued
    assert run_batch(job.pk) == 2
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.percent) == (BatchStatus.DONE, 2, 2, 100)
    status = client.get(reverse("documents:batch_status", args=[job.pk])).content.decode()
    assert "hx-get" not in status and reverse("documents:batch_download", args=[job.pk]) in status
    response = client.get(reverse("documents:batch_download", args=[job.pk]))
    body = b"".join(response.streaming_content)
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert sorted(n.split("/")[0] for n in names if n.endswith(".docx")) == ["平安社区党支部", "幸福社区党支部"]
    assert "说明.txt" in names
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert len(held) == 2


def test_batch_refuses_a_second_running_job_and_branch_secretary(world, client):
    from core.errors import DomainError

    services.start_batch(world.p1, meeting_kind=MeetingKind.ORG_LIFE, year=2026, actor=world.reviewer)
    with pytest.raises(DomainError):
        services.start_batch(world.p1, meeting_kind=MeetingKind.ORG_LIFE, year=2026, actor=world.reviewer)
    client.force_login(world.reviewer)
    response = client.post(reverse("documents:batch_start", args=[world.p1.pk]), {"meeting_kind": "org_life", "year": 2026})
    assert response.status_code == 400 and "已有一个打包任务" in response.content.decode()
    assert BatchJob.objects.count() == 1


def test_steps_registered_for_meeting_page():
    from meetings import steps

    step = steps.STEPS["documents"]
    assert step.order == 95 and step.url_name == "documents:meeting"


def test_appraisal_results_need_the_appraisal_results_permission(world, client):
    from appraisal.choices import VotingStatus
    from appraisal.tests.factories import make_appraisal

    meeting = make_appraisal(world.b1, status=VotingStatus.CLOSED).meeting
    url = reverse("documents:download", args=[meeting.pk, "appraisal_results"])
    client.force_login(world.committee_member)
    assert client.get(url).status_code == 403
    assert "民主测评结果" not in client.get(reverse("documents:meeting", args=[meeting.pk])).content.decode()
    client.force_login(world.secretary)
    assert client.get(url).status_code == 200
    assert "民主测评结果" in client.get(reverse("documents:meeting", args=[meeting.pk])).content.decode()
