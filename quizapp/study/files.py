"""Images and PDFs for study materials: checked by their content, kept in the database.

The declared name and type of an upload are not trusted: the first bytes decide
what a file is, images must also decode, and only the formats below are kept
(no SVG: it can carry scripts). Files are served under an unguessable key.
"""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from .. import timeutil
from ..errors import DomainError
from ..extensions import db
from ..transactions import transaction
from .models import StudyFile, StudyMaterial

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_PDF_BYTES = 15 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
# An upload no material uses (an image left out of the text, a PDF never attached)
# is deleted this long after it was uploaded.
UNUSED_AFTER = timedelta(days=7)

IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}


class UploadError(DomainError):
    """An upload refused, with the Chinese reason shown next to the upload button."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message, status, "bad_upload")


@dataclass(frozen=True)
class Sniffed:
    kind: str
    content_type: str


def sniff(data: bytes) -> Sniffed | None:
    """What the bytes are (image or PDF by magic number), or None."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image", "image/png")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image", "image/jpeg")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image", "image/gif")
    if head.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return Sniffed("image", "image/webp")
    # PDF readers accept the header anywhere in the first 1024 bytes; so does pdf.js.
    if b"%PDF-" in data[:1024]:
        return Sniffed("pdf", "application/pdf")
    return None


def _check_image(data: bytes, content_type: str) -> None:
    """The image must decode as the type its magic number claims, within a sane size."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if IMAGE_TYPES.get(image.format) != content_type:
                raise UploadError("图片已损坏或格式不受支持，请上传 PNG、JPEG、GIF 或 WebP 图片。")
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise UploadError("图片尺寸太大（超过4000万像素），请缩小后再上传。")
            image.verify()
    except UploadError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadError("图片已损坏或格式不受支持，请上传 PNG、JPEG、GIF 或 WebP 图片。") from None


def _checked(filename: str, data: bytes, want: str | None) -> Sniffed:
    if not data:
        raise UploadError("文件是空的，请重新选择。")
    found = sniff(data)
    if found is None or (want is not None and found.kind != want):
        if want == "image":
            raise UploadError("文件内容不是图片，请上传 PNG、JPEG、GIF 或 WebP 图片（以文件内容为准，不看扩展名）。")
        if want == "pdf":
            raise UploadError("文件内容不是PDF，请上传PDF文件（以文件内容为准，不看扩展名）。")
        raise UploadError("只能上传图片（PNG、JPEG、GIF、WebP）或PDF文件（以文件内容为准，不看扩展名）。")
    limit = MAX_IMAGE_BYTES if found.kind == "image" else MAX_PDF_BYTES
    if len(data) > limit:
        what = "图片" if found.kind == "image" else "PDF文件"
        raise UploadError(f"{what}太大：{len(data) / 1048576:.1f} MB，最大 {limit // 1048576} MB。", 413)
    if found.kind == "image":
        _check_image(data, found.content_type)
    return found


def _clean_name(filename: str, kind: str) -> str:
    """The name shown to readers: no path, no control characters, not empty."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:200]
    return name or ("图片" if kind == "image" else "附件.pdf")


def store_upload(actor, filename: str, data: bytes, want: str | None = None) -> StudyFile:
    """Keep an uploaded image or PDF after checking its content; ``want`` limits the kind. Commits."""
    found = _checked(filename, data, want)
    item = StudyFile(key=secrets.token_urlsafe(24), kind=found.kind, content_type=found.content_type,
                     filename=_clean_name(filename, found.kind), size=len(data), data=data,
                     uploader_id=getattr(actor, "id", None))
    with transaction():
        sweep_unused()
        db.session.add(item)
    return item


def sweep_unused() -> int:
    """Delete uploads older than UNUSED_AFTER that no material uses: not attached, and
    their URL in no material's text (in the caller's transaction). Returns how many."""
    # LIKE treats "_" in a key as a wildcard: at worst a file is kept, never lost.
    used = sa.select(StudyMaterial.id).where(StudyMaterial.body_html.contains(StudyFile.key))
    result = db.session.execute(sa.delete(StudyFile).where(
        StudyFile.material_id.is_(None), StudyFile.created_at < timeutil.now() - UNUSED_AFTER,
        ~used.exists()).execution_options(synchronize_session=False))
    return result.rowcount


def by_key(key: str) -> StudyFile | None:
    """The file with this key, or None."""
    return db.session.scalar(sa.select(StudyFile).where(StudyFile.key == key))


def by_keys(keys: list[str]) -> list[StudyFile]:
    """The files with these keys, in their order (unknown keys left out), in one query."""
    found = {f.key: f for f in db.session.scalars(sa.select(StudyFile).where(StudyFile.key.in_(keys)))} if keys else {}
    return [found[key] for key in keys if key in found]


def attach_pdfs(actor, material: StudyMaterial, keys: list[str]) -> None:
    """Make the material's PDF attachments exactly these, in this order (in the caller's
    transaction). A key must name a PDF this publisher uploaded and nobody attached yet,
    or one already attached to this material."""
    from .materials import StudyError

    wanted = list(dict.fromkeys(k for k in keys if k))
    files = {f.key: f for f in db.session.scalars(sa.select(StudyFile).where(StudyFile.key.in_(wanted)))} \
        if wanted else {}
    chosen = []
    for key in wanted:
        item = files.get(key)
        mine = item is not None and item.material_id is None and item.uploader_id == getattr(actor, "id", None)
        if item is None or item.kind != "pdf" or not (mine or (material.id and item.material_id == material.id)):
            raise StudyError("PDF附件不存在或已失效，请重新上传。", field="attachments")
        chosen.append(item)
    for position, item in enumerate(chosen):
        item.position = position
    material.attachments = chosen
