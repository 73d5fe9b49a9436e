"""District templates: upload (validated by rendering with sample data), versions, activation,
inheritance down the tree, and rendering with a meeting's context (docxtpl / Jinja2).

A broken template is refused with a Chinese message naming what is wrong — a field the template
uses that does not exist ("模板使用了不存在的字段“meeting_dat”"), a required field it lacks, a
syntax error — and the version in use stays in use."""

from __future__ import annotations

import io
import re

from django.db import transaction

from accounts.permissions import require
from audit.services import record
from core.errors import DomainError
from core.uploads import check_upload, check_zip_bomb

from .kinds import KINDS
from .samples import FIELD_LABELS, sample_context

MAX_BYTES = 5 * 1024 * 1024
BUILTIN_DIR = __import__("pathlib").Path(__file__).resolve().parent / "templates_docx"


def _env(strict: bool):
    from jinja2 import StrictUndefined, Undefined
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(undefined=StrictUndefined if strict else Undefined, autoescape=False)


def _label(name: str) -> str:
    label = FIELD_LABELS.get(name)
    return f"“{name}”（{label}）" if label else f"“{name}”"


def _explain(exc: Exception) -> str:
    """A Jinja/docxtpl error as a sentence an operator understands."""
    from jinja2 import TemplateSyntaxError, UndefinedError

    text = str(exc)
    if isinstance(exc, UndefinedError):
        m = re.search(r"'([^']+)' is undefined", text)
        if m:
            return f"模板使用了不存在的字段{_label(m[1])}，请对照“可用字段”修改。"
        m = re.search(r"has no attribute '([^']+)'", text)
        if m:
            return f"模板使用了不存在的字段“{m[1]}”（在列表或分组中），请对照“可用字段”修改。"
        return f"模板引用了不存在的字段：{text}"
    if isinstance(exc, TemplateSyntaxError):
        return f"模板语法错误（第{exc.lineno}处附近）：{exc.message}。请检查 {{{{ }}}} 与 {{% %}} 是否成对。"
    return f"模板无法使用：{text}"


def validate(kind_key: str, data: bytes) -> list[str]:
    """Render the template with the kind's sample data; return the fields it uses, or raise
    DomainError naming the problem."""
    from docxtpl import DocxTemplate

    kind = KINDS.get(kind_key)
    if kind is None or not kind.templatable:
        raise DomainError("该文书不支持自定义模板。")
    if check_upload(data, {"docx"}, max_bytes=MAX_BYTES) != "docx":
        raise DomainError("请上传Word（.docx）文件。")
    check_zip_bomb(data)
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        used = sorted(tpl.get_undeclared_template_variables(_env(strict=False)))
    except Exception as exc:  # noqa: BLE001 — any parse failure is the operator's template
        raise DomainError(_explain(exc)) from None
    sample = sample_context(kind_key)
    unknown = [name for name in used if name not in sample]
    if unknown:
        raise DomainError(f"模板使用了不存在的字段{_label(unknown[0])}，请对照“可用字段”修改。")
    missing = [name for name in kind.required if name not in used]
    if missing:
        raise DomainError(f"模板缺少必需字段{_label(missing[0])}：请在模板中加入 {{{{ {missing[0]} }}}}。")
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        tpl.render(sample, _env(strict=True), autoescape=True)
        tpl.save(io.BytesIO())
    except Exception as exc:  # noqa: BLE001
        raise DomainError(_explain(exc)) from None
    return used


def render(data: bytes, ctx: dict) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(bytes(data)))
    tpl.render(ctx, _env(strict=False), autoescape=True)  # user text with & or < stays text
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _ancestor_paths(organization) -> list[str]:
    from organizations.models import Organization

    step = Organization.steplen
    return [organization.path[:i] for i in range(step, len(organization.path) + 1, step)]


def active_for(organization, kind_key: str):
    """The template the organization uses for this kind: its own, else the nearest ancestor's."""
    from .models import DocumentTemplate

    rows = DocumentTemplate.objects.filter(kind=kind_key, is_active=True, organization__path__in=_ancestor_paths(organization)).select_related("organization")
    return max(rows, key=lambda t: len(t.organization.path), default=None)


def upload(organization, kind_key: str, data: bytes, *, actor, name: str = "", note: str = ""):
    """Validate and store a new version, put it in use. Refused → the version in use stays."""
    from .models import DocumentTemplate

    acting = require(actor, "document.template", organization)
    used = validate(kind_key, data)
    with transaction.atomic():
        rows = DocumentTemplate.objects.select_for_update().filter(organization=organization, kind=kind_key)
        number = max((t.number for t in rows), default=0) + 1
        rows.filter(is_active=True).update(is_active=False)
        template = DocumentTemplate.objects.create(
            organization=organization,
            kind=kind_key,
            number=number,
            content=data,
            original_name=name[:200],
            fields_used=used,
            is_active=True,
            uploaded_by=actor,
            note=note[:200],
        )
        record(acting, organization, template, "document_template.uploaded", {"kind": kind_key, "number": number, "bytes": len(data), "fields": used})
    return template


def activate(template, *, actor):
    """Put an earlier version back in use (it was validated when uploaded)."""
    from .models import DocumentTemplate

    acting = require(actor, "document.template", template.organization)
    with transaction.atomic():
        DocumentTemplate.objects.select_for_update().filter(organization=template.organization, kind=template.kind, is_active=True).update(is_active=False)
        DocumentTemplate.objects.filter(pk=template.pk).update(is_active=True)
        record(acting, template.organization, template, "document_template.activated", {"kind": template.kind, "number": template.number})


def deactivate(organization, kind_key: str, *, actor):
    """Go back to the built-in document (or the parent's template)."""
    from .models import DocumentTemplate

    acting = require(actor, "document.template", organization)
    with transaction.atomic():
        n = DocumentTemplate.objects.select_for_update().filter(organization=organization, kind=kind_key, is_active=True).update(is_active=False)
        if n:
            record(acting, organization, "documents.documenttemplate", "document_template.deactivated", {"kind": kind_key})


def builtin(kind_key: str) -> bytes | None:
    """The starting template shipped in documents/templates_docx/ for this kind, if any."""
    path = BUILTIN_DIR / f"{kind_key}.docx"
    return path.read_bytes() if path.exists() else None
