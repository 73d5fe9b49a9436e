"""Every documents view × persona × place (see tests/matrix.py).

Expected allow-sets from the regulations' roles: the branch committee (or team) keeps the papers
and the superiors check them; each participant gets their own draft; the operator manages the
district's templates; superiors build batch ZIPs of their subtree."""

import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from documents.layout import GovDoc
from documents.models import BatchJob, BatchStatus, DocumentTemplate
from documents.tasks import result_file
from rectification.tests.factories import make_meeting
from tests.matrix import ALL, PLACES, allow, case, expect

VIEW = allow(secretary={"b1"}, committee_member={"b1"}, outsider={"b2"}, reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES))
OWN = allow(secretary={"b1"}, committee_member={"b1"}, member={"b1"}, outsider={"b2"})
TEMPLATE = allow(operator=set(PLACES))
BATCH = allow(reviewer={"b1", "b2", "p1"}, inspector=set(PLACES), operator=set(PLACES))

expect("document.view", VIEW)
expect("document.own", OWN)
expect("document.template", TEMPLATE)
expect("document.batch", BATCH)


def _holders(*personas):
    return {(p, place) for p, place in ALL if p in personas}


def _notice_template() -> bytes:
    doc = GovDoc("{{ title }}")
    doc.para("{{ organization }} {{ meeting_time }}")
    return doc.save()


case("documents:template_index", expected=_holders("operator"))(lambda w, o: {})
case("documents:template_builtin", expected=_holders("operator"))(lambda w, o: {"key": "situation_report"})
case("documents:batch_index", expected=_holders("reviewer", "inspector", "operator"))(lambda w, o: {})


@case("documents:meeting")
@case("documents:package")
@case("documents:mine")
def _meeting(world, org):
    return {"pk": make_meeting(org).pk}


@case("documents:download")
def _download(world, org):
    return {"pk": make_meeting(org).pk, "key": "opinion_form"}


@case("documents:templates")
@case("documents:batch")
def _org(world, org):
    return {"org_pk": org.pk}


case("documents:template_upload", method="POST", data=lambda w, kw: {"kind": "notice", "file": SimpleUploadedFile("通知.docx", _notice_template())})(_org)
case("documents:batch_start", method="POST", data=lambda w, kw: {"meeting_kind": "org_life", "year": 2026})(_org)


@case("documents:template_deactivate", method="POST")
def _org_kind(world, org):
    return {"org_pk": org.pk, "key": "notice"}


def _template(world, org):
    n = DocumentTemplate.objects.filter(organization=org, kind="notice").count() + 1
    return DocumentTemplate.objects.create(organization=org, kind="notice", number=n, content=_notice_template(), uploaded_by=world.operator)


@case("documents:template_file")
def _template_file(world, org):
    return {"pk": _template(world, org).pk}


@case("documents:template_activate", method="POST")
def _template_activate(world, org):
    return {"pk": _template(world, org).pk}


def _job(world, org):
    job = BatchJob.objects.create(organization=org, meeting_kind="org_life", year=2026, requested_by=world.operator, status=BatchStatus.DONE, total=0)
    path = result_file(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("说明.txt", "空")
    BatchJob.objects.filter(pk=job.pk).update(result_path=str(path), result_bytes=path.stat().st_size)
    return job


@case("documents:batch_status")
@case("documents:batch_download")
def _batch_job(world, org):
    return {"pk": _job(world, org).pk}
