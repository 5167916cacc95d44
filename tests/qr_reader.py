"""Read QR codes back from images in tests, as a phone's scanner would (zxing-cpp)."""
from __future__ import annotations

import io

import zxingcpp
from PIL import Image


def read_qr(image: bytes) -> str:
    """The text of the one QR code in a PNG (or any image Pillow opens); fails unless exactly one."""
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, f"expected one QR code in the image, found {len(found)}"
    return found[0].text
