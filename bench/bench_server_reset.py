"""Fresh embedded-server state per test: resetting one running server vs starting a server per test.

Usage: python bench/bench_server_reset.py

The pytest plugin resets the session's server before each recording test (``RunningServer.reset``);
the alternative is ``serve_in_thread()`` per test (uvicorn start and stop). Both are timed here, each
followed by one request, as a test's first request would be.
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import starlette
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median, table, timed

from harness.server import serve_in_thread

REPEAT = 30


def main() -> None:
    with serve_in_thread() as server, httpx.Client() as client:

        def reset() -> None:
            server.reset("tests/test_app.py::test_one")
            client.get(server.base_url + "/assistants").raise_for_status()

        reset_times = timed(reset, repeat=REPEAT)

    def fresh_server() -> None:
        with serve_in_thread() as fresh, httpx.Client() as client:
            client.get(fresh.base_url + "/assistants").raise_for_status()

    start_times = timed(fresh_server, repeat=REPEAT)
    print(f"uvicorn {uvicorn.__version__}, starlette {starlette.__version__}, httpx {httpx.__version__}")
    print(
        table(
            ["fresh state per test", f"median of {REPEAT}", "ratio"],
            [
                ["reset the running server", f"{median(reset_times) * 1000:.2f} ms", "1.0"],
                [
                    "a new server per test",
                    f"{median(start_times) * 1000:.2f} ms",
                    f"{median(start_times) / median(reset_times):.0f}x",
                ],
            ],
        )
    )


if __name__ == "__main__":
    main()
