"""HTTP headers: the one case-insensitive lookup, for every stored or received header mapping.

Cassette formats store header values as lists (vcrpy, the readers of ``harness verify``) or as plain
strings (some recorders, hand-written cassettes); names come in any case. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def header(headers: Mapping[str, object], name: str) -> str | None:
    """The first value of header ``name`` (case-insensitive), or ``None`` when it is absent.

    Args:
        headers: Header names mapped to a value or a list of values; a name with an empty list counts
            as absent.
        name: The header name, in any case.
    """
    wanted = name.lower()
    for key, values in headers.items():
        if str(key).lower() != wanted:
            continue
        if isinstance(values, list | tuple):
            if values:
                return str(values[0])
            continue
        return str(values)
    return None


def header_lists(items: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Header ``(name, value)`` pairs (httpx's ``headers.multi_items()``) as names mapped to lists of
    values, in order: the form cassettes store."""
    lists: dict[str, list[str]] = {}
    for name, value in items:
        lists.setdefault(name, []).append(value)
    return lists
