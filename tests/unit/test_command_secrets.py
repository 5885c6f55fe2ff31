"""Secrets a build wrote where the image keeps them word for word (gofacts/command_secrets.py,
gofacts/linker_flags.py): `-ldflags -X` values in a binary's build info and the commands of
RUN and ADD steps in its history. The shapes are the ones Dockerfiles for private Go modules
and version stamping use; most of them hold no secret and must pass."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.command_secrets import (
    binary_findings,
    computed_secrets,
    history_command_findings,
    linked_secrets,
)
from pytest_goimage.gofacts.linker_flags import linker_assignments
from pytest_goimage.gofacts.redaction import redact

KEY = "Lk9pQ2wX7vR4tB8nM3sD6fH1"


@pytest.mark.parametrize(
    ("ldflags", "assignments"),
    [
        ("-s -w -X main.version=1.2.3", [("main.version", "1.2.3")]),
        (
            "-X=main.commit=abc -X 'main.motd=hello world'",
            [("main.commit", "abc"), ("main.motd", "hello world")],
        ),
        ('--X "github.com/acme/app/config.apiKey=k"', [("github.com/acme/app/config.apiKey", "k")]),
        ("-X main.broken='unbalanced", [("main.broken", "'unbalanced")]),
        ("-s -w -extldflags '-static'", []),
        ("-X", []),  # a flag without its assignment
        # A whole command: the quoted -ldflags value, and -ldflags=... inside quotes.
        ('go build -ldflags "-s -X main.k=v1" .', [("main.k", "v1")]),
        ("go build '-ldflags=-X main.k=v2' .", [("main.k", "v2")]),
    ],
)
def test_linker_assignments_split_as_go_splits_ldflags(
    ldflags: str, assignments: list[tuple[str, str]]
) -> None:
    assert linker_assignments(ldflags) == assignments


def test_a_secret_linked_in_is_a_finding_and_a_version_is_not() -> None:
    settings = [
        ("-buildmode", "exe"),
        ("-ldflags", f"-s -w -X main.version=1.2.3 -X github.com/acme/app/config.apiKey={KEY}"),
    ]
    linked = linked_secrets(settings)
    assert linked == [("github.com/acme/app/config.apiKey", KEY)]
    (finding,) = binary_findings("/app", linked)
    assert finding.describe() == (
        "binary /app -X github.com/acme/app/config.apiKey: value *** (24 characters) is linked "
        "into the Go binary by -ldflags -X (`go version -m` and `strings` show it); read it from "
        "the environment or a mounted file at run time instead"
    )
    assert KEY not in finding.describe()
    # A reference to a variable is no value; a path or a switch is no credential.
    for harmless in (
        "-X main.apiKey=${API_KEY}",
        "-X main.tokenFile=/run/secrets/t",
        "-X main.authEnabled=true",
    ):
        assert linked_secrets([("-ldflags", harmless)]) == []


def _steps(*instructions: str) -> list[tuple[str, str]]:
    return [(f"RUN /bin/sh -c {i.removeprefix('RUN ')} # buildkit", i) for i in instructions]


@pytest.mark.parametrize(
    "instruction",
    [
        # Private Go modules, the ways teams write them: the token comes from a variable.
        'RUN git config --global url."https://${GITHUB_TOKEN}:x-oauth-basic@github.com/".insteadOf "https://github.com/"',
        'RUN git config --global url."https://oauth2:${GITLAB_TOKEN}@gitlab.com/".insteadOf "https://gitlab.com/"',
        'RUN echo "machine github.com login x-access-token password $GH_TOKEN" > ~/.netrc',
        "RUN --mount=type=secret,id=netrc,target=/root/.netrc go mod download",
        'RUN go build -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /app .',
        'RUN curl -fsSL -H "Authorization: Bearer ${TOKEN}" https://api.example.com/x -o /x',
        "RUN apk add --no-cache ca-certificates tzdata",
        "ADD https://github.com/acme/tool/releases/download/v1.2.3/tool.tar.gz /tmp/",
    ],
)
def test_a_command_that_takes_its_secret_from_a_variable_is_no_finding(instruction: str) -> None:
    assert history_command_findings(_steps(instruction)) == []


@pytest.mark.parametrize(
    ("instruction", "shown", "detail"),
    [
        (
            "RUN git clone https://ci:Pw7-clone-s3cret@git.example.com/app.git /src",
            "`RUN git clone https://ci:***@git.example.com/app.git /src`",
            "value *** (16 characters) looks like a password in a URL and is written",
        ),
        (
            "RUN git clone https://oauth2:glpat-abcdefghijklmnopqrstuvwx@gitlab.com/acme/lib.git",
            "`RUN git clone https://oauth2:***@gitlab.com/acme/lib.git`",
            "value *** (30 characters) looks like a GitLab token and is written",
        ),
        (
            f'RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.apiKey={KEY}" -o /app .',
            '`RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.apiKey=***" -o /app .`',
            "value *** (24 characters) is written",
        ),
        (
            "ADD https://deploy:Pw7-add-s3cret1@files.example.com/x.tgz /tmp/",
            "`ADD https://deploy:***@files.example.com/x.tgz /tmp/`",
            "value *** (15 characters) looks like a password in a URL and is written",
        ),
    ],
)
def test_a_secret_written_into_a_command_is_a_finding(
    instruction: str, shown: str, detail: str
) -> None:
    (finding,) = history_command_findings(_steps(instruction))
    assert finding.where == "history"
    assert finding.name == shown
    assert finding.detail.startswith(detail)


def test_a_command_shows_at_most_80_characters_masked_before_it_is_cut() -> None:
    instruction = "RUN git clone https://ci:Pw7-clone-s3cret@git.example.com/app.git " + "x" * 90
    (finding,) = history_command_findings(_steps(instruction))
    assert len(finding.name) == 82 and finding.name.endswith("...`")
    assert "***" in finding.name and "Pw7" not in finding.name


def test_values_reported_elsewhere_are_not_repeated() -> None:
    """A build argument's value (judged by its name) and the binary's own -X finding."""
    # An exec-form RUN has no `/bin/sh -c` to cut the `|N` prefix at: its instruction keeps it.
    arg_step = (
        'RUN |1 REPO_URL=https://ci:Pw7-arg-s3cret@git.example.com/a.git ["git", "clone"]',
    ) * 2
    assert history_command_findings([arg_step]) == []
    linked = _steps(f'RUN go build -ldflags "-X main.apiKey={KEY}" -o /app .')
    assert history_command_findings(linked, {KEY}) == []
    # ENV, LABEL and CMD steps are read from the image config, not twice.
    config = [("LABEL x=https://ci:Pw7-label-s3cret@h/", "LABEL x=https://ci:Pw7-label-s3cret@h/")]
    assert history_command_findings(config) == []


def test_every_output_masks_a_secret_linker_assignment_by_its_name() -> None:
    text = f'#9 0.31 + go build -ldflags "-s -w -X main.apiKey={KEY} -X main.version=1.2.3"'
    assert (
        redact(text)
        == '#9 0.31 + go build -ldflags "-s -w -X main.apiKey=*** -X main.version=1.2.3"'
    )
    assert redact("tar -X exclude.txt -cf a.tar .") == "tar -X exclude.txt -cf a.tar ."


OTHER = "Qz3mW8pL5xN2vB7cK4tR9hJ6"


def test_a_shown_step_masks_every_secret_it_holds_not_only_the_one_it_reports() -> None:
    """The finding names the step: the build argument an exec-form RUN keeps before its
    command, an inline assignment and a value reported elsewhere are masked in it too."""
    exec_form = f"RUN |2 API_KEY={OTHER} MODE=x go build -ldflags -X=main.dbPassword={KEY} ."
    inline = (
        f"RUN DEPLOY_TOKEN={OTHER} ./fetch.sh && git clone https://ci:Pw7-clone-s3cret@h.example/a"
    )
    reported = f'RUN go build -ldflags "-X main.apiKey={OTHER} -X main.dbPassword={KEY}" .'
    findings = history_command_findings(
        [(exec_form, exec_form), *_steps(inline), *_steps(reported)], {OTHER}
    )
    shown = [finding.name for finding in findings]
    assert shown == [
        "`RUN go build -ldflags -X=main.dbPassword=*** .`",
        "`RUN DEPLOY_TOKEN=*** ./fetch.sh && git clone https://ci:***@h.example/a`",
        '`RUN go build -ldflags "-X main.apiKey=*** -X main.dbPassword=***" .`',
    ]
    for finding in findings:
        assert OTHER not in finding.describe() and KEY not in finding.describe()


@pytest.mark.parametrize(
    ("created_by", "shown", "detail"),
    [
        (  # the -X is in a build argument whose name says nothing: history keeps it
            f'RUN |1 LDFLAGS=-s -w -X main.apiKey={KEY} /bin/sh -c go build -ldflags "$LDFLAGS" .',
            '`RUN go build -ldflags "$LDFLAGS" .`',
            "value *** (24 characters) is recorded with a build argument of this step",
        ),
        (  # an assignment before a command, and a flag's
            "RUN /bin/sh -c PGPASSWORD=Pw7-migrate-s3cret psql -h db -f schema.sql",
            "`RUN PGPASSWORD=*** psql -h db -f schema.sql`",
            "value *** (18 characters) is written in a build step's command",
        ),
        (
            "RUN /bin/sh -c ./seed --db-password='Pw7 seed s3cret' --db-host=db",
            "`RUN ./seed --db-password='***' --db-host=db`",
            "value *** (15 characters) looks like a password given as a command-line option "
            "and is written in a build step's command",
        ),
        (  # `all=`: the flags of every package the build links
            f"RUN /bin/sh -c go build -ldflags=all=-X=main.apiKey={KEY} .",
            "`RUN go build -ldflags=all=-X=main.apiKey=*** .`",
            "value *** (24 characters) is written in a build step's command",
        ),
    ],
)
def test_a_secret_in_an_argument_or_an_assignment_is_a_finding(
    created_by: str, shown: str, detail: str
) -> None:
    instruction = "RUN " + created_by.split("/bin/sh -c ", 1)[1]
    (finding,) = history_command_findings([(created_by, instruction)])
    assert finding.name == shown
    assert finding.detail.startswith(detail)


@pytest.mark.parametrize(
    "instruction",
    [
        # A token from a variable, quoted apart from the URL around it.
        'RUN git config --global url."https://x-access-token:"${TOKEN}"@github.com/".insteadOf "https://github.com/"',
        "RUN git config --global url.'https://oauth2:'\"$GL_TOKEN\"'@gitlab.com/'.insteadOf https://gitlab.com/",
        # An image's tag before its digest is no password.
        "RUN skopeo copy docker://golang:1.22@sha256:" + "ab" * 32 + " oci:/tmp/go",
        # A sed expression that writes a variable's value into a file.
        'RUN sed -i "s/^password=.*/password=${DB_PASSWORD}/" /etc/app.conf',
        'RUN TOKEN=$(cat /run/secrets/token) ./fetch.sh && PASSWORD="$DB_PW" ./migrate',
        'RUN go build -ldflags "-X main.apiKey=prefix-${API_KEY}" .',
        "RUN --mount=type=secret,id=api_key,env=API_KEY go build .",
        "RUN MAX_TOKENS=4096 AUTH_ENABLED=true TOKEN_TTL=15m ./gen",
    ],
)
def test_a_variable_quoted_apart_or_a_digest_is_no_finding(instruction: str) -> None:
    assert history_command_findings(_steps(instruction)) == []


def test_the_package_pattern_of_ldflags_and_a_quoted_value_are_read_and_masked() -> None:
    assert linker_assignments(f'-ldflags="all=-s -X main.apiKey={KEY}"') == [("main.apiKey", KEY)]
    assert redact(f"go build -ldflags \"-X main.apiKey='{KEY}'\"") == (
        "go build -ldflags \"-X main.apiKey='***'\""
    )


@pytest.mark.parametrize(
    ("ldflags", "script", "computed"),
    [
        (
            "-s -X main.apiKey=$(cat api.key) -X main.version=$(git describe)",
            "",
            [("main.apiKey", "$(cat api.key)")],
        ),
        ("-X main.token=`cat /run/secrets/t`", "", [("main.token", "`cat /run/secrets/t`")]),
        # A variable the RUN sets from a command, the way a secret mount is read.
        (
            "-X main.dbPassword=$PW",
            "PW=$(cat /run/secrets/pw) && go build",
            [("main.dbPassword", "$PW")],
        ),
        ("-X main.dbPassword=$PW", "go build", []),  # unknown here: the build's own value
        ("-X main.apiKeyFile=/run/secrets/k -X main.authMode=$(cat mode)", "", []),
    ],
)
def test_a_credential_the_build_computes_is_named_without_its_value(
    ldflags: str, script: str, computed: list[tuple[str, str]]
) -> None:
    assert computed_secrets(ldflags, script) == computed


def test_a_computed_value_is_shown_only_where_it_holds_no_literal() -> None:
    """`$(cat api.key)` names a file; `$(echo <key>)` would show the key itself."""
    computed = computed_secrets(f"-X main.apiKey=$(echo {KEY}) -X main.dbPassword=$(cat pw.txt)")
    shown = [
        finding.describe() for finding in binary_findings("/app", [], "Dockerfile:4", computed)
    ]
    assert shown == [
        "binary /app -X main.apiKey: is set to a command's output (`$(...)`) by the -ldflags of "
        "the `go build` at Dockerfile:4: what that reads at build time is linked into the Go "
        "binary (`strings` shows it); read it from the environment or a mounted file at run time "
        "instead",
        "binary /app -X main.dbPassword: is set to `$(cat pw.txt)` by the -ldflags of the `go "
        "build` at Dockerfile:4: what that reads at build time is linked into the Go binary "
        "(`strings` shows it); read it from the environment or a mounted file at run time instead",
    ]
    assert all(KEY not in text for text in shown)


def test_goauth_in_a_build_step_is_no_finding_and_stays_readable() -> None:
    """A review: `RUN GOAUTH=netrc go mod download` failed, shown as `GOAUTH=***`."""
    step = "RUN /bin/sh -c GOAUTH=netrc go mod download # buildkit"
    assert history_command_findings([(step, "RUN GOAUTH=netrc go mod download")]) == []


def test_a_short_value_is_masked_where_it_is_assigned_not_wherever_it_occurs() -> None:
    """A review: `PGPASSWORD=ab` was masked with str.replace, which masks every "ab" of the
    step shown."""
    step = 'RUN /bin/sh -c PGPASSWORD=ab psql -h db -c "select abc"'
    (finding,) = history_command_findings([(step, step.replace("/bin/sh -c ", ""))])
    assert finding.name == '`RUN PGPASSWORD=*** psql -h db -c "select abc"`'


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        # helper-117: an assignment that opens a quoted script was neither found nor masked.
        (
            "su postgres -c 'PGPASSWORD=Pw7-seed-s3cret psql -f /seed.sql'",
            "`RUN su postgres -c 'PGPASSWORD=*** psql -f /seed.sql'`",
        ),
        ('sh -c "API_TOKEN=Pw7-seed-s3cret ./seed"', '`RUN sh -c "API_TOKEN=*** ./seed"`'),
        ("echo 'API_KEY=Pw7-seed-s3cret' >> /app/.env", "`RUN echo 'API_KEY=***' >> /app/.env`"),
    ],
)
def test_an_assignment_in_a_quoted_script_is_a_finding_and_masked(command: str, shown: str) -> None:
    step = f"RUN /bin/sh -c {command} # buildkit"
    (finding,) = history_command_findings([(step, f"RUN {command}")])
    assert finding.name == shown
    assert "Pw7-seed-s3cret" not in redact(f"#8 0.21 + {command}")


def test_a_quoted_assignment_of_a_variable_or_a_grep_pattern_is_no_finding() -> None:
    for command in ("su app -c 'PGPASSWORD=$PW psql'", 'grep "password=" /etc/app.conf'):
        assert history_command_findings(_steps(f"RUN {command}")) == [], command


def test_a_linker_value_quoted_after_its_name_is_masked_to_its_closing_quote() -> None:
    """helper-117: `-X main.apiKey='correct horse battery'` was masked to its first space."""
    text = "go build -ldflags \"-X main.apiKey='Pw7 horse battery' -X main.version=1.2\" ."
    assert redact(text) == "go build -ldflags \"-X main.apiKey='***' -X main.version=1.2\" ."
    assert redact('go build -ldflags "-X main.apiKey=\'Pw7horse" .') == (
        'go build -ldflags "-X main.apiKey=\'***" .'  # no closing quote: up to the next one
    )


def test_a_history_lines_build_argument_with_spaces_is_masked_whole() -> None:
    """helper-117: BuildKit writes `|N K=V` values unquoted; a credential's value with spaces
    was masked to its first word where a history line is shown (the size check's layers)."""
    line = "12.1 MB  RUN |2 DB_PASSWORD=Pw7 horse battery NOTE=a b /bin/sh -c make build"
    assert redact(line) == "12.1 MB  RUN |2 DB_PASSWORD=*** NOTE=a b /bin/sh -c make build"
    assert redact("a | b |3 x") == "a | b |3 x"


def test_a_command_a_message_quotes_in_backticks_is_masked() -> None:
    """A message quotes a Dockerfile line or a DSN in backticks: an assignment or a password
    key that ends at the closing backtick was shown bare."""
    text = "the RUN `export API_TOKEN=Pw7-seed-s3cret` and `host=db password=Pw7-seed-s3cret`"
    assert redact(text) == "the RUN `export API_TOKEN=***` and `host=db password=***`"
    assert redact("`API_KEY=Pw7-seed-s3cret ./seed`") == "`API_KEY=*** ./seed`"
