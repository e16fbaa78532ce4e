"""One cassette as the proxy holds it: shared by every client that names it, until it is ejected.

A session wraps a :class:`~harness.recording.Cassette` (lookup, poll order, scrubbing, atomic saves all
come from there) with what a long-lived server adds: a lock so that concurrent clients see polls in
recorded order, a save after every recorded interaction (a killed runner loses nothing), the recording
lock of ``recording/_locks.py`` while it records (two recordings never share a cassette, whether the
proxy or the pytest plugin makes them), and the findings of the contract and grammar checks, reported
as they happen.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from harness._findings import Finding
from harness.recording._cassette import Cassette, Interaction
from harness.recording._config import ContractsMode, RecordMode
from harness.recording._locks import CassetteLocks
from harness.recording._recorder import Checker, interaction_findings
from harness.recording._redaction import Redactor

Accepts = Callable[[Finding], bool]
"""Whether a drift finding is listed in the drift baseline."""


class CassetteSession:
    """A cassette served to any number of clients at once.

    Args:
        name: The cassette's name as clients give it.
        path: Its file.
        record_mode: See :data:`~harness.recording.RecordMode`.
        redactor: The scrubbing rules.
        contracts: See :data:`~harness.recording.ContractsMode`.
        check: The exchange checker (:func:`harness.verify.check_exchange`), or ``None``.
        accepts: Whether the drift baseline lists a drift finding.
        report: Where findings are written as they happen (default: standard error).
    """

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        record_mode: RecordMode,
        redactor: Redactor,
        contracts: ContractsMode,
        check: Checker | None,
        accepts: Accepts | None = None,
        report: IO[str] | None = None,
    ) -> None:
        self.name = name
        self.contracts: ContractsMode = contracts
        self._check = check
        self._accepts = accepts
        self._report = report
        self.lock = threading.RLock()
        self.cassette = Cassette(
            path,
            record_mode=record_mode,
            redactor=redactor,
            rerecord_hint="harness proxy --record-mode new_episodes (or rewrite, to start it over)"
            if path.is_file()
            else "harness proxy --record-mode once",
        )
        self.findings: list[Finding] = []
        self.unmatched: list[str] = []
        """Requests replay did not hold (``METHOD /path``), in the order they came."""
        self._checked: set[int] = set()
        self._locks = CassetteLocks()
        if not self.cassette.replay_only:
            self._locks.acquire(self.cassette.path, f"harness proxy (cassette {name!r})")

    # -- recording -------------------------------------------------------------------------------

    def recorded(self, interaction: Interaction) -> None:
        """A recorded interaction is complete: save the cassette atomically and check it."""
        with self.lock:
            self.cassette.save()
        self.check(interaction)

    # -- checks ----------------------------------------------------------------------------------

    def check(self, interaction: Interaction) -> list[Finding]:
        """Check an interaction (once) and report its findings; returns the new findings."""
        if self._check is None or self.contracts == "off" or interaction.response is None:
            return []
        with self.lock:
            if id(interaction) in self._checked:
                return []
            self._checked.add(id(interaction))
            number = self.cassette.interactions.index(interaction)
        located = interaction_findings(self._check, interaction, self.cassette.path, number)
        with self.lock:
            self.findings.extend(located)
        stream = self._report if self._report is not None else sys.stderr
        for finding in located:
            if not self.fails(finding):
                continue  # drift that does not fail: in the verdict, not on the terminal
            print(
                f"harness proxy: FAIL {finding.severity} at {finding.location} "
                f"({finding.route or '-'}): {finding.message}",
                file=stream,
                flush=True,
            )
        return located

    def fails(self, finding: Finding) -> bool:
        """Whether ``finding`` fails the cassette under the contracts mode and the drift baseline."""
        if self.contracts == "off":
            return False
        if finding.severity == "violation":
            return True
        if self.contracts != "strict":
            return False
        return not (self._accepts is not None and self._accepts(finding))

    # -- verdict ---------------------------------------------------------------------------------

    def verdict(self) -> dict[str, Any]:
        """``{played, unused, recorded, findings}`` and a little more, as the admin API returns it."""
        with self.lock:
            cassette = self.cassette
            numbered = {id(item): number for number, item in enumerate(cassette.interactions)}

            def describe(items: list[Interaction]) -> list[str]:
                return [f"#{numbered[id(item)]} {item.key.describe()}" for item in items]

            findings = [dict(finding.to_dict(), fails=self.fails(finding)) for finding in self.findings]
            failing = sum(1 for finding in findings if finding["fails"]) + len(self.unmatched)
            return {
                "cassette": self.name,
                "path": str(cassette.path),
                "record_mode": cassette.record_mode,
                "played": describe(cassette.played),
                "unused": describe(cassette.unused),
                "recorded": describe([item for item in cassette.recorded if item.response is not None]),
                "findings": findings,
                "unmatched": list(self.unmatched),
                "failing": failing,
                "passed": failing == 0,
            }

    def close(self) -> None:
        """Save what is not on disk yet and release the recording lock."""
        with self.lock:
            try:
                if self.cassette.dirty and any(item.response for item in self.cassette.recorded):
                    self.cassette.save()
            finally:
                self._locks.release_all()
