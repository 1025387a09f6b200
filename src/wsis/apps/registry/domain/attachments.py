"""Attachments: only PDF, PNG and JPEG (recognised by their first bytes, not by the name the browser sends),
up to WSIS_REGISTRY_ATTACHMENT_MAX_BYTES, stored under the data folder (outside the web root) under a random
name, and served by a view with headers that stop browsers from running or sniffing them."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.http import FileResponse

from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.models import Attachment, Initiative

SIGNATURES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
# The extension a file gets is the one of its recognised type, never the sender's: a PDF named page.html
# or image.svg would otherwise open as active content from the visitor's disk (issue 14).
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
SAME_TYPE = {".jpeg": "image/jpeg", **{ext: t for t, ext in EXTENSIONS.items()}}


def content_type_of(content: bytes) -> str | None:
    """The accepted type ``content`` is, by its first bytes; None when it is none of them."""
    return next((t for sig, t in SIGNATURES.items() if content.startswith(sig)), None)


def download_name(*, name: str, content_type: str) -> str:
    """``name`` without folders, quotes or control characters, ending with the extension of its type
    (``report.pdf`` stays, ``page.html`` holding a PDF becomes ``page.html.pdf``)."""
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    bare = Path("".join(c for c in last if c.isprintable() and c != '"'))
    suffix = bare.suffix if SAME_TYPE.get(bare.suffix.lower()) == content_type else ""
    ext = suffix or EXTENSIONS.get(content_type, ".bin")
    stem = (bare.stem if suffix else bare.name).strip(" .")[: 200 - len(ext)] or "attachment"
    return stem + ext


def served(path: Path, *, filename: str, content_type: str) -> FileResponse:
    """A stored upload as a download that browsers neither run, frame nor sniff as another type."""
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def storage_dir() -> Path:
    path = Path(settings.WSIS_REGISTRY_ATTACHMENT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def add_attachment(*, initiative: Initiative, name: str, content: bytes) -> Attachment:
    limit = int(settings.WSIS_REGISTRY_ATTACHMENT_MAX_BYTES)
    if len(content) > limit:
        raise RegistryError(f"file: {name} is {len(content)} bytes; the limit is {limit}")
    content_type = content_type_of(content)
    if content_type is None:
        raise RegistryError(f"file: {name} is not a PDF, PNG or JPEG file")
    stored_as = secrets.token_hex(16)
    (storage_dir() / stored_as).write_bytes(content)
    safe_name = download_name(name=name, content_type=content_type)
    return Attachment.objects.create(
        initiative=initiative,
        name=safe_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_as=stored_as,
    )


def attachment_path(*, attachment: Attachment) -> Path:
    return storage_dir() / attachment.stored_as
