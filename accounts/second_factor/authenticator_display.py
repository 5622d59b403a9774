"""What the enrolment page shows an authenticator app: the QR code and the typed key."""

from __future__ import annotations

from base64 import b32encode

import qrcode
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

#: the code's height on the page; its width fills the card and the code sits centred in it
QR_HEIGHT = "220"


def qr_svg(text: str, label: str) -> SafeString:
    """`text` as a QR code in inline SVG markup, drawn on the server: no image request,
    no data: URI and no style attribute, so nothing for the Content-Security-Policy to
    block and nothing fetched from outside the intranet."""
    code = qrcode.QRCode(border=4, image_factory=SvgPathFillImage)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image()
    svg = image.get_image()
    # Presentation attributes only; the viewBox keeps the code square and centred.
    svg.set("width", "100%")
    svg.set("height", QR_HEIGHT)
    svg.set("role", "img")
    svg.set("aria-label", label)
    # The serializer escapes the label; everything else is markup qrcode generated.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps where the key is typed."""
    key = b32encode(device.bin_key).decode("ascii")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))
