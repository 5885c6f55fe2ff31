"""Timeouts are run again in a fresh pytest process (tests/mutation/recheck.py): a mutant whose
tests then pass is a survivor, one whose tests fail is killed, and only one that still runs
past the limit stays a timeout. The mutated module and its results are laid out as mutmut 3
leaves them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.mutation.recheck import recheck
from tests.mutation.score import load_results

MODULE = """\
import os
import time


def f():
    active = os.environ.get("MUTANT_UNDER_TEST", "")
    if active.endswith("__mutmut_1"):
        return 2
    if active.endswith("__mutmut_3"):
        time.sleep(600)
    return 1
"""


def test_timeouts_become_what_their_tests_say_when_run_alone(tmp_path: Path) -> None:
    mutants = tmp_path / "mutants"
    (mutants / "pkgx").mkdir(parents=True)
    (mutants / "tests").mkdir()
    (mutants / "pkgx" / "__init__.py").write_text("")
    (mutants / "pkgx" / "mod.py").write_text(MODULE)
    (mutants / "tests" / "test_f.py").write_text(
        "from pkgx.mod import f\n\n\ndef test_f():\n    assert f() == 1\n"
    )
    codes = {f"pkgx.mod.x_f__mutmut_{n}": 36 for n in (1, 2, 3)} | {"pkgx.mod.x_f__mutmut_4": 0}
    meta = {
        "exit_code_by_key": codes,
        "hash_by_function_name": {},
        "type_check_error_by_key": {},
        "durations_by_key": {},
        "estimated_durations_by_key": {},
    }
    (mutants / "pkgx" / "mod.py.meta").write_text(json.dumps(meta))
    stats = {"tests_by_mangled_function_name": {"pkgx.mod.x_f": ["tests/test_f.py::test_f"]}}
    (mutants / "mutmut-stats.json").write_text(json.dumps(stats))
    # Room for a loaded CI machine to start pytest; the sleeping mutant still outlasts it.
    found = recheck(tmp_path, limit=20.0)
    assert (found, load_results(tmp_path)) == (
        [
            ("pkgx.mod.x_f__mutmut_1", 1),
            ("pkgx.mod.x_f__mutmut_2", 0),
            ("pkgx.mod.x_f__mutmut_3", None),
        ],
        {
            "pkgx.mod.x_f__mutmut_1": "killed",
            "pkgx.mod.x_f__mutmut_2": "survived",
            "pkgx.mod.x_f__mutmut_3": "timeout",
            "pkgx.mod.x_f__mutmut_4": "survived",
        },
    )
