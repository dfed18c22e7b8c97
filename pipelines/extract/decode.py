"""Bytes to text: HTTP charset, BOM, ``<meta>`` charset, then detection.

Old Arabic news stacks served ``windows-1256`` under a ``utf-8`` label (or the reverse),
so a declared charset is only believed when the bytes agree with it. The archive keeps
the bytes untouched; this only decides how to read them.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

# Where the encoding came from, strongest first.
BOM = "bom"
HEADER = "header"
META = "meta"
DETECTED = "detected"
DEFAULT = "default"

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"),
         (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# <meta charset=x> and <meta http-equiv=Content-Type content="...; charset=x">; the HTML
# standard only looks at the first 1024 bytes, real pages put it later, so scan 4 KB.
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_SNIFF_BYTES = 4096
# A declared single-byte charset whose text scores above this is mojibake (cp1256 Arabic read
# as latin-1 scores about 0.3; genuine text scores 0).
_MAX_MESS = 0.15


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the Python codec name used, and how it was chosen (``bom``,
    ``header``, ``meta``, ``detected`` or ``default``)."""

    text: str
    encoding: str
    source: str


def codec_name(label: str | None) -> str | None:
    """The canonical codec name for a charset label, or None when Python has no codec.

    ``iso-8859-1`` and ``us-ascii`` labels are read as ``windows-1252`` as browsers do
    (the WHATWG Encoding standard), since servers mislabel cp1252 pages that way.
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The charset declared by the first ``<meta>`` in the head of the document."""
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML payload: BOM, then the header charset, then ``<meta>``, each
    believed only when the bytes agree, then detection; UTF-8 with replacement last."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(name, "replace"), codec_name(name) or name, BOM)
    declared = ((codec_name(header_charset(content_type)), HEADER),
                (codec_name(meta_charset(body)), META))
    for label, source in declared:
        if label and _fits(body, label):
            return Decoded(body.decode(label), label, source)
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii", DEFAULT)
    if _is_utf8(body):
        # Valid non-ASCII UTF-8 is almost never an accident of another charset.
        return Decoded(body.decode("utf-8"), "utf-8", DETECTED)
    best = from_bytes(body).best()
    if best is not None and best.encoding:
        name = codec_name(best.encoding) or best.encoding
        return Decoded(body.decode(name, "replace"), name, DETECTED)
    return Decoded(body.decode("utf-8", "replace"), "utf-8", DEFAULT)


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _fits(body: bytes, name: str) -> bool:
    """Whether the bytes agree with a declared charset."""
    try:
        text = body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return False
    if name.startswith("utf") or body.isascii():
        return True
    if _is_utf8(body):
        # UTF-8 bytes under a legacy label: the label is wrong.
        return False
    return mess_ratio(_letters_sample(text)) <= _MAX_MESS


def _letters_sample(text: str) -> str:
    """Visible text without markup, so tags and scripts do not dilute the mess score."""
    stripped = re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
    non_ascii = [i for i, ch in enumerate(stripped) if ord(ch) > 127]
    if not non_ascii:
        return stripped[:2000]
    start = max(non_ascii[0] - 200, 0)
    return stripped[start:start + 4000]
