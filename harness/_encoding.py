"""Content encodings: undoing ``Content-Encoding`` on a stored or received body.

Shared by the recorder (which stores bodies decoded) and the cassette readers of ``harness verify``
(which meet gzip bodies stored as binary). gzip and deflate need only the standard library; ``zstd``
needs Python 3.14's ``compression.zstd`` or the ``zstandard`` module, ``br`` a brotli module — the same
modules that make httpx ask for those encodings. A body that cannot be decoded raises ``ValueError``: the
recorder then refuses to store it rather than store bytes it cannot scrub.
"""

from __future__ import annotations

import gzip
import zlib


def decode_content(body: bytes, content_encoding: str | None) -> bytes:
    """Undo ``Content-Encoding`` (gzip, deflate, zstd and br when their modules are installed).

    Bodies that are already decoded (a recorder that stored what the client saw while keeping the
    header) are returned unchanged: gzip and zstd are recognised by their magic bytes, deflate and br by
    trying, and only text (UTF-8) is taken for already decoded.

    Raises:
        ValueError: The body claims an encoding it does not have, or needs a module that is missing.
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
            else:
                _already_decoded(body, coding)
        elif coding == "deflate":
            body = _inflate(body)
        elif coding == "br":
            body = _unbrotli(body)
        elif coding == "zstd":
            body = _unzstd(body)
        else:
            raise ValueError(
                f"unknown Content-Encoding {coding!r}; expected gzip, deflate, br, zstd or identity"
            )
    return body


def _already_decoded(body: bytes, coding: str, why: str = "") -> bytes:
    """``body`` when it is text a client already decoded; else the error that it cannot be decoded."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"the {coding}-encoded body does not decompress{why}") from None
    return body


_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _unzstd(body: bytes) -> bytes:
    if body[:4] != _ZSTD_MAGIC:
        return _already_decoded(body, "zstd")
    try:
        from compression import zstd  # type: ignore[import-not-found,unused-ignore]  # Python 3.14+

        try:
            result: bytes = zstd.decompress(body)
        except zstd.ZstdError as error:
            raise ValueError(f"the zstd-encoded body does not decompress: {error}") from error
        return result
    except ImportError:
        pass
    try:
        import zstandard  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise ValueError(
            "the body is zstd-encoded and no zstd module is installed (Python 3.14's compression.zstd, "
            "or `pip install zstandard`)"
        ) from None
    try:
        decoded: bytes = zstandard.ZstdDecompressor().decompressobj().decompress(body)
    except zstandard.ZstdError as error:
        raise ValueError(f"the zstd-encoded body does not decompress: {error}") from error
    return decoded


def _inflate(body: bytes) -> bytes:
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):
        try:
            return zlib.decompress(body, wbits)
        except zlib.error:
            continue
    return _already_decoded(body, "deflate")


def _unbrotli(body: bytes) -> bytes:
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        try:
            import brotlicffi as brotli  # type: ignore[import-not-found]
        except ImportError:
            return _already_decoded(body, "br", " and no brotli module is installed (`pip install brotli`)")
    try:
        result: bytes = brotli.decompress(body)
    except Exception:  # brotli raises its own error type; decoded text does not decompress either
        return _already_decoded(body, "br")
    return result
