"""Fuzzing: Hypothesis strategies derived from the contract models, and fuzz sessions against a server.

- :func:`run_fuzz` sends generated valid and invalid requests to every route of an Assistants-compatible
  server, optionally runs the stateful check (random call sequences against a model of the server), and
  returns a :class:`FuzzReport` with each failure's shortest reproduction. ``harness fuzz`` is its CLI.
- The strategies themselves are public in :mod:`harness.strategies`.
- Importing this package registers two Hypothesis profiles (:func:`register_profiles`): ``dev`` and
  ``ci``; :func:`stable_generation` makes a seed generate the same examples whatever modules are loaded.
  Rules of the fuzzer beyond contracts and grammar are listed in :data:`FUZZ_RULES`.

See docs/fuzz.md.
"""

from __future__ import annotations

from harness._extras import missing_extra

try:
    from hypothesis import HealthCheck, settings
except ModuleNotFoundError as error:  # installed with assistants-harness[fuzz]
    raise missing_extra(error, "harness.fuzz (harness fuzz)") from None

from harness.fuzz._fuzz_rules import FUZZ_RULES
from harness.fuzz._report import FailingCase, FuzzReport, dumps_report, render_text, to_json
from harness.fuzz._runner import EMBEDDED, run_fuzz, stable_generation
from harness.fuzz._session import FuzzFailure

__all__ = [
    "EMBEDDED",
    "FUZZ_RULES",
    "FailingCase",
    "FuzzFailure",
    "FuzzReport",
    "dumps_report",
    "register_profiles",
    "render_text",
    "run_fuzz",
    "stable_generation",
    "to_json",
]


def register_profiles() -> None:
    """Register the Hypothesis profiles ``dev`` and ``ci`` (done on import of :mod:`harness.fuzz`).

    - ``dev``: 25 examples, no deadline, no ``too_slow`` health check; random, with the example database,
      for exploring locally.
    - ``ci``: derandomized (the same examples every run), no example database, no deadline, no
      ``too_slow`` health check, and the reproduction blob printed on failure: what a recorded cassette
      needs to replay in CI.

    Load one with ``settings.load_profile("ci")`` or ``pytest --hypothesis-profile=ci`` (import
    ``harness.fuzz`` or ``harness.strategies`` in ``conftest.py`` first).
    """
    # Explicitly random: with CI set, Hypothesis's own defaults are derandomized, and ``dev`` must not be.
    settings.register_profile(
        "dev",
        parent=settings.get_profile("default"),
        max_examples=25,
        derandomize=False,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "ci",
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )


register_profiles()
