"""The 情况报告, a 对照检查材料 draft and the 整改台账 converted with LibreOffice headless and
rendered to PNG (pdftoppm) for a person to look at (test-artifacts/documents/). Skipped where
LibreOffice is not installed. Checks: the PDF is A4 portrait (the ledger landscape-fitted), the
text survived the conversion, and the pages are few."""

import shutil
import subprocess
from pathlib import Path

import pytest

from documents import kinds

from .factories import full_meeting

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("libreoffice") or not shutil.which("pdftoppm"), reason="LibreOffice/poppler not installed"),
]

OUT = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"


def convert(name: str, body: bytes, tmp: Path) -> Path:
    src = tmp / name
    src.write_bytes(body)
    subprocess.run(
        ["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp}/lo", "--convert-to", "pdf", "--outdir", str(tmp), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = src.with_suffix(".pdf")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{src.stem}*"):
        old.unlink()
    shutil.copy(pdf, OUT / pdf.name)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / src.stem)], check=True, timeout=60)
    return pdf


def pdf_info(pdf: Path) -> dict:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_rendering_of_report_draft_and_ledger(world, tmp_path):
    meeting, _ = full_meeting(world)
    files = {
        "report": kinds.generate("situation_report", meeting),
        "draft": kinds.generate("self_exam", meeting, world.secretary_member),
        "ledger": kinds.generate("ledger", meeting),
    }
    pdfs = {
        key: convert(("情况报告" if key == "report" else "对照检查草稿" if key == "draft" else "整改台账") + Path(name).suffix, body, tmp_path)
        for key, (name, body) in files.items()
    }
    report = pdf_info(pdfs["report"])
    assert "(A4)" in report["Page size"] and report["Page size"].strip().startswith("595")  # A4 portrait
    assert int(report["Pages"]) <= 4
    text = pdf_text(pdfs["report"])
    assert "情况的报告" in text and "第一街道党工委" in text and "二〇二六年" in text
    assert "—1—" in text.replace(" ", "")  # page number
    draft = pdf_text(pdfs["draft"])
    assert "赵书记入户走访次数偏少" in draft and "原因剖析" in draft
    ledger = pdf_text(pdfs["ledger"])
    assert "丰富支部活动形式" in ledger and "逾期" in ledger


def test_pdf_rendering_of_self_assessment_and_submission_list(world, tmp_path):
    """The 党员自评表 fits one A4 page with its form; the 报送材料清单 and a 意见反馈单 too."""
    from appraisal.models import Appraisal, SelfAssessment

    meeting, _ = full_meeting(world)
    meeting.half = "year_end"
    meeting.save(update_fields=["half"])
    appraisal = Appraisal.objects.create(meeting=meeting, organization=meeting.organization, created_by=world.secretary, excellent_max_ratio="0.3333")
    SelfAssessment.objects.create(
        appraisal=appraisal,
        member=world.member_member,
        text="一年来坚持参加支部集中学习，认真学习党章党规和党的创新理论，按时足额交纳党费。\n积极参与社区志愿服务12次，带头参与垃圾分类宣传。\n不足是理论学习系统性不够，联系群众还不够主动。",
    )
    pdfs = {
        "self": convert("党员自评表.docx", kinds.generate("self_assessment", meeting, world.member_member)[1], tmp_path),
        "blank": convert("党员自评表空白.docx", kinds.generate("self_assessment_blank", meeting)[1], tmp_path),
        "list": convert("报送材料清单.docx", kinds.generate("submission_list", meeting)[1], tmp_path),
        "feedback": convert("意见反馈单.docx", kinds.generate("opinion_feedback", meeting, world.secretary_member)[1], tmp_path),
    }
    for key, pdf in pdfs.items():
        info = pdf_info(pdf)
        assert "(A4)" in info["Page size"] and info["Page size"].strip().startswith("595"), key
        assert int(info["Pages"]) == 1, key
    text = pdf_text(pdfs["self"]).replace(" ", "")
    assert "孙党员" in text and "评定意见" in text and "志愿服务12次" in text
    assert "尚缺" in pdf_text(pdfs["list"])
