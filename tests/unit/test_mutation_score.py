"""The mutation score `make mutation` prints and gates on (tests/mutation/score.py), over
result files laid out as mutmut 3 leaves them in `mutants/`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.mutation.score import (
    EQUIVALENT,
    Equivalent,
    load_equivalents,
    load_results,
    main,
    mutant_change,
    passed,
    report,
    score,
)

MUTATED_UNITS = '''\
from mutmut.mutation.trampoline import wrap_in_trampoline as _mutmut_mutated, MutantDict


def x_half__mutmut_orig(value: int, floor: bool = True) -> int:
    """Half of value."""
    if floor:
        return value // 2
    return -(-value // 2)


def x_half__mutmut_1(value: int, floor: bool = False) -> int:
    """Half of value."""
    if floor:
        return value // 2
    return -(-value // 2)


def x_half__mutmut_2(value: int, floor: bool = True) -> int:
    """Half of value."""
    if floor:
        return value / 2
    return -(-value // 2)


class Box:
    def xǁBoxǁsize__mutmut_orig(self) -> int:
        return 1

    def xǁBoxǁsize__mutmut_1(self) -> int:
        return 2
'''


def write_results(root: Path, path: str, exit_codes: dict[str, int | None]) -> None:
    meta = root / "mutants" / (path + ".meta")
    meta.parent.mkdir(parents=True, exist_ok=True)
    meta.write_text(
        json.dumps(
            {
                "exit_code_by_key": exit_codes,
                "hash_by_function_name": {},
                "type_check_error_by_key": {},
                "durations_by_key": {},
                "estimated_durations_by_key": {},
            }
        ),
        encoding="utf-8",
    )


def test_results_are_read_from_every_meta_file_with_mutmuts_verdicts(tmp_path: Path) -> None:
    write_results(tmp_path, "pkg/a.py", {"pkg.a.x_f__mutmut_1": 1, "pkg.a.x_f__mutmut_2": 0})
    write_results(
        tmp_path,
        "pkg/sub/b.py",
        {
            "pkg.sub.b.x_g__mutmut_1": 33,
            "pkg.sub.b.x_g__mutmut_2": -24,
            "pkg.sub.b.x_g__mutmut_3": None,
            "pkg.sub.b.x_g__mutmut_4": 34,
            "pkg.sub.b.x_g__mutmut_5": -9,
            "pkg.sub.b.x_g__mutmut_6": 99,
        },
    )
    assert load_results(tmp_path) == {
        "pkg.a.x_f__mutmut_1": "killed",
        "pkg.a.x_f__mutmut_2": "survived",
        "pkg.sub.b.x_g__mutmut_1": "no tests",
        "pkg.sub.b.x_g__mutmut_2": "timeout",
        "pkg.sub.b.x_g__mutmut_3": "not checked",
        "pkg.sub.b.x_g__mutmut_4": "skipped",
        "pkg.sub.b.x_g__mutmut_5": "segfault",
        "pkg.sub.b.x_g__mutmut_6": "suspicious",
    }


@pytest.mark.parametrize(
    ("mutant", "change"),
    [
        (
            "pkg.units.x_half__mutmut_1",
            (
                "-def FUNCTION(value: int, floor: bool = True) -> int:",
                "+def FUNCTION(value: int, floor: bool = False) -> int:",
            ),
        ),
        ("pkg.units.x_half__mutmut_2", ("-return value // 2", "+return value / 2")),
        ("pkg.units.xǁBoxǁsize__mutmut_1", ("-return 1", "+return 2")),
    ],
    ids=["def-line", "body", "method"],
)
def test_a_mutants_change_is_its_diff_against_the_original_copy(
    tmp_path: Path, mutant: str, change: tuple[str, ...]
) -> None:
    module = tmp_path / "mutants" / "pkg" / "units.py"
    module.parent.mkdir(parents=True)
    module.write_text(MUTATED_UNITS, encoding="utf-8")
    assert mutant_change(tmp_path, mutant) == change


def test_a_mutant_missing_from_the_mutated_copy_is_an_error(tmp_path: Path) -> None:
    module = tmp_path / "mutants" / "pkg" / "units.py"
    module.parent.mkdir(parents=True)
    module.write_text(MUTATED_UNITS, encoding="utf-8")
    with pytest.raises(LookupError, match=r"units\.py: no x_half__mutmut_7 beside"):
        mutant_change(tmp_path, "pkg.units.x_half__mutmut_7")


CHANGE = ("-return value // 2", "+return value / 2")
RESULTS = {
    "pkg.a.x_f__mutmut_1": "killed",
    "pkg.a.x_f__mutmut_2": "killed",
    "pkg.a.x_f__mutmut_3": "timeout",
    "pkg.a.x_f__mutmut_4": "survived",
    "pkg.a.x_f__mutmut_5": "skipped",
    "pkg.b.x_g__mutmut_1": "killed",
    "pkg.b.x_g__mutmut_2": "no tests",
}


def test_a_listed_survivor_counts_as_equivalent_in_the_adjusted_score_only() -> None:
    listed = [Equivalent("pkg.a.x_f__mutmut_4", CHANGE, "same result")]
    outcome = score(RESULTS, listed, {"pkg.a.x_f__mutmut_4": CHANGE})
    assert report(outcome, 90.0) == [
        "module   mutants  detected  equiv.     raw  adjusted",
        "pkg.a          4         3       1   75.0%    100.0%",
        "pkg.b          2         1       0   50.0%     50.0%  below 90%",
        "overall        6         4       1   66.7%     80.0%  below 90%",
        "no tests: pkg.b.x_g__mutmut_2",
    ]


def test_an_entry_matches_on_function_and_change_whatever_the_mutants_number() -> None:
    # mutmut renumbers a function's mutants when the function is edited.
    listed = [Equivalent("pkg.a.x_f__mutmut_9", CHANGE, "same result")]
    outcome = score(RESULTS, listed, {"pkg.a.x_f__mutmut_4": CHANGE})
    assert (outcome.overall.equivalent, outcome.unmatched) == (1, [])


def test_an_entry_whose_change_differs_now_is_unmatched_and_fails_the_run() -> None:
    listed = [Equivalent("pkg.a.x_f__mutmut_4", ("-return 1", "+return 2"), "same result")]
    outcome = score({"pkg.a.x_f__mutmut_4": "survived"}, listed, {"pkg.a.x_f__mutmut_4": CHANGE})
    assert (outcome.overall.equivalent, outcome.unmatched, passed(outcome, 0.0)) == (
        0,
        listed,
        False,
    )


def test_an_entry_for_a_killed_mutant_is_reported_as_not_equivalent() -> None:
    listed = [Equivalent("pkg.a.x_f__mutmut_1", CHANGE, "same result")]
    outcome = score({"pkg.a.x_f__mutmut_1": "killed"}, listed, {})
    assert report(outcome, 90.0)[-1] == (
        "listed as equivalent but not a surviving mutant (killed, renamed or changed): "
        "pkg.a.x_f__mutmut_1 ['-return value // 2', '+return value / 2']"
    )


def test_an_unchecked_mutant_fails_the_run_whatever_the_score() -> None:
    outcome = score({"pkg.a.x_f__mutmut_1": "killed", "pkg.a.x_f__mutmut_2": "not checked"}, [], {})
    assert (report(outcome, 0.0)[-1], passed(outcome, 0.0)) == (
        "not checked (the run was interrupted): pkg.a.x_f__mutmut_2",
        False,
    )


@pytest.mark.parametrize(("minimum", "expected"), [(75.0, True), (75.1, False)])
def test_the_run_passes_from_the_minimum_adjusted_score_up(minimum: float, expected: bool) -> None:
    results = {f"pkg.a.x_f__mutmut_{n}": "killed" for n in range(1, 4)}
    results["pkg.a.x_f__mutmut_4"] = "survived"
    assert passed(score(results, [], {"pkg.a.x_f__mutmut_4": CHANGE}), minimum) is expected


def test_an_entry_without_a_reason_is_refused(tmp_path: Path) -> None:
    listed = tmp_path / "equivalent.toml"
    listed.write_text(
        textwrap.dedent(
            """\
            [[equivalent]]
            mutant = "pkg.a.x_f__mutmut_4"
            change = ["-return value // 2", "+return value / 2"]
            reason = " "
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"^.*equivalent\.toml: entry 1 lacks a reason; "):
        load_equivalents(listed)


def test_the_checked_in_list_names_each_mutant_once_with_a_reason() -> None:
    entries = load_equivalents(EQUIVALENT)
    keys = [(entry.mutant.rpartition("__mutmut_")[0], entry.change) for entry in entries]
    assert len(keys) == len(set(keys))


def test_main_without_results_says_to_run_make_mutation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f"{tmp_path / 'mutants'}: no mutmut results; run `make mutation` first\n"
    )


def test_main_prints_the_table_and_fails_below_the_minimum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = tmp_path / "mutants" / "pkg" / "units.py"
    module.parent.mkdir(parents=True)
    module.write_text(MUTATED_UNITS, encoding="utf-8")
    write_results(
        tmp_path, "pkg/units.py", {"pkg.units.x_half__mutmut_1": 1, "pkg.units.x_half__mutmut_2": 0}
    )
    listed = tmp_path / "none.toml"
    assert main(["--root", str(tmp_path), "--equivalent", str(listed), "--minimum", "60"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "module     mutants  detected  equiv.     raw  adjusted",
        "pkg.units        2         1       0   50.0%     50.0%  below 60%",
        "overall          2         1       0   50.0%     50.0%  below 60%",
        "survived: pkg.units.x_half__mutmut_2",
    ]


def test_an_entry_for_a_survivor_carries_its_change_and_an_empty_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = tmp_path / "mutants" / "pkg" / "units.py"
    module.parent.mkdir(parents=True)
    module.write_text(MUTATED_UNITS, encoding="utf-8")
    assert main(["--root", str(tmp_path), "--entry", "pkg.units.x_half__mutmut_2"]) == 0
    assert capsys.readouterr().out == (
        "[[equivalent]]\n"
        'mutant = "pkg.units.x_half__mutmut_2"\n'
        'change = ["-return value // 2", "+return value / 2"]\n'
        'reason = ""\n'
    )
