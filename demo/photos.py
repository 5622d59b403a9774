"""Small images for the demo's evidence and meeting records, drawn in code with Pillow (no
file from anywhere else): a meeting photo (JPEG) and a scanned sign-in sheet (PNG). The
same name and seed give the same bytes, so the demo stays the same every run."""

from __future__ import annotations

import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

WIDTH, HEIGHT = 480, 320
BANNER_RED = (190, 22, 34)
WALLS = ((236, 229, 214), (225, 232, 236), (240, 236, 226))
CLOTHES = ((40, 52, 84), (70, 70, 70), (120, 30, 30), (35, 80, 60), (200, 200, 205))


def meeting_photo(name: str, seed: str, caption: str = "") -> SimpleUploadedFile:
    """A meeting room: a red banner, a table and rows of people; `caption` (ASCII, e.g. a
    date) in the corner as a camera would print it."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (WIDTH, HEIGHT), rnd.choice(WALLS))
    draw = ImageDraw.Draw(image)
    draw.rectangle((50, 18, WIDTH - 50, 58), fill=BANNER_RED)
    for x in range(70, WIDTH - 70, 22):  # the banner's characters, as yellow blocks
        draw.rectangle((x, 30, x + 14, 46), fill=(245, 205, 60))
    draw.rectangle((0, 230, WIDTH, HEIGHT), fill=(150, 120, 90))  # floor
    for row, (y, size) in enumerate(((120, 16), (175, 20))):
        count = rnd.randint(5, 8) - row
        step = (WIDTH - 80) // max(count, 1)
        for index in range(count):
            x = 40 + step * index + rnd.randint(0, step // 3)
            draw.ellipse((x, y, x + size, y + size), fill=(60, 45, 35))
            draw.rectangle((x - 6, y + size, x + size + 6, y + size * 3), fill=rnd.choice(CLOTHES))
    draw.rectangle((30, 225, WIDTH - 30, 250), fill=(120, 72, 40))  # table
    if caption:
        draw.text((WIDTH - 110, HEIGHT - 22), caption, fill=(255, 140, 0))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=75)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def sign_in_sheet(name: str, seed: str, rows: int = 12) -> SimpleUploadedFile:
    """A scanned page: a title bar and a ruled table with handwriting-like strokes."""
    rnd = random.Random(seed)
    image = Image.new("L", (360, 480), 246)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 24, 300, 40), fill=90)
    top, height = 70, 30
    for index in range(rows + 1):
        draw.line((30, top + index * height, 330, top + index * height), fill=120)
    for x in (30, 90, 220, 330):
        draw.line((x, top, x, top + rows * height), fill=120)
    for index in range(rows):
        y = top + index * height + 12
        for left, right in ((100, 210), (230, 320)):
            end = rnd.randint(left + 30, right)
            draw.line((left, y + rnd.randint(-2, 2), end, y + rnd.randint(-2, 2)), fill=40)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
