"""How long ``harness verify`` takes over the real recordings in ``../shared/real-cassettes``.

Run ``python bench/bench_verify.py [PATH...] [--repeat N]`` from the project root. It reports the
wall-clock time of reading and checking every cassette (the best of N runs, in-process, imports
excluded) and of one ``harness verify`` run as a fresh process (imports included). The target is under
5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from harness.verify import cassette_files, read_recording, verify

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "real-cassettes"


def main() -> int:
    """Time reading alone, verify in-process, and the ``harness verify`` command."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT], help="cassettes or folders")
    parser.add_argument("--repeat", type=int, default=3, help="in-process runs; the best is reported")
    args = parser.parse_args()
    missing = [path for path in args.paths if not path.exists()]
    if missing:
        print(f"not found: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2

    files = cassette_files(args.paths)
    read_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        for path in files:
            read_recording(path)
        read_times.append(time.perf_counter() - start)

    verify_times = []
    report = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = verify(args.paths, baseline=None)
        verify_times.append(time.perf_counter() - start)
    assert report is not None

    command = [sys.executable, "-m", "harness", "verify", "--no-baseline", "--format", "json"]
    start = time.perf_counter()
    subprocess.run([*command, *map(str, args.paths)], capture_output=True, check=False)
    process_time = time.perf_counter() - start

    print(
        f"{len(report.files)} files, {report.interactions} interactions, {report.events} stream events, "
        f"{len(report.findings)} findings"
    )
    print(f"read only          best {min(read_times):6.3f} s")
    print(f"verify in-process  best {min(verify_times):6.3f} s")
    print(f"harness verify     once {process_time:6.3f} s (fresh process, imports included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
