"""Run the tests of each mutant mutmut stopped as a timeout again, in a fresh pytest process
(not a fork of mutmut's), and keep that verdict.

mutmut forks one child per mutant from a process that has run the whole suite; such children
hang when their tests parse more than a few Dockerfiles: the `dockerfile` package is BuildKit's
parser built as a Go shared library, and a Go runtime started before fork() does not survive
it (a parent that parsed once, then forked: 3 of 3 children finished their first parse and
never their 10th within 8 s; gdb showed a stuck child inside dockerfile.abi3.so). mutmut stops
them at its time limit and counts a kill. Seen here: dockerfile_pins' `continue` -> `break` in
_global_args was stopped twice, yet its 125 tests pass in 1.5 s when run on their own. Each
timeout is therefore run again with its tests alone: passing makes it a survivor, failing a
kill, and only a run that still outlasts the limit stays a timeout.

    python -m tests.mutation.recheck [--root DIR] [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.mutation.score import TIMEOUT, function_of, load_results, module_of

LIMIT = 20.0  # several times what the slowest module's tests take in a fresh process here
JOBS = 2
# mutmut's own exit codes for the verdicts written back.
SURVIVED_CODE, KILLED_CODE = 0, 1


def verdict(root: Path, mutant: str, tests: Sequence[str], limit: float) -> int | None:
    """mutmut's exit code for `mutant` after running `tests` in a fresh process; None when
    they still run past `limit` seconds."""
    mutants = root / "mutants"
    env = dict(os.environ, MUTANT_UNDER_TEST=mutant, PYTHONPATH=str(mutants))
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
    command += ["-p", "no:randomly", "--rootdir=.", *tests]
    try:
        done = subprocess.run(command, cwd=mutants, env=env, capture_output=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return None
    return SURVIVED_CODE if done.returncode == 0 else KILLED_CODE


def recheck(root: Path, limit: float, jobs: int = JOBS) -> list[tuple[str, int | None]]:
    """Run every timeout again and write its new verdict into mutmut's result files."""
    stats = json.loads((root / "mutants" / "mutmut-stats.json").read_text(encoding="utf-8"))
    tests_of = stats["tests_by_mangled_function_name"]
    timeouts = [m for m, status in sorted(load_results(root).items()) if status == TIMEOUT]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = pool.map(
            lambda m: verdict(root, m, sorted(tests_of.get(function_of(m), [])), limit), timeouts
        )
        found = list(zip(timeouts, codes, strict=True))
    for mutant, code in found:
        if code is None:
            continue
        meta = root / "mutants" / (module_of(mutant).replace(".", "/") + ".py.meta")
        data = json.loads(meta.read_text(encoding="utf-8"))
        data["exit_code_by_key"][mutant] = code
        meta.write_text(json.dumps(data, indent=4), encoding="utf-8")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--limit", type=float, default=LIMIT)
    parser.add_argument("--jobs", type=int, default=JOBS)
    args = parser.parse_args(argv)
    found = recheck(args.root, args.limit, args.jobs)
    words = {None: "still a timeout", SURVIVED_CODE: "survived", KILLED_CODE: "killed"}
    for mutant, code in found:
        print(f"timeout rechecked: {mutant}: {words[code]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
