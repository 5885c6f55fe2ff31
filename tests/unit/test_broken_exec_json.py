"""An ENTRYPOINT, CMD, RUN or HEALTHCHECK CMD written as an exec form that is not valid JSON
(`["/app"`, `['/app']`, `["/app",]`): BuildKit falls back to the shell form without a word, so
the image runs `/bin/sh -c '["/app"'` (trial 32). The reader says what is wrong and what was
meant, and `static` fails it naming the line, on an image without /bin/sh and on one with it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pytest_goimage.engine.shell_form import broken_exec_advice
from pytest_goimage.gofacts.dockerfile import Instruction, parse_dockerfile
from pytest_goimage.gofacts.exec_json import broken_exec_form, broken_in
from tests.unit.test_static_shell_form import SHELL, server, static_of

__all__ = ["server"]  # the fixture static_of's tests take

pytestmark = pytest.mark.skipif(shutil.which("go") is None, reason="needs the go command")


def _instruction(line: str) -> Instruction:
    return parse_dockerfile(f"FROM scratch\n{line}\n").instructions[1]


@pytest.mark.parametrize(
    ("line", "faults", "fix"),
    [
        ('ENTRYPOINT ["/app"', ("its closing `]` is missing",), '["/app"]'),
        ('CMD ["/app", "serve"', ("its closing `]` is missing",), '["/app", "serve"]'),
        (
            "ENTRYPOINT ['/app', 'serve']",
            ("it quotes its words with single quotes, and JSON needs double quotes",),
            '["/app", "serve"]',
        ),
        (
            'ENTRYPOINT ["/app", "serve",]',
            ("it has a comma after its last word",),
            '["/app", "serve"]',
        ),
        (
            'ENTRYPOINT ["/app",',
            ("it has a comma after its last word", "its closing `]` is missing"),
            '["/app"]',
        ),
        ("ENTRYPOINT [/app, serve]", ("its words are not in double quotes",), '["/app", "serve"]'),
        (
            "CMD [/usr/bin/Xvfb, :99, +extension, GLX]",  # only the closing `]` is cut off
            ("its words are not in double quotes",),
            '["/usr/bin/Xvfb", ":99", "+extension", "GLX"]',
        ),
        (
            'ENTRYPOINT ["/app" "serve"]',
            ("a comma is missing between two of its words",),
            '["/app", "serve"]',
        ),
        (
            "ENTRYPOINT [\u201c/app\u201d]",
            ("it has typographic quotes (\u201c \u201d) where JSON needs plain double quotes",),
            '["/app"]',
        ),
        (
            'ENTRYPOINT ["C:\\app" -x]',
            ("JSON reading stops at its character 5: Invalid \\escape",),
            "",
        ),
        # A RUN's words are read alike (its --mount flags are apart), and a HEALTHCHECK's
        # after CMD.
        (
            'RUN --mount=type=cache,target=/root/.cache/go-build ["go", "build", "."',
            ("its closing `]` is missing",),
            '["go", "build", "."]',
        ),
        (
            'HEALTHCHECK --interval=5s --retries=3 CMD ["/app", "healthcheck"',
            ("its closing `]` is missing",),
            '["/app", "healthcheck"]',
        ),
        (
            "HEALTHCHECK cmd ['wget', '-qO-', 'http://localhost:8080/health']",
            ("it quotes its words with single quotes, and JSON needs double quotes",),
            '["wget", "-qO-", "http://localhost:8080/health"]',
        ),
        # Go's JSON reader, which BuildKit uses, has no NaN; Python's would take it.
        ('ENTRYPOINT ["/app", NaN]', ("JSON has no NaN",), ""),
        # BuildKit trims the blanks before the `[`, not the words' own: a test as the shell
        # reads it is broken JSON all the same when no `]` word closes it with more after.
        (
            "ENTRYPOINT [ '/app' ]",
            ("it quotes its words with single quotes, and JSON needs double quotes",),
            '["/app"]',
        ),
    ],
)
def test_what_is_wrong_with_the_json_and_what_was_meant(
    line: str, faults: tuple[str, ...], fix: str
) -> None:
    broken = broken_exec_form(_instruction(line))
    assert broken is not None
    assert (broken.faults, broken.fix) == (faults, fix)


@pytest.mark.parametrize(
    "line",
    [
        'ENTRYPOINT ["/app"]',
        "ENTRYPOINT /app serve",
        "CMD [ -f /etc/app.conf ] && exec /app",
        "CMD [[ -n $MODE ]] || exec /app",
        'RUN ["go", "build", "."]',
        "RUN [ -f go.sum ] && go mod download",
        'HEALTHCHECK CMD ["/app", "healthcheck"]',
        "HEALTHCHECK --interval=5s CMD [ -f /tmp/ready ] && /app healthcheck",
        "HEALTHCHECK NONE",
        "CMD [ -f /tmp/ready ] &&/app",  # one word after the test's `]`
        # Other instructions' words are no exec form, whatever they start with.
        "VOLUME [/data]",
        "ENV CMD [serve]",
    ],
)
def test_valid_exec_forms_shell_forms_and_shell_tests_are_not_broken(line: str) -> None:
    assert broken_exec_form(_instruction(line)) is None


def test_an_entrypoint_drops_a_cmd_of_an_earlier_stage_as_buildkit_does() -> None:
    parsed = parse_dockerfile(
        'FROM scratch AS base\nCMD ["/app"\nFROM base AS dropped\nENTRYPOINT ["/svc"]\n'
        'FROM base AS kept\nCMD ["serve"\nENTRYPOINT ["/svc"]\n'
    )
    assert broken_in(parsed, "dropped") == []
    assert [b.instruction.line for b in broken_in(parsed, "kept")] == [6]
    assert [b.instruction.line for b in broken_in(parsed, "base")] == [2]


@pytest.mark.parametrize(
    ("has_shell", "effect"),
    [
        (False, ", and has no /bin/sh, so no container of it can start"),
        (True, ", whose shell looks for a program called `[/app]`"),
        (None, ""),
    ],
)
def test_the_advice_says_what_runs_instead(has_shell: bool | None, effect: str) -> None:
    parsed = parse_dockerfile("FROM scratch\nENTRYPOINT ['/app']\n")
    advice = broken_exec_advice(parsed, None, "Dockerfile", [*SHELL, "['/app']"], [], has_shell)
    assert advice == (
        "`ENTRYPOINT ['/app']` (Dockerfile:2) is not valid JSON: it quotes its words with single "
        "quotes, and JSON needs double quotes. BuildKit then reads it in shell form: the image "
        f'runs `/bin/sh -c "[\'/app\']"`{effect}. Write `ENTRYPOINT ["/app"]`'
    )


def test_a_broken_cmd_becomes_the_entrypoint_s_arguments() -> None:
    parsed = parse_dockerfile('FROM scratch\nENTRYPOINT ["/app"]\nCMD ["serve", "--port", "80"\n')
    cmd = [*SHELL, '["serve", "--port", "80"']
    advice = broken_exec_advice(parsed, None, "Dockerfile", ["/app"], cmd, True)
    assert advice == (
        '`CMD ["serve", "--port", "80"` (Dockerfile:3) is not valid JSON: its closing `]` is '
        "missing. BuildKit then reads it in shell form: the image runs `/app /bin/sh -c "
        '\'["serve", "--port", "80"\'`, so /app gets `/bin/sh`, `-c`, `["serve", "--port", '
        '"80"` as arguments. Write `CMD ["serve", "--port", "80"]`'
    )


def test_an_image_built_from_another_text_gets_no_advice() -> None:
    """The image's config must end in the instruction's words: a Dockerfile edited since the
    build is not what the image runs."""
    parsed = parse_dockerfile('FROM scratch\nENTRYPOINT ["/app"\n')
    assert broken_exec_advice(parsed, None, "Dockerfile", ["/app"], [], False) == ""


def test_unrepairable_json_gets_the_form_to_write() -> None:
    parsed = parse_dockerfile('FROM scratch\nENTRYPOINT ["/app", 1\n')
    advice = broken_exec_advice(parsed, None, "Dockerfile", [*SHELL, '["/app", 1'], [], None)
    assert advice == (
        '`ENTRYPOINT ["/app", 1` (Dockerfile:2) is not valid JSON: JSON reading stops at its '
        "character 11: Expecting ',' delimiter. BuildKit then reads it in shell form: the image "
        'runs `/bin/sh -c \'["/app", 1\'`. Write `ENTRYPOINT ["/app", "--flag"]`, a JSON '
        "array of double-quoted strings"
    )


@pytest.mark.parametrize(
    ("files", "effect"),
    [
        (("/app/server",), ", and has no /bin/sh, so no container of it can start"),
        (("/app/server", "/bin/sh"), ", whose shell looks for a program called `[/app/server`"),
    ],
)
def test_static_fails_a_broken_exec_form_with_a_shell_or_without(
    tmp_path: Path, server: bytes, files: tuple[str, ...], effect: str
) -> None:
    message = static_of(
        tmp_path, server, 'ENTRYPOINT ["/app/server"', (*SHELL, '["/app/server"'), (), files
    )
    assert message == (
        f'FAILED Dockerfile: `ENTRYPOINT ["/app/server"` (Dockerfile:9) is not valid JSON: its '
        "closing `]` is missing. BuildKit then reads it in shell form: the image runs `/bin/sh "
        f'-c \'["/app/server"\'`{effect}. Write `ENTRYPOINT ["/app/server"]`.'
    )
