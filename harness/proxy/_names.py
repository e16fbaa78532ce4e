"""Cassette names: from a request's URL or header to a file inside the cassette folder.

A client selects its cassette with its base URL, ``http://127.0.0.1:PORT/cassettes/<name>/v1``, or with
the header ``x-harness-cassette: <name>`` when its base URL is fixed. ``<name>`` may contain ``/``, plain
or URL-encoded (``%2F``); it names ``<cassette-dir>/<name>.yaml`` (or the file itself when it ends in
``.yaml``, ``.yml`` or ``.json``). Names that would leave the folder are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from harness._errors import HarnessError

CASSETTE_HEADER = "x-harness-cassette"
PREFIX = "cassettes"
ADMIN_PREFIX = "_harness"
_SUFFIXES = (".yaml", ".yml", ".json")
_DRIVE = re.compile(r"^[A-Za-z]:")


class CassetteNameError(HarnessError):
    """A cassette name that is empty, absolute, or leaves the cassette folder."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a proxied request goes.

    Attributes:
        name: The cassette name, normalised (``/``-separated, no suffix).
        path: The request path to send upstream and to record, e.g. ``/v1/threads``.
    """

    name: str
    path: str


def cassette_name(raw: str) -> str:
    """Validate and normalise a cassette name (URL-decoded once more, so ``a%2Fb`` is ``a/b``).

    Raises:
        CassetteNameError: The name is empty, absolute, holds ``..``, a backslash or a NUL byte.
    """
    name = unquote(raw).strip()
    hint = "use a relative name such as 'typescript/streamed-run'"
    if not name:
        raise CassetteNameError(f"empty cassette name; {hint}")
    if "\x00" in name or "\\" in name:
        raise CassetteNameError(f"cassette name {name!r} holds a NUL byte or a backslash; {hint}")
    if name.startswith("/") or _DRIVE.match(name):
        raise CassetteNameError(f"cassette name {name!r} is an absolute path; {hint}")
    parts = [part for part in PurePosixPath(name).parts if part != "."]
    if any(part == ".." for part in parts):
        raise CassetteNameError(f"cassette name {name!r} holds '..'; {hint}")
    if not parts:
        raise CassetteNameError(f"empty cassette name {raw!r}; {hint}")
    name = "/".join(parts)
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)] if suffix == ".yaml" else name
    return name


def cassette_path(cassette_dir: Path, name: str) -> Path:
    """The file of cassette ``name`` (already normalised) inside ``cassette_dir``.

    Raises:
        CassetteNameError: The file would lie outside ``cassette_dir`` (through a symbolic link).
    """
    filename = name if name.endswith(_SUFFIXES) else f"{name}.yaml"
    root = cassette_dir.resolve()
    path = (root / filename).resolve()
    if not path.is_relative_to(root):
        raise CassetteNameError(f"cassette name {name!r} leads outside the cassette folder {root}")
    return path


def split_target(raw_path: str, header: str | None) -> Target:
    """The cassette and upstream path of a proxied request.

    Args:
        raw_path: The request path as sent (still percent-encoded), without the query.
        header: The value of ``x-harness-cassette``, if any.

    Raises:
        CassetteNameError: No cassette is named, or the name is refused.
    """
    segments = raw_path.split("/")[1:]
    if segments and segments[0] == PREFIX:
        try:
            end = segments.index("v1", 1)
        except ValueError:
            raise CassetteNameError(
                f"{raw_path!r} names no API path: expected /{PREFIX}/<name>/v1/..., i.e. a base URL "
                f"ending in /{PREFIX}/<name>/v1"
            ) from None
        return Target(cassette_name("/".join(segments[1:end])), "/" + "/".join(segments[end:]))
    if header:
        return Target(cassette_name(header), raw_path)
    raise CassetteNameError(
        f"no cassette named for {raw_path!r}: point the client's base URL at "
        f"http://HOST:PORT/{PREFIX}/<name>/v1, or send the header '{CASSETTE_HEADER}: <name>'"
    )
