"""The seed's scenarios, replayed from the committed cassettes in
cassettes/tests/demo/test_scenario_cassettes/.

They were recorded by this very test against the embedded server
(``pytest tests/demo/test_scenario_cassettes.py --record-mode=rewrite``); every run of the suite
replays them offline through the plugin, with the contracts and the stream grammar checked.
"""

from __future__ import annotations

import openai
import pytest

from harness.demo import SCENARIOS
from harness.recording import Cassette


@pytest.mark.cassette(unused="fail")
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario(name: str, openai_client: openai.OpenAI, cassette: Cassette) -> None:
    outcome = SCENARIOS[name](openai_client)
    assert outcome.status == "completed"
    assert outcome.reply
    assert cassette.interactions, "the scenario made no request"
    if cassette.replay_only:
        assert all(interaction.plays for interaction in cassette.interactions)
