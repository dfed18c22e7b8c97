"""Fault routes (``/_faults/...`` on every replica host) and fault behaviours of pages.

Failures that "succeed on a later try" count attempts per (host, path with query), so a
test that wants a fresh failure adds a unique query string (``/_faults/503?k=t1``).
Everything is deterministic: counters and hashes of the seed, never wall-clock randomness.
"""

from __future__ import annotations

import hashlib
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator

from newsvault.replicas.messages import Request, Response, error_page, redirect

MIB = 1 << 20
OFFSITE = "http://example.invalid/"
# Article-shaped fault behaviours (see ``article_fault``); the SANA feed links one URL each.
ARTICLE_FAULTS = ("503-then-ok", "429-then-ok", "truncated-then-ok", "slow", "malformed",
                  "wrong-charset", "empty", "404", "500", "offsite", "redirect-loop")


class Counters:
    """Thread-safe attempt counters keyed by any string."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def attempt(self, key: str) -> int:
        """The 0-based number of this attempt for ``key``."""
        with self._lock:
            count = self._counts[key]
            self._counts[key] += 1
            return count


def unit(seed: int, *parts: object) -> float:
    """A deterministic number in [0, 1) from the seed and any values (not thread-order bound)."""
    digest = hashlib.sha256(":".join(map(str, (seed, *parts))).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def retry_later(status: int, retry_after: int | str = 1) -> Response:
    """A 429 or 503 with Retry-After, never cached."""
    response = error_page(status, "Temporarily unavailable, retry later.")
    response.headers.append(("Retry-After", str(retry_after)))
    return response


def fault_route(request: Request, counters: Counters) -> Response:
    """Answer ``/_faults/<name>``; unknown names are 404 with the list of names."""
    name = request.path.removeprefix("/_faults/").strip("/")
    key = f"{request.host}{request.target}"
    if name in ("429", "503"):
        failures = request.int_param("n", 1)
        if counters.attempt(key) < failures:
            return retry_later(int(name), 1)
        return _page("Recovered", f"Succeeded after {failures} failure(s).")
    handler = _FAULTS.get(name)
    if handler is None:
        return error_page(404, "Unknown fault. Known: " + ", ".join(sorted(_FAULTS)) +
                          ", 429, 503")
    return handler(request)


def _page(title: str, text: str) -> Response:
    body = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>{text}</p></body></html>")
    return Response(body=body.encode(), cacheable=False)


def _malformed(_: Request) -> Response:
    # No </head>, unclosed <p> and <div>, a stray </td>, an unterminated attribute value
    # and no </body></html>: broken, but a forgiving parser still finds the article.
    body = ("<html><head><title>Malformed page</title><body><div class=article><h1>Malformed "
            "but readable</h1><p>First paragraph of an article whose markup is broken.<p>"
            "Second paragraph, never closed</td><div class=entry><p>Third paragraph<div "
            "class=\"tail><p>Trailing garbage")
    return Response(body=body.encode(), cacheable=False)


def _wrong_charset(_: Request) -> Response:
    text = ("<html dir=\"rtl\"><head><title>دمشق</title></head><body><h1>وزارة الاقتصاد تبحث "
            "خطط الإنتاج</h1><p>دمشق-سانا</p><p>بحث وزير الاقتصاد اليوم خطط الإنتاج.</p>"
            "</body></html>")
    return Response(body=text.encode("cp1256"), content_type="text/html; charset=utf-8",
                    cacheable=False)


def _pdf(_: Request) -> Response:
    return Response(body=minimal_pdf(), content_type="application/pdf", compressible=False)


def minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _huge(request: Request) -> Response:
    size = max(1, request.int_param("mb", 1)) * MIB
    return Response(body=huge_html(size), content_length=size, cacheable=False)


def huge_html(size: int) -> Iterator[bytes]:
    """A valid HTML document of exactly ``size`` bytes, generated as it is sent."""
    head = b"<!DOCTYPE html><html><head><title>Huge page</title></head><body><article><h1>Huge</h1>"
    tail = b"</article></body></html>"
    para = b"<p>" + b"All work and no play makes a very long page. " * 22 + b"</p>\n"
    remaining = size - len(head) - len(tail)
    yield head
    while remaining > len(para) + 8:
        yield para
        remaining -= len(para)
    yield b"<p>" + b"x" * (remaining - 7) + b"</p>" + tail


_BOMB: dict[int, tuple[bytes, bytes, bytes]] = {}
_BOMB_LOCK = threading.Lock()


def _bomb_parts(mib: int) -> tuple[bytes, bytes, bytes]:
    """(one deflate block of 1 MiB of zeros, final block, gzip trailer), computed once.

    After Z_FULL_FLUSH the compressor starts afresh, so every 1 MiB block of zeros
    compresses to the same byte-aligned bytes and can simply be repeated.
    """
    with _BOMB_LOCK:
        if mib not in _BOMB:
            comp = zlib.compressobj(9, zlib.DEFLATED, -15)
            zeros = bytes(MIB)
            block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
            final = comp.flush()
            crc = 0
            for _ in range(mib):
                crc = zlib.crc32(zeros, crc)
            _BOMB[mib] = (block, final, struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF))
        return _BOMB[mib]


def _gzip_bomb(request: Request) -> Response:
    mib = max(1, request.int_param("mb", 1024))
    block, final, trailer = _bomb_parts(mib)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"

    def body() -> Iterator[bytes]:
        yield header
        for _ in range(mib):
            yield block
        yield final + trailer

    length = len(header) + mib * len(block) + len(final) + len(trailer)
    return Response(body=body(), content_length=length, cacheable=False,
                    headers=[("Content-Encoding", "gzip")])


def _slow(request: Request) -> Response:
    seconds = float(request.params.get("s", "1") or 1)
    response = _page("Slow", f"Answered after {seconds} s.")
    response.delay = seconds
    return response


def _truncated(_: Request) -> Response:
    body = ("<!DOCTYPE html><html><head><title>Truncated</title></head><body><article>"
            "<h1>Truncated</h1>" + "<p>This paragraph is sent in part only.</p>" * 40 +
            "</article></body></html>").encode()
    return Response(body=body, truncate_at=len(body) // 2, cacheable=False,
                    compressible=False)


def _loop(request: Request) -> Response:
    target = "/_faults/redirect-loop" if request.path.endswith("/b") else \
        "/_faults/redirect-loop/b"
    return redirect(f"{request.scheme}://{request.host}{target}", 302)


_FAULTS: dict[str, Callable[[Request], Response]] = {
    "404": lambda r: error_page(404, "Not found (fault route)."),
    "500": lambda r: error_page(500, "Internal server error (fault route)."),
    "empty": lambda r: Response(body=b"", cacheable=False),
    "pdf": _pdf,
    "malformed": _malformed,
    "wrong-charset": _wrong_charset,
    "huge": _huge,
    "gzip-bomb": _gzip_bomb,
    "redirect-loop": _loop,
    "redirect-loop/b": _loop,
    "offsite": lambda r: redirect(OFFSITE, 302),
    "slow": _slow,
    "truncated": _truncated,
}


def article_fault(name: str, request: Request, counters: Counters,
                  render: Callable[[], Response], slow: float) -> Response:
    """An article URL that misbehaves as ``name`` (one of ARTICLE_FAULTS)."""
    first = counters.attempt(f"{request.host}{request.target}") == 0
    if name in ("503-then-ok", "429-then-ok") and first:
        return retry_later(int(name[:3]), 1)
    if name in ("404", "500"):
        return error_page(int(name), "Fault article.")
    if name == "offsite":
        return redirect(OFFSITE, 302)
    if name == "empty":
        return Response(body=b"", cacheable=False)
    if name == "redirect-loop":
        other = request.path[:-4] if request.path.endswith("amp/") else request.path + "amp/"
        return redirect(f"https://{request.host}{other}", 302)
    response = render()
    if name == "truncated-then-ok" and first and isinstance(response.body, bytes):
        response.truncate_at, response.cacheable = len(response.body) // 2, False
        response.compressible = False
    elif name == "slow":
        response.delay = slow
    elif name == "malformed" and isinstance(response.body, bytes):
        response.body = break_html(response.body)
    return response


def break_html(page: bytes) -> bytes:
    """Cut a page after its article body and drop closing tags, as a crashed CMS would."""
    cut = page.find(b'<div class="entry-bottom')
    head = page[:cut] if cut > 0 else page
    for tag in (b"</p>", b"</div>", b"</article>", b"</body>", b"</html>"):
        head = head.replace(tag, b"")
    return head + b"<div class=\"unclosed\"><p>Trailing garbage <b><i>"

