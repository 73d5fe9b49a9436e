"""Uploaded files: sniffed by content (never by name), size-limited, zip-bomb-checked, and
stored outside the web root under a random name. Served only through views that check
permissions (`private_file_response`)."""

import io
import secrets
import zipfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header

from .errors import DomainError

KINDS = {
    "pdf": ("application/pdf", ".pdf"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}
LABELS = {"pdf": "PDF", "png": "PNG图片", "jpeg": "JPG图片", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）"}
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names:
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                return None  # macro-enabled documents are refused
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
    return None


def check_zip_bomb(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        total = sum(info.file_size for info in zf.infolist())
    if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
        raise DomainError("文件解压后体积异常，疑似恶意文件，已拒绝。")


def check_upload(data: bytes, allowed: set[str], max_bytes: int = 20 * 1024 * 1024) -> str:
    """Return the detected kind or refuse with a Chinese message."""
    if not data:
        raise DomainError("上传的文件是空的。")
    if len(data) > max_bytes:
        raise DomainError(f"文件超过{max_bytes // 1024 // 1024}MB上限。")
    kind = sniff(data)
    if kind not in allowed:
        wanted = "、".join(LABELS[k] for k in sorted(allowed))
        raise DomainError(f"文件格式不符：只接受{wanted}，系统按文件内容识别，改扩展名无效。")
    if kind in ("docx", "xlsx"):
        check_zip_bomb(data)
    return kind


def store_private(data: bytes, folder: str, kind: str) -> str:
    """Write under PRIVATE_MEDIA_ROOT/<folder>/ with a random name; return the relative path."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    name = f"{folder}/{secrets.token_hex(16)}{KINDS[kind][1]}"
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name


def private_file_response(relative_path: str, download_name: str, kind: str) -> FileResponse:
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    path = (root / relative_path).resolve()
    if root not in path.parents or not path.is_file():
        raise Http404("文件不存在")
    response = FileResponse(path.open("rb"), content_type=KINDS[kind][0])
    response["Content-Disposition"] = content_disposition_header(True, download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
