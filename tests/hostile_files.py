"""Hostile uploads shared by the importer tests."""
from __future__ import annotations

import io
import zipfile


def declared_zip_bomb() -> bytes:
    """An xlsx-shaped zip whose directory declares a 4 GB sheet, as a real bomb's does.

    Faster than compressing gigabytes, and exactly what the size check reads.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    entry = data.rindex(b"PK\x01\x02")
    data[entry + 24:entry + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    return bytes(data)
