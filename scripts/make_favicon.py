"""Draw Haven's mark (render/static/icon.svg: a white house on a blue rounded square) as
`favicon.ico` (16 and 32 pixels, PNG inside ICO), with no library but zlib.

Browsers ask every site for /favicon.ico; the pages link the SVG itself. Run it again only
if the mark changes:   python3 scripts/make_favicon.py
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "haven" / "render" / "static" / "favicon.ico"
BLUE = (0x0B, 0x4F, 0x8A)
WHITE = (0xFF, 0xFF, 0xFF)
# The SVG's path, in its 32×32 units: the roof and walls, with a door cut out.
HOUSE = [(16, 5), (4, 16), (8, 16), (8, 27), (14, 27), (14, 20), (18, 20), (18, 27),
         (24, 27), (24, 16), (28, 16)]


def _inside(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _in_square(x: float, y: float, r: float = 6) -> bool:
    cx, cy = min(max(x, r), 32 - r), min(max(y, r), 32 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _pixels(size: int, samples: int = 4) -> bytes:
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # PNG filter: none
        for px in range(size):
            colour = [0.0, 0.0, 0.0]
            alpha = 0.0
            for sy in range(samples):
                for sx in range(samples):
                    x = (px + (sx + 0.5) / samples) * 32 / size
                    y = (py + (sy + 0.5) / samples) * 32 / size
                    if not _in_square(x, y):
                        continue
                    rgb = WHITE if _inside(x, y, HOUSE) else BLUE
                    alpha += 1
                    for i in range(3):
                        colour[i] += rgb[i]
            n = samples * samples
            rows += bytes(round(c / alpha) if alpha else 0 for c in colour)
            rows.append(round(255 * alpha / n))
    return bytes(rows)


def _png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(_pixels(size), 9)) + chunk(b"IEND", b""))


def favicon() -> bytes:
    images = [_png(16), _png(32)]
    out = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, data in zip((16, 32), images, strict=True):
        out += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return out + b"".join(images)


if __name__ == "__main__":
    OUT.write_bytes(favicon())
    print(f"{OUT}: {OUT.stat().st_size} bytes")
