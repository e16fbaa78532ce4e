"""The checks of the stateful check, shared by its rules: answers that can be relied on, what a write
returns, what a read gives back, deletions, and lists paged in both orders."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from hypothesis import strategies as st

from harness.fuzz._http import ApiCall
from harness.fuzz._session import Session
from harness.fuzz._state_model import differences

Rule = TypeVar("Rule", bound=Callable[..., None])

_LIMITS = st.integers(1, 4)
_MOST_PAGES = 200


class Unanswered(Exception):
    """The rule cannot go on: nothing to act on yet (no ``call``), or an answer it cannot rely on.

    Attributes:
        reason: Why.
        call: The call whose answer cannot be relied on, if that is why; its failing findings, if any,
            are deferred by the session.
    """

    def __init__(self, reason: str = "nothing to act on", call: ApiCall | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.call = call


class Checks:
    """What the machine checks answers with; ``session`` judges requests, ``deleted`` holds deleted ids."""

    session: Session
    deleted: set[str]

    def exchange(self, method: str, path: str, **kwargs: Any) -> ApiCall:
        """Send and judge a request; stop the rule when its answer is unusable."""
        exchange = self.session.send(method, path, **kwargs)
        if not exchange.usable:
            raise Unanswered("an unusable answer", exchange)
        return exchange

    def send(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The object a request answers with (see :meth:`exchange`)."""
        call = self.exchange(method, path, **kwargs)
        answer = call.json()
        if not isinstance(answer, dict):
            raise Unanswered("the body is not a JSON object", call)
        return answer

    def broken(self, rule_id: str, message: str, **details: Any) -> NoReturn:
        """Fail with a broken invariant about the last request."""
        self.session.violation(rule_id, message, **details)

    def applied(
        self, sent: dict[str, Any], returned: dict[str, Any], keys: tuple[str, ...], what: str
    ) -> None:
        """``write.applies``: each of ``keys`` that was sent comes back unchanged."""
        for key in keys:
            if key in sent and returned.get(key) != sent[key]:
                self.broken(
                    "write.applies",
                    f"{what} was sent {key}={show(sent[key])} but answered {key}={show(returned.get(key))}",
                    path=key,
                    expected=sent[key],
                    seen=returned.get(key),
                )

    def matches(self, known: dict[str, Any] | None, seen: dict[str, Any], what: str) -> None:
        """``retrieve.matches``: ``seen`` is ``known`` (null, empty and absent alike)."""
        if known is None:
            return
        different = [key for key in differences(known, seen) if key != "expires_at"]
        if different:
            key = different[0]
            self.broken(
                "retrieve.matches",
                f"{what} {seen.get('id')} has {key}={show(seen.get(key))}, but the last create or update "
                f"returned {show(known.get(key))}",
                path=key,
                expected=known.get(key),
                seen=seen.get(key),
            )

    def gone(self, path: str, object_id: str, answer: dict[str, Any], kind: str) -> None:
        """``delete.gone``: the delete names the object, and it answers 404 afterwards."""
        if answer.get("id") != object_id or answer.get("deleted") is not True:
            self.broken(
                "delete.gone",
                f"deleting {kind} {object_id} answered {show(answer)}: expected deleted: true with its id",
                expected={"id": object_id, "deleted": True},
                seen=answer,
            )
        self.deleted.add(object_id)
        self.session.send("GET", path, expect="gone")

    def walk(self, path: str, limit: int, order: str) -> list[dict[str, Any]]:
        """Every item of a list, page by page; checks page sizes, cursors and ``has_more``."""
        items: list[dict[str, Any]] = []
        after: str | None = None
        for _ in range(_MOST_PAGES):
            query: dict[str, Any] = {"limit": limit, "order": order}
            if after is not None:
                query["after"] = after
            page = self.send("GET", path, query=query)
            data: list[dict[str, Any]] = page["data"]
            if len(data) > limit:
                self.broken("list.limit", f"a page of {len(data)} items for limit={limit}", path="data")
            first = data[0]["id"] if data else None
            last = data[-1]["id"] if data else None
            cursors = (page.get("first_id"), page.get("last_id"))
            if cursors != (first, last):
                self.broken(
                    "list.cursors",
                    f"first_id/last_id are {cursors[0]!r}/{cursors[1]!r}, the page's first and last items "
                    f"are {first!r}/{last!r}",
                    path="first_id" if cursors[0] != first else "last_id",
                    expected=[first, last],
                    seen=list(cursors),
                )
            items += data
            if not page["has_more"]:
                return items
            if len(data) < limit:
                self.broken(
                    "list.has-more",
                    f"has_more is true on a page of {len(data)} items for limit={limit}: expected a full "
                    "page before another one",
                    path="has_more",
                    expected=False,
                    seen=True,
                )
            after = last
        self.broken("list.has-more", f"has_more still true after {_MOST_PAGES} pages", path="has_more")

    def full_list(self, data: st.DataObject, path: str, live: list[str]) -> list[dict[str, Any]]:
        """The list in both orders, checked against each other and the live objects; ascending."""
        limit = data.draw(_LIMITS, label="limit")
        descending = self.walk(path, limit, "desc")
        ascending = self.walk(path, limit, "asc")
        for items, order in ((descending, "desc"), (ascending, "asc")):
            self._complete(items, order, limit, live)
        if [item["id"] for item in ascending] != [item["id"] for item in reversed(descending)]:
            self.broken(
                "list.complete",
                "the ascending listing is not the descending one reversed",
                path="data",
                expected=[item["id"] for item in reversed(descending)],
                seen=[item["id"] for item in ascending],
            )
        return ascending

    def _complete(self, items: list[dict[str, Any]], order: str, limit: int, live: list[str]) -> None:
        ids = [item["id"] for item in items]
        twice = sorted({item for item in ids if ids.count(item) > 1})
        if twice:
            self.broken("list.complete", f"the {order} listing gives {twice[0]} more than once", path="data")
        missing = [item for item in live if item not in ids]
        if missing:
            full = bool(items) and len(items) % limit == 0
            self.broken(
                "list.has-more" if full else "list.complete",
                f"the {order} listing (limit={limit}) lacks the live object {missing[0]}"
                + (": its last page was full, yet has_more was false" if full else ""),
                path="has_more" if full else "data",
                expected=missing,
            )
        stale = sorted(set(ids) & self.deleted)
        if stale:
            self.broken("list.complete", f"the {order} listing gives the deleted {stale[0]}", path="data")


def show(item: Any) -> str:
    text = repr(item)
    return text if len(text) <= 60 else text[:57] + "..."


def answered(function: Rule) -> Rule:
    """Stop a rule when it has nothing to act on, or when an answer it needs is unusable.

    An unusable answer always carries failing findings, which the session defers to the end of the
    example; an answer that is unusable without any (a 2xx whose body is not an object the rule can
    follow) fails here, as ``transport.complete``. The preconditions only select rules by route: a rule
    whose objects do not exist yet does nothing, so that Hypothesis picks each step's rule with one draw,
    which keeps failing examples easy to shrink.
    """

    @functools.wraps(function)
    def run(machine: Checks, *args: Any, **kwargs: Any) -> None:
        try:
            function(machine, *args, **kwargs)
        except Unanswered as stop:
            if stop.call is not None and not stop.call.failing:
                machine.session.violation(
                    "transport.complete",
                    f"{stop.call.method} {stop.call.path} answered {stop.call.status} with a body the "
                    f"check cannot follow: {stop.reason}",
                    seen=stop.call.content[:200].decode("utf-8", errors="replace"),
                )

    return run  # type: ignore[return-value]
