"""Hypothesis strategies that damage valid files the way uploads get damaged.

Random bytes rarely get past the first magic-number check; mutating a valid file
(flipped bytes, cut tails, spliced junk, and for zip containers a damaged XML
member inside an intact archive) reaches the XML and spreadsheet readers.
"""
from __future__ import annotations

import io
import zipfile

from hypothesis import strategies as st


@st.composite
def mutated_bytes(draw, seed: bytes) -> bytes:
    """The seed with up to four flips, cuts or insertions."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if action == "flip":
            data[position] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[position:position + draw(st.integers(1, 64))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[position:]
    return bytes(data)


@st.composite
def mutated_zip_member(draw, seed: bytes) -> bytes:
    """An intact zip archive with one member's content damaged (XML parsers see it)."""
    with zipfile.ZipFile(io.BytesIO(seed)) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    target = draw(st.sampled_from([info.filename for info, _ in members]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in members:
            if info.filename == target:
                content = draw(mutated_bytes(content)) if content else content
            archive.writestr(info.filename, content)
    return out.getvalue()


def damaged(seed: bytes):
    """Byte-level damage, plus member-level damage when the seed is a zip (xlsx, docx)."""
    strategies = [mutated_bytes(seed)]
    if seed.startswith(b"PK\x03\x04"):
        strategies.append(mutated_zip_member(seed))
    return st.one_of(strategies)
