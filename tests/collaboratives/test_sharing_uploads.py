"""The resource library's upload policy: Office documents and plain text, judged by content."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bsc.exceptions import DomainError
from collaboratives.uploads import RESOURCE_POLICY, check_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def _check(name: str, content: bytes):
    return check_upload(SimpleUploadedFile(name, content), name=name, policy=RESOURCE_POLICY)


def test_an_excel_workbook_is_accepted_as_one():
    checked = _check("run-chart-data.xlsx", _xlsx())

    assert checked.content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (checked.file_name, checked.description) == ("run-chart-data.xlsx", "Excel workbook")


def test_a_workbook_named_as_a_pdf_keeps_its_real_extension():
    checked = _check("data.pdf", _xlsx())

    assert (checked.file_name, checked.renamed) == ("data.xlsx", True)


def test_utf8_text_under_a_text_name_is_accepted_as_plain_text():
    checked = _check("notes.txt", "Reminder script: “Hello” — call at 4pm\n".encode())

    assert (checked.content_type, checked.file_name) == ("text/plain", "notes.txt")


def test_text_under_another_name_is_refused():
    with pytest.raises(DomainError) as raised:
        _check("notes.exe", b"just words")

    assert raised.value.field == "file"


def test_html_named_as_text_is_accepted_only_as_plain_text_never_as_html():
    checked = _check("page.txt", b"<script>alert(1)</script>")

    assert checked.content_type == "text/plain"


def test_binary_bytes_under_a_text_name_are_refused():
    with pytest.raises(DomainError) as raised:
        _check("notes.txt", b"abc\x00\x01\x02def")

    assert "is not a PDF, an image" in raised.value.message


def test_the_default_policy_still_refuses_office_documents():
    with pytest.raises(DomainError) as raised:
        check_upload(SimpleUploadedFile("data.xlsx", _xlsx()), name="data.xlsx")

    assert "Save it as a PDF or an image and upload that." in raised.value.message


def test_images_pass_both_policies():
    assert _check("chart.png", PNG).content_type == "image/png"
    assert check_upload(SimpleUploadedFile("chart.png", PNG), name="chart.png").description == (
        "PNG image"
    )
