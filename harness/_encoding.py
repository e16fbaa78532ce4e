"""Content encodings: undoing ``Content-Encoding`` on a stored or received body.

Shared by the recorder (which stores bodies decoded) and the cassette readers of ``harness verify``
(which meet gzip bodies stored as binary). Standard library only; ``br`` needs a brotli module.
"""

from __future__ import annotations

import gzip
import zlib


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """Undo ``Content-Encoding`` (gzip, deflate, br when a brotli module is installed).

    Bodies that are already decoded (a recorder that stored what the client saw while keeping the
    header) are returned unchanged: gzip is recognised by its magic bytes, deflate and br by trying.

    Raises:
        ValueError: The body claims an encoding it does not have, or br without a brotli module.
    """
    if not content_encoding or not body:
        return body
    codings = [coding.strip().lower() for coding in content_encoding.split(",") if coding.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            if body[:2] == b"\x1f\x8b":
                try:
                    body = gzip.decompress(body)
                except (OSError, EOFError, zlib.error) as error:
                    raise ValueError(f"the gzip-encoded body does not decompress: {error}") from error
        elif coding == "deflate":
            body = _inflate(body)
        elif coding == "br":
            body = _unbrotli(body)
        else:
            raise ValueError(f"unknown Content-Encoding {coding!r}; expected gzip, deflate, br or identity")
    return body


def _inflate(body: bytes) -> bytes:
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        try:
            return zlib.decompress(body, wbits)
        except zlib.error:
            continue
    return body


def _unbrotli(body: bytes) -> bytes:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        try:
            import brotlicffi as brotli  # type: ignore[import-not-found]
        except ImportError:
            if body[:1] in (b"{", b"[", b"e", b"d", b":"):
                return body  # already decoded text
            raise ValueError(
                "the body is br-encoded and no brotli module is installed; run `pip install brotli`"
            ) from None
    try:
        result: bytes = brotli.decompress(body)
    except Exception:  # brotli raises its own error type; an undecodable body is probably decoded text
        return body
    return result
