"""Files teams upload (pre-work storyboards): checked by content, not by name; served as downloads.

A file's name and the content type the browser sends are the uploader's
claims; only the bytes count. ``check_upload`` reads the file's first bytes
(its "magic number", with the ``filetype`` package), accepts a PDF or an
image (PNG, JPEG, GIF, WebP) within ``settings.UPLOAD_MAX_BYTES``, and
returns the content type to serve it with and the name to keep. A file whose
name disagrees with its content keeps its name's stem under the detected
extension, so "storyboard.pdf" holding a PNG image is kept as
"storyboard.png". Anything else is refused with a ``DomainError`` on the
``file`` field.

A caller with other needs passes its own ``UploadPolicy`` (``policy=``): the
resource library's ``RESOURCE_POLICY`` also takes Word, Excel and PowerPoint
documents (old and new formats, told apart by content too) and plain text. Plain
text has no magic number, so it is accepted only under a text name (.txt, .csv,
.md) and only if its first bytes are UTF-8 without control characters; it is
served as ``text/plain`` and, like every upload, only as an attachment.
"""

from __future__ import annotations

import codecs
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

import filetype
from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat

from bsc.exceptions import DomainError

if TYPE_CHECKING:
    from collaboratives.models import AssignmentCompletion

# Detected MIME type -> (extension to store under, what to call it in messages).
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "application/pdf": ("pdf", "PDF"),
    "image/png": ("png", "PNG image"),
    "image/jpeg": ("jpg", "JPEG image"),
    "image/gif": ("gif", "GIF image"),
    "image/webp": ("webp", "WebP image"),
}
# Extensions that name the same type as the one we store under.
EQUIVALENT_EXTENSIONS: dict[str, frozenset[str]] = {
    "jpg": frozenset({"jpg", "jpeg", "jpe", "jfif"}),
}
ALLOWED_DESCRIPTION = "a PDF or an image (PNG, JPEG, GIF or WebP)"
# What the page's file picker offers; a hint only, the content decides.
ACCEPT_ATTRIBUTE = (
    ".pdf,.png,.jpg,.jpeg,.gif,.webp,application/pdf,image/png,image/jpeg,image/gif,image/webp"
)
MAX_NAME_LENGTH = 255
TEXT_PLAIN = "text/plain"


@dataclass(frozen=True)
class UploadPolicy:
    """What a caller accepts: detected MIME type -> (extension, name for people)."""

    types: Mapping[str, tuple[str, str]]
    description: str
    advice: str
    accept: str
    # Extensions a plain-text file may have (text has no magic number); empty: no text.
    text_extensions: frozenset[str] = frozenset()


DEFAULT_POLICY = UploadPolicy(
    types=ALLOWED_TYPES,
    description=ALLOWED_DESCRIPTION,
    advice="Save it as a PDF or an image and upload that.",
    accept=ACCEPT_ATTRIBUTE,
)

# The resource library: documents people share, as well as PDFs and images.
RESOURCE_TYPES: dict[str, tuple[str, str]] = {
    **ALLOWED_TYPES,
    "application/msword": ("doc", "Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        "docx",
        "Word document",
    ),
    "application/vnd.ms-excel": ("xls", "Excel workbook"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        "xlsx",
        "Excel workbook",
    ),
    "application/vnd.ms-powerpoint": ("ppt", "PowerPoint presentation"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "pptx",
        "PowerPoint presentation",
    ),
    TEXT_PLAIN: ("txt", "text file"),
}
RESOURCE_POLICY = UploadPolicy(
    types=RESOURCE_TYPES,
    description=(
        "a PDF, an image (PNG, JPEG, GIF or WebP), a Word, Excel or PowerPoint document, "
        "or a plain text file"
    ),
    advice="Save it as a PDF or an Office document and upload that.",
    accept=(
        f"{ACCEPT_ATTRIBUTE},.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,.md,"
        "application/msword,application/vnd.ms-excel,application/vnd.ms-powerpoint,"
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
        "application/vnd.openxmlformats-officedocument.presentationml.presentation,text/plain"
    ),
    text_extensions=frozenset({"txt", "csv", "md"}),
)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed: what it really is and the name to keep."""

    content_type: str
    extension: str
    file_name: str
    renamed: bool
    size: int
    kind_label: str = ""

    @property
    def description(self) -> str:
        return self.kind_label or ALLOWED_TYPES[self.content_type][1]


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def check_upload(
    upload: IO[bytes],
    *,
    name: str,
    size: int | None = None,
    policy: UploadPolicy = DEFAULT_POLICY,
) -> CheckedUpload:
    """Accept a PDF or an image (or what ``policy`` allows) within the size limit, by content.

    ``upload`` is a file-like object (Django's ``UploadedFile``); ``name`` is
    the name the uploader gave it. Raises ``DomainError(field="file")`` with a
    sentence for people when the file is empty, too large or of another type.
    The file position is left at the start.
    """
    shown = display_name(name)
    if size is None:
        size = _size_of(upload)
    limit = max_upload_bytes()
    if size == 0:
        raise DomainError(f"“{shown}” is empty. Choose the file again.", field="file")
    if size > limit:
        raise DomainError(
            f"“{shown}” is {filesizeformat(size)}; files can be at most {filesizeformat(limit)}. "
            "Save a smaller version (for example a PDF with compressed images) and try again.",
            field="file",
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    stem, given_extension = _split_name(shown)
    if (
        kind is None
        and given_extension in policy.text_extensions
        and TEXT_PLAIN in policy.types
        and _is_plain_text(head)
    ):
        return CheckedUpload(
            content_type=TEXT_PLAIN,
            extension=given_extension,
            file_name=shown,
            renamed=False,
            size=size,
            kind_label=policy.types[TEXT_PLAIN][1],
        )
    if kind is None or kind.mime not in policy.types or kind.mime == TEXT_PLAIN:
        what = f" It is a {kind.extension.upper()} file." if kind is not None else ""
        raise DomainError(
            f"“{shown}” is not {policy.description}, whatever its name says.{what} {policy.advice}",
            field="file",
        )
    extension, label = policy.types[kind.mime]
    matches = given_extension in EQUIVALENT_EXTENSIONS.get(extension, frozenset({extension}))
    file_name = shown if matches else _join_name(stem, extension)
    return CheckedUpload(
        content_type=kind.mime,
        extension=extension,
        file_name=file_name,
        renamed=not matches,
        size=size,
        kind_label=label,
    )


def _is_plain_text(head: bytes) -> bool:
    """UTF-8 (a character cut at the end of ``head`` is fine) without control characters."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return all(ch in "\t\n\r\f" or unicodedata.category(ch) != "Cc" for ch in text)


def display_name(name: str) -> str:
    """The uploader's file name without any folder part or control characters, never empty."""
    base = os.path.basename(name.replace("\\", "/")).strip()
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    if not cleaned:
        return "upload"
    if len(cleaned) > MAX_NAME_LENGTH:
        stem, extension = _split_name(cleaned)
        return _join_name(stem[: MAX_NAME_LENGTH - len(extension) - 1], extension)
    return cleaned


def _split_name(name: str) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        return name, ""
    return stem, extension.lower()


def _join_name(stem: str, extension: str) -> str:
    name = f"{stem}.{extension}" if extension else stem
    if len(name) > MAX_NAME_LENGTH:
        name = f"{stem[: MAX_NAME_LENGTH - len(extension) - 1]}.{extension}"
    return name


def _size_of(upload: IO[bytes]) -> int:
    upload.seek(0, os.SEEK_END)
    size = upload.tell()
    upload.seek(0)
    return size


def attachment_response(completion: AssignmentCompletion | None) -> FileResponse:
    """Stream a handed-in file as a download, with the type found in its content.

    Always an attachment, never shown inline, with a sandboxing Content Security
    Policy and ``nosniff`` (global setting): even a file that slipped past the
    check could not run in the site's origin. Callers check who may see it.
    """
    if completion is None or not completion.file:
        raise Http404("No file was handed in.")
    return file_attachment(
        completion.file, file_name=completion.file_name, content_type=completion.content_type
    )


def file_attachment(
    file: FieldFile,
    *,
    file_name: str,
    content_type: str,
    types: Mapping[str, tuple[str, str]] = ALLOWED_TYPES,
) -> FileResponse:
    """Stream a checked file as a download (same safeguards as ``attachment_response``).

    A content type outside ``types`` is served as ``application/octet-stream``.
    """
    if not file:
        raise Http404("There is no file.")
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    if content_type not in types:
        content_type = "application/octet-stream"
    elif content_type == TEXT_PLAIN:
        content_type = "text/plain; charset=utf-8"
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=file_name or file.name.rsplit("/", 1)[-1],
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
