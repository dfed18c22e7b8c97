"""Tiny placeholder images for the replica CDNs (built by hand: no imaging library needed)."""

from __future__ import annotations

import struct
import zlib
from functools import cache

from newsvault.replicas.messages import Request, Response, error_page


@cache
def jpeg() -> bytes:
    """A valid 8x8 grey baseline JPEG: one block, DC 0, end-of-block, 125 bytes."""
    quant = b"\xff\xdb\x00\x43\x00" + b"\x01" * 64
    frame = b"\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00"
    # One Huffman code of length 1 per table: symbol 0 (DC category 0 / AC end-of-block).
    dc = b"\xff\xc4\x00\x14\x00\x01" + b"\x00" * 15 + b"\x00"
    ac = b"\xff\xc4\x00\x14\x10\x01" + b"\x00" * 15 + b"\x00"
    scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + quant + frame + dc + ac + scan + b"\x3f" + b"\xff\xd9"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def png() -> bytes:
    """A valid 1x1 grey PNG."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) +
            _chunk(b"IDAT", zlib.compress(b"\x00\x80")) + _chunk(b"IEND", b""))


def image(request: Request) -> Response:
    """Serve a placeholder for any .jpg/.jpeg/.png/.gif path, 404 otherwise."""
    path = request.path.lower()
    if path.endswith((".jpg", ".jpeg")):
        return Response(body=jpeg(), content_type="image/jpeg", compressible=False)
    if path.endswith((".png", ".gif")):
        return Response(body=png(), content_type="image/png", compressible=False)
    return error_page(404, "No such file.")
