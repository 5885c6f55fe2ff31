"""Mutation score of the pure readers, from the results `mutmut run` leaves in `mutants/`.

Prints the raw and the adjusted score per module and overall, and exits 1 when the adjusted
overall score is below the minimum. Adjusted sets apart the mutants listed in
`tests/mutation/equivalent.toml`: each entry names a mutant, the exact change it makes and why
no input can tell it from the original. An entry is matched on its function and that change
(mutmut renumbers a function's mutants whenever the function is edited), and an entry that
matches no surviving mutant is an error, so the list cannot go stale or hide a killed mutant.

    python -m tests.mutation.score [--root DIR] [--equivalent FILE] [--minimum PERCENT]
    python -m tests.mutation.score --entry MUTANT   # an entry to fill in, for a survivor
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the project's dependencies bring tomli on 3.10
    import tomli as tomllib

MINIMUM = 90.0
EQUIVALENT = Path(__file__).with_name("equivalent.toml")

# mutmut 3's exit codes (mutmut/stats.py); a test run that fails or errors kills the mutant.
KILLED = "killed"
SURVIVED = "survived"
NO_TESTS = "no tests"
SKIPPED = "skipped"
TIMEOUT = "timeout"
SEGFAULT = "segfault"
NOT_CHECKED = "not checked"
_STATUS_BY_EXIT_CODE: dict[int | None, str] = {
    1: KILLED,
    3: KILLED,
    0: SURVIVED,
    5: NO_TESTS,
    33: NO_TESTS,
    34: SKIPPED,
    36: TIMEOUT,
    24: TIMEOUT,
    -24: TIMEOUT,
    152: TIMEOUT,
    255: TIMEOUT,
    -11: SEGFAULT,
    -9: SEGFAULT,  # mutmut's name for SIGKILL too, as after an unheeded CPU-time limit
    37: KILLED,  # caught by the type checker
    None: NOT_CHECKED,
}
# A mutant the tests notice: they failed, ran out of time, or their process died.
_DETECTED = (KILLED, TIMEOUT, SEGFAULT)


def status(exit_code: int | None) -> str:
    """mutmut's verdict for a mutant's exit code; anything unknown is 'suspicious'."""
    return _STATUS_BY_EXIT_CODE.get(exit_code, "suspicious")


def load_results(root: Path) -> dict[str, str]:
    """Every mutant's status, by mutmut's name for it (`pkg.module.x_function__mutmut_3`)."""
    results: dict[str, str] = {}
    for meta in sorted((root / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, exit_code in data["exit_code_by_key"].items():
            results[name] = status(exit_code)
    return results


def function_of(mutant: str) -> str:
    """`pkg.module.x_function` for `pkg.module.x_function__mutmut_3`."""
    return mutant.rpartition("__mutmut_")[0]


def module_of(mutant: str) -> str:
    """`pkg.module` for `pkg.module.x_function__mutmut_3`."""
    return mutant.rpartition(".")[0]


def mutant_change(root: Path, mutant: str) -> tuple[str, ...]:
    """The lines the mutant changes, as `-old` and `+new` without their indentation.

    Read from the mutated copy of the module, which holds the original function beside every
    mutant of it (`x_function__mutmut_orig`, `x_function__mutmut_3`)."""
    return changes(root, [mutant])[mutant]


def _functions(path: Path) -> dict[str, str]:
    """The source of every function in a mutated module, by its generated name."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines(keepends=True)
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name:
            # Whole lines from the def on (decorators are mutmut's own); both copies carry
            # generated names, and a change to the def line must still show.
            text = "".join(lines[node.lineno - 1 : node.end_lineno])
            found[node.name] = text.replace(node.name, "FUNCTION", 1)
    return found


def changes(root: Path, mutants: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The change of each mutant, read from the mutated copies under `root/mutants` (each
    module parsed once)."""
    found: dict[str, tuple[str, ...]] = {}
    modules: dict[str, dict[str, str]] = {}
    for mutant in mutants:
        module = module_of(mutant)
        path = root / "mutants" / (module.replace(".", "/") + ".py")
        if module not in modules:
            modules[module] = _functions(path)
        generated = mutant.rpartition(".")[2]
        original = function_of(generated) + "__mutmut_orig"
        functions = modules[module]
        if generated not in functions or original not in functions:
            raise LookupError(f"{path}: no {generated} beside {original}")
        diff = difflib.unified_diff(
            functions[original].splitlines(), functions[generated].splitlines(), n=0, lineterm=""
        )
        found[mutant] = tuple(
            line[0] + line[1:].strip()
            for line in diff
            if line[:1] in "-+" and not line.startswith(("---", "+++"))
        )
    return found


@dataclass(frozen=True)
class Equivalent:
    """A mutant no input can tell from the original: its name, its change and why."""

    mutant: str
    change: tuple[str, ...]
    reason: str


def load_equivalents(path: Path) -> list[Equivalent]:
    """The entries of an equivalent-mutants file; none when it does not exist."""
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: list[Equivalent] = []
    for index, entry in enumerate(data.get("equivalent", []), start=1):
        missing = {"mutant", "change", "reason"} - set(entry)
        if missing or not str(entry.get("reason", "")).strip():
            raise ValueError(
                f"{path}: entry {index} lacks {', '.join(sorted(missing)) or 'a reason'}; "
                "every equivalent mutant needs its mutant name, its change and a reason"
            )
        entries.append(Equivalent(entry["mutant"], tuple(entry["change"]), entry["reason"]))
    return entries


@dataclass
class Tally:
    """Mutant counts of one module, or of all of them."""

    total: int = 0
    detected: int = 0
    equivalent: int = 0

    def add(self, other: Tally) -> None:
        self.total += other.total
        self.detected += other.detected
        self.equivalent += other.equivalent

    @property
    def raw(self) -> float:
        """Detected out of every mutant."""
        return 100.0 * self.detected / self.total if self.total else 100.0

    @property
    def adjusted(self) -> float:
        """Detected out of every mutant that is not listed as equivalent."""
        counted = self.total - self.equivalent
        return 100.0 * self.detected / counted if counted else 100.0


@dataclass
class Score:
    """What `score` found: counts per module, and what no number should hide."""

    modules: dict[str, Tally] = field(default_factory=dict)
    undetected: list[tuple[str, str]] = field(default_factory=list)
    unmatched: list[Equivalent] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    @property
    def overall(self) -> Tally:
        tally = Tally()
        for module in self.modules.values():
            tally.add(module)
        return tally


def score(
    results: Mapping[str, str],
    equivalents: Sequence[Equivalent],
    change_of: Mapping[str, tuple[str, ...]],
) -> Score:
    """Tally `results`; a survivor whose function and change an entry lists is equivalent.

    `change_of` gives the change of every survivor. Skipped mutants do not count at all."""
    listed = {(function_of(entry.mutant), entry.change): entry for entry in equivalents}
    used: set[tuple[str, tuple[str, ...]]] = set()
    outcome = Score()
    for mutant in sorted(results):
        verdict = results[mutant]
        if verdict == SKIPPED:
            continue
        tally = outcome.modules.setdefault(module_of(mutant), Tally())
        tally.total += 1
        if verdict in _DETECTED:
            tally.detected += 1
        elif verdict == NOT_CHECKED:
            outcome.not_checked.append(mutant)
        elif verdict == SURVIVED and (key := (function_of(mutant), change_of[mutant])) in listed:
            tally.equivalent += 1
            used.add(key)
        else:
            outcome.undetected.append((mutant, verdict))
    outcome.unmatched = [
        entry for entry in equivalents if (function_of(entry.mutant), entry.change) not in used
    ]
    return outcome


def report(outcome: Score, minimum: float) -> list[str]:
    """The table and the problems, one line each."""
    width = max([len("overall"), *(len(name) for name in outcome.modules)])
    lines = [
        f"{'module':<{width}}  {'mutants':>7}  {'detected':>8}  {'equiv.':>6}  "
        f"{'raw':>6}  {'adjusted':>8}"
    ]
    rows = [*sorted(outcome.modules.items()), ("overall", outcome.overall)]
    for name, tally in rows:
        flag = "" if tally.adjusted >= minimum else f"  below {minimum:g}%"
        lines.append(
            f"{name:<{width}}  {tally.total:>7}  {tally.detected:>8}  {tally.equivalent:>6}  "
            f"{tally.raw:>5.1f}%  {tally.adjusted:>7.1f}%{flag}"
        )
    lines += [f"{verdict}: {mutant}" for mutant, verdict in outcome.undetected]
    lines += [
        f"listed as equivalent but not a surviving mutant (killed, renamed or changed): "
        f"{entry.mutant} {list(entry.change)}"
        for entry in outcome.unmatched
    ]
    lines += [f"not checked (the run was interrupted): {mutant}" for mutant in outcome.not_checked]
    return lines


def passed(outcome: Score, minimum: float) -> bool:
    """The overall adjusted score reaches `minimum`, every mutant was run, the list is current."""
    return outcome.overall.adjusted >= minimum and not outcome.unmatched and not outcome.not_checked


def entry(root: Path, mutant: str) -> str:
    """A TOML entry for `mutant`, its change filled in and its reason left to write."""
    change = ", ".join(json.dumps(line, ensure_ascii=False) for line in mutant_change(root, mutant))
    return f'[[equivalent]]\nmutant = "{mutant}"\nchange = [{change}]\nreason = ""\n'


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--equivalent", type=Path, default=EQUIVALENT)
    parser.add_argument("--minimum", type=float, default=MINIMUM)
    parser.add_argument("--entry", metavar="MUTANT", help="print an equivalent-list entry")
    args = parser.parse_args(argv)
    if args.entry:
        print(entry(args.root, args.entry), end="")
        return 0
    results = load_results(args.root)
    if not results:
        print(f"{args.root / 'mutants'}: no mutmut results; run `make mutation` first")
        return 1
    survivors = [mutant for mutant, verdict in results.items() if verdict == SURVIVED]
    outcome = score(results, load_equivalents(args.equivalent), changes(args.root, survivors))
    print("\n".join(report(outcome, args.minimum)))
    return 0 if passed(outcome, args.minimum) else 1


if __name__ == "__main__":
    sys.exit(main())
