"""The snapshot fixtures: syrupy's ``snapshot`` with the harness's extensions.

``harness/_plugin.py`` re-exports these; the extensions are imported when a fixture is first used.
syrupy comes with the ``snapshots`` extra: without it, using a fixture fails the test with an error that
names the extra (not pytest's "fixture 'snapshot' not found").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from syrupy.assertion import SnapshotAssertion


def _syrupy_snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    snapshot: SnapshotAssertion = request.getfixturevalue("snapshot")
    return snapshot


@pytest.fixture
def assistants_snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    """syrupy's ``snapshot`` for Assistants objects and payloads, stored as normalised JSON.

    Takes SDK objects and pages, contract models, lists, dicts and JSON text. Ids become stable
    placeholders (``asst_1``, ``thread_1``, ``msg_1`` …) and timestamps ``"<timestamp>"``, so a
    re-recorded scenario gives the same snapshot. One file per snapshot under
    ``__snapshots__/<test file>/<test>.json``; ``pytest --snapshot-update`` writes them::

        def test_assistant(openai_client, assistants_snapshot):
            assert openai_client.beta.assistants.create(model="gpt-4o") == assistants_snapshot
    """
    from harness.snapshots._extensions import AssistantsSnapshotExtension

    extension: SnapshotAssertion = _syrupy_snapshot(request).use_extension(AssistantsSnapshotExtension)
    return extension


@pytest.fixture
def stream_snapshot(request: pytest.FixtureRequest) -> SnapshotAssertion:
    """syrupy's ``snapshot`` for streamed runs, stored as a one-line-per-event transcript.

    Takes SSE text or bytes, a list of ``{"event", "data"}`` dicts or the SDK's stream events; deltas
    are folded into the text or arguments they build and ids are normalised. One file per snapshot
    under ``__snapshots__/<test file>/<test>.txt``; ``pytest --snapshot-update`` writes them::

        def test_stream(openai_client, thread, assistant, stream_snapshot):
            runs = openai_client.beta.threads.runs
            with runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
                assert list(stream) == stream_snapshot
    """
    from harness.snapshots._extensions import StreamSnapshotExtension

    extension: SnapshotAssertion = _syrupy_snapshot(request).use_extension(StreamSnapshotExtension)
    return extension
