"""A client built at import time records and replays like the fixtures' clients, with no key."""

from __future__ import annotations

import pytest
from weather_bot.greeter import greeter_name


@pytest.mark.cassette
def test_the_import_time_client_is_recorded(cassette):
    assert greeter_name("Greeter") == "Greeter"
    assert [i.key.path for i in cassette.interactions] == ["/v1/assistants"]
