"""What BuildKit reads from each Dockerfile in this folder: the spec of the Dockerfile readers.

One row per file. Each file reproduces a shape public Go projects use (found by reading public
repositories; none is copied). The values are what BuildKit means, checked against BuildKit's
source and, where unsure, against a real `docker build` — not copied from the readers' output:

- `stages`: (name, base) per FROM, base as written; BuildKit lower-cases stage names
  (`parseBuildStageName`), so `AS Builder` names the stage `builder`.
- `args`: every name an ARG declares (`ONBUILD ARG` declares nothing in this build).
- `pins`: (line, Go version) per place that names the golang image a build uses, after global
  ARGs; None where no version can be read (untagged, digest only, unresolved ARG).
- `pins_with_build_args`: the same with `build_args` passed (`--build-arg`).
- `entrypoint`, `cmd`: the ENTRYPOINT and CMD the `target` stage's image gets, as written, following
  `FROM <stage>` chains (a stage inherits them; a new ENTRYPOINT drops an inherited CMD); None
  where the Dockerfile sets none (the base image's own is not knowable here).
- `program`: what finally runs, as a user would say it: the absolute path (relative ones taken
  from WORKDIR) or the PATH name of the program exec'd; None when the Dockerfile cannot tell.
- `directives`: the leading parser directives, (line, name, value).
- `error`: for files BuildKit refuses, its (line, reason); line 0 when it names none.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    """An ENTRYPOINT or CMD as written: exec form (`json`) or the shell form's one string."""

    args: tuple[str, ...]
    json: bool


def exec_form(*args: str) -> Command:
    return Command(args, True)


def shell_form(text: str) -> Command:
    return Command((text,), False)


@dataclass(frozen=True)
class Row:
    file: str
    shape: str
    stages: tuple[tuple[str | None, str], ...] = ()
    args: frozenset[str] = frozenset()
    pins: tuple[tuple[int, str | None], ...] = ()
    entrypoint: Command | None = None
    cmd: Command | None = None
    program: str | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    pins_with_build_args: tuple[tuple[int, str | None], ...] = ()
    target: str | None = None  # the stage built (`--target`); None: the last one
    directives: tuple[tuple[int, str, str], ...] = ()
    error: tuple[int, str] | None = None


def names(*words: str) -> frozenset[str]:
    return frozenset(words)


DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

ROWS: tuple[Row, ...] = (
    Row(
        "multistage-alpine-scratch.Dockerfile",
        "the classic two-stage build: golang alpine builder, static binary copied into scratch",
        stages=(("build", "golang:1.26.8-alpine"), (None, "scratch")),
        pins=((2, "1.26.8"),),
        entrypoint=exec_form("/api"),
        program="/api",
    ),
    Row(
        "distroless-nonroot.Dockerfile",
        "distroless static nonroot final with `USER nonroot:nonroot` and a WORKDIR-relative binary",
        stages=(("build", "golang:1.26"), (None, "gcr.io/distroless/static-debian12:nonroot")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("./server"),
        program="/app/server",
    ),
    Row(
        "buildplatform-cross-compile.Dockerfile",
        "multi-platform: `FROM --platform=$BUILDPLATFORM golang` with GOOS/GOARCH from TARGETOS/TARGETARCH",
        stages=(("build", "golang:1.26-alpine"), (None, "scratch")),
        args=names("TARGETOS", "TARGETARCH"),
        pins=((2, "1.26"),),
        entrypoint=exec_form("/svc"),
        program="/svc",
    ),
    Row(
        "buildplatform-cache-mounts.Dockerfile",
        "multi-platform with `${BUILDPLATFORM}`, one ARG line declaring four TARGET* names, cache mounts, `${TARGETVARIANT#v}`",
        stages=(
            ("build", "golang:1.26.8-bookworm"),
            (None, "gcr.io/distroless/static-debian12"),
        ),
        args=names("TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT"),
        pins=((1, "1.26.8"),),
        cmd=exec_form("/usr/local/bin/relay"),
        program="/usr/local/bin/relay",
    ),
    Row(
        "xx-cross-helper.Dockerfile",
        "tonistiigi/xx cross-compilation helper stage copied into a golang alpine3.22 builder",
        stages=(
            ("xx", "tonistiigi/xx:1.6.1"),
            ("build", "golang:1.26-alpine3.22"),
            (None, "alpine:3.22"),
        ),
        args=names("TARGETPLATFORM"),
        pins=((4, "1.26"),),
        entrypoint=exec_form("agent"),
        program="agent",
        directives=((1, "syntax", "docker/dockerfile:1"),),
    ),
    Row(
        "goreleaser-scratch.Dockerfile",
        "goreleaser `dockers:` image: `FROM scratch` + `COPY binary /`, no Go built here",
        stages=((None, "scratch"),),
        entrypoint=exec_form("/mytool"),
        program="/mytool",
    ),
    Row(
        "goreleaser-distroless-certs.Dockerfile",
        "goreleaser on distroless: CA bundle `COPY --from=alpine:3.22` (an image), numeric USER, ENTRYPOINT + CMD args",
        stages=((None, "gcr.io/distroless/static:nonroot"),),
        entrypoint=exec_form("/usr/bin/exporter"),
        cmd=exec_form("serve", "--listen=:9100"),
        program="/usr/bin/exporter",
    ),
    Row(
        "goreleaser-alpine-help.Dockerfile",
        'goreleaser on alpine: `WORKDIR /root/`, `ENTRYPOINT ["./ctl"]`, `CMD ["--help"]`',
        stages=((None, "alpine:3.22"),),
        entrypoint=exec_form("./ctl"),
        cmd=exec_form("--help"),
        program="/root/ctl",
    ),
    Row(
        "ko-style-layout.Dockerfile",
        "the image ko builds, written out: Chainguard static base, /ko-app/<name>, KO_DATA_PATH",
        stages=(("build", "golang:1.26.8"), (None, "cgr.dev/chainguard/static:latest")),
        pins=((3, "1.26.8"),),
        entrypoint=exec_form("/ko-app/webhook"),
        program="/ko-app/webhook",
    ),
    Row(
        "go-version-arg.Dockerfile",
        "`ARG GO_VERSION=1.26` / `FROM golang:${GO_VERSION}-alpine`, overridden by build_args",
        stages=(("builder", "golang:${GO_VERSION}-alpine"), (None, "alpine:3.22")),
        args=names("GO_VERSION"),
        pins=((2, "1.26"),),
        entrypoint=exec_form("/usr/local/bin/app"),
        program="/usr/local/bin/app",
        build_args={"GO_VERSION": "1.27"},
        pins_with_build_args=((2, "1.27"),),
    ),
    Row(
        "go-version-arg-fallback.Dockerfile",
        "`ARG GO_VERSION` without default and `${GO_VERSION:-1.26}` in FROM (CI passes --build-arg)",
        stages=(("build", "golang:${GO_VERSION:-1.26}-bookworm"), (None, "debian:bookworm-slim")),
        args=names("GO_VERSION"),
        pins=((3, "1.26"),),
        cmd=exec_form("worker"),
        program="worker",
        build_args={"GO_VERSION": "1.26.8"},
        pins_with_build_args=((3, "1.26.8"),),
    ),
    Row(
        "go-version-arg-required.Dockerfile",
        "`ARG GO_VERSION` with no default: unpinned until build_args sets it",
        stages=(("build", "golang:${GO_VERSION}-alpine"), (None, "alpine:3.22")),
        args=names("GO_VERSION"),
        pins=((3, None),),
        entrypoint=exec_form("/bin/app"),
        program="/bin/app",
        build_args={"GO_VERSION": "1.26"},
        pins_with_build_args=((3, "1.26"),),
    ),
    Row(
        "image-via-arg.Dockerfile",
        "whole image references in ARGs: `FROM ${BUILDER_IMAGE}`, `FROM ${RUNTIME_IMAGE}`",
        stages=(("build", "${BUILDER_IMAGE}"), (None, "${RUNTIME_IMAGE}")),
        args=names("BUILDER_IMAGE", "RUNTIME_IMAGE"),
        pins=((4, "1.26.8"),),
        entrypoint=exec_form("/usr/local/bin/gateway"),
        program="/usr/local/bin/gateway",
        build_args={"BUILDER_IMAGE": "golang:1.27-alpine"},
        pins_with_build_args=((4, "1.27"),),
    ),
    Row(
        "arg-chain.Dockerfile",
        "a global ARG built from earlier ones (`ARG BUILDER=golang:${GO_VERSION}-alpine${ALPINE_VERSION}`); an override flows through",
        stages=(("build", "$BUILDER"), (None, "alpine:${ALPINE_VERSION}")),
        args=names("GO_VERSION", "ALPINE_VERSION", "BUILDER"),
        pins=((5, "1.26"),),
        entrypoint=exec_form("/usr/bin/indexer"),
        program="/usr/bin/indexer",
        build_args={"GO_VERSION": "1.25"},
        pins_with_build_args=((5, "1.25"),),
    ),
    Row(
        "arg-redeclared-in-stage.Dockerfile",
        "a stage re-declares GO_VERSION; later FROMs still see the global value (seen in a real build)",
        stages=(
            ("build", "golang:${GO_VERSION}-alpine"),
            ("test", "golang:${GO_VERSION}-alpine"),
        ),
        args=names("GO_VERSION"),
        pins=((2, "1.26"), (7, "1.26")),
    ),
    Row(
        "arg-after-from-not-global.Dockerfile",
        "GO_VERSION declared inside a stage is not visible to a later FROM: it expands to nothing",
        stages=(("base", "alpine:3.22"), ("build", "golang:${GO_VERSION}-alpine")),
        args=names("GO_VERSION"),
        pins=((6, None),),
    ),
    Row(
        "digest-pinned.Dockerfile",
        "Renovate-style `golang:1.26.8-alpine@sha256:...`: the tag names the version, the digest fixes it",
        stages=(
            ("build", f"golang:1.26.8-alpine@sha256:{DIGEST}"),
            (
                None,
                "alpine:3.22@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
            ),
        ),
        pins=((2, "1.26.8"),),
        entrypoint=exec_form("/app"),
        program="/app",
    ),
    Row(
        "digest-only.Dockerfile",
        "`golang@sha256:...` without a tag: exact, but names no Go version",
        stages=(("build", f"golang@sha256:{DIGEST}"), (None, "scratch")),
        pins=((1, None),),
        entrypoint=exec_form("/app"),
        program="/app",
    ),
    Row(
        "untagged-golang.Dockerfile",
        "`FROM golang AS build`, `golang:alpine`, `golang:latest`: all float with latest",
        stages=(
            ("build", "golang"),
            ("lint", "golang:alpine"),
            ("test", "golang:latest"),
            (None, "alpine:3.22"),
        ),
        pins=((1, None), (6, None), (9, None)),
        cmd=exec_form("/app"),
        program="/app",
    ),
    Row(
        "from-earlier-stage.Dockerfile",
        "`FROM base`, `FROM build` of earlier stages: one golang pin, the final stage inherits its WORKDIR",
        stages=(
            ("base", "golang:1.26-alpine"),
            ("build", "base"),
            ("test", "build"),
            ("final", "base"),
        ),
        pins=((1, "1.26"),),
        cmd=exec_form("/usr/local/bin/billing"),
        program="/usr/local/bin/billing",
    ),
    Row(
        "stage-name-mixed-case.Dockerfile",
        "`AS Builder` then `FROM builder`: BuildKit keeps stage names lower-cased; ENTRYPOINT inherited",
        stages=(("builder", "golang:1.26-alpine"), (None, "builder")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/src/notify"),
        cmd=exec_form("--verbose"),
        program="/src/notify",
    ),
    Row(
        "stage-by-index.Dockerfile",
        "unnamed builder stage copied from by index (`COPY --from=0`), CMD by PATH name",
        stages=((None, "golang:1.26"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        cmd=exec_form("hello"),
        program="hello",
    ),
    Row(
        "inherits-entrypoint-from-stage.Dockerfile",
        "prod stage `FROM dev`: its own ENTRYPOINT drops the CMD inherited from dev (seen in a real build)",
        stages=(("dev", "golang:1.26-alpine"), ("prod", "dev")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/app/server", "--prod"),
        program="/app/server",
    ),
    Row(
        "copy-go-from-image.Dockerfile",
        "`COPY --from=golang:1.26-alpine /usr/local/go /usr/local/go`: the toolchain comes from an image, not a stage",
        stages=(("build", "alpine:3.22"), (None, "alpine:3.22")),
        pins=((3, "1.26"),),
        entrypoint=exec_form("/usr/bin/scanner"),
        program="/usr/bin/scanner",
    ),
    Row(
        "onbuild-base-image.Dockerfile",
        "a team base image with ONBUILD triggers (`ONBUILD ARG/COPY/RUN`), which run in its children",
        stages=((None, "golang:1.26"),),
        pins=((2, "1.26"),),
        cmd=exec_form("app"),
        program="app",
    ),
    Row(
        "onbuild-consumer.Dockerfile",
        "the old `FROM golang:1.8-onbuild`: everything, CMD included, comes from the base",
        stages=((None, "golang:1.8-onbuild"),),
        pins=((2, "1.8"),),
    ),
    Row(
        "heredoc-run-script.Dockerfile",
        "`RUN <<EOF` script and `COPY <<EOF` file whose body holds FROM/ARG words that are text",
        stages=(("build", "golang:1.26.8-alpine"), (None, "alpine:3.22")),
        pins=((2, "1.26.8"),),
        entrypoint=exec_form("/usr/sbin/daemon"),
        program="/usr/sbin/daemon",
        directives=((1, "syntax", "docker/dockerfile:1"),),
    ),
    Row(
        "heredoc-tabs-and-two-docs.Dockerfile",
        "`RUN <<-EOT sh` with tab-indented body and end word, `COPY <<CONF <<ENVFILE` on one line",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        args=names("QUEUE_USER"),
        pins=((2, "1.26"),),
        entrypoint=exec_form("queue", "--config", "/etc/queue/CONF"),
        program="queue",
        directives=((1, "syntax", "docker/dockerfile:1.7"),),
    ),
    Row(
        "syntax-and-check-directives.Dockerfile",
        "`# syntax=` and `# check=` directives; shell-form ENTRYPOINT on distroless",
        stages=(("build", "golang:1.26.8"), (None, "gcr.io/distroless/static-debian12")),
        pins=((3, "1.26.8"),),
        entrypoint=shell_form("/bin/api"),
        program="/bin/api",
        directives=(
            (1, "syntax", "docker/dockerfile:1.7"),
            (2, "check", "skip=JSONArgsRecommended"),
        ),
    ),
    Row(
        "escape-backtick-windows.Dockerfile",
        "Windows: `# escape=`` `, backtick continuations, C:\\ paths, windowsservercore builder",
        stages=(
            ("build", "golang:1.26-windowsservercore-ltsc2022"),
            (None, "mcr.microsoft.com/windows/nanoserver:ltsc2022"),
        ),
        pins=((3, "1.26"),),
        entrypoint=exec_form("C:\\app\\collector.exe"),
        program="C:\\app\\collector.exe",
        directives=((1, "escape", "`"),),
    ),
    Row(
        "escape-after-comment-is-comment.Dockerfile",
        "`# escape=`` ` after an ordinary comment is a comment; `\\` stays the escape (seen in a real build)",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((3, "1.26"),),
        entrypoint=exec_form("/report"),
        program="/report",
    ),
    Row(
        "cmd-shell-form.Dockerfile",
        "single stage on golang, shell-form `CMD ./app` run from WORKDIR",
        stages=((None, "golang:1.26-alpine"),),
        pins=((1, "1.26"),),
        cmd=shell_form("./app"),
        program="/go/src/app/app",
    ),
    Row(
        "entrypoint-shell-form.Dockerfile",
        "shell-form `ENTRYPOINT ./goapp`, so the exec-form CMD after it is never passed on",
        stages=(("build-env", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=shell_form("./goapp"),
        cmd=exec_form("--port", "8080"),
        program="/app/goapp",
    ),
    Row(
        "tini-init.Dockerfile",
        '`ENTRYPOINT ["/sbin/tini", "--"]` with the service in CMD',
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/sbin/tini", "--"),
        cmd=exec_form("/usr/local/bin/scheduler", "--interval=30s"),
        program="/usr/local/bin/scheduler",
    ),
    Row(
        "tini-sh-exec-env.Dockerfile",
        "tini running `sh -c 'exec $RUN_BINARY'`, the program named by an ENV",
        stages=((None, "alpine:3.22"),),
        entrypoint=exec_form("/sbin/tini", "--", "sh", "-c", "exec $RUN_BINARY"),
        program="/bin/poller",
    ),
    Row(
        "sh-c-cd-exec.Dockerfile",
        '`ENTRYPOINT ["sh", "-c", "cd /srv && exec ./app"]`',
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("sh", "-c", "cd /srv && exec ./app"),
        program="/srv/app",
    ),
    Row(
        "su-exec-drop-privileges.Dockerfile",
        '`ENTRYPOINT ["su-exec", "user:group"]` with the service in CMD',
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("su-exec", "storage:storage"),
        cmd=exec_form("/usr/local/bin/storage", "serve"),
        program="/usr/local/bin/storage",
    ),
    Row(
        "gosu-cmd.Dockerfile",
        'Debian final running `CMD ["gosu", "user", "program", ...]`',
        stages=(("build", "golang:1.26-bookworm"), (None, "debian:bookworm-slim")),
        pins=((1, "1.26"),),
        cmd=exec_form("gosu", "mailer", "mailer", "--smtp=:2525"),
        program="mailer",
    ),
    Row(
        "env-prefix-shell-cmd.Dockerfile",
        "shell-form `CMD env GODEBUG=... /app`",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        cmd=shell_form("env GODEBUG=http2client=0 /app"),
        program="/app",
    ),
    Row(
        "entrypoint-script.Dockerfile",
        "`docker-entrypoint.sh` from the context as ENTRYPOINT: what it execs is not in the Dockerfile",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("docker-entrypoint.sh"),
        cmd=exec_form("ledger"),
        # From the Dockerfile alone the script is the program; the image's copy is followed.
        program="docker-entrypoint.sh",
    ),
    Row(
        "user-from-arg.Dockerfile",
        "`ARG RUNAS=10001` in the final stage, `USER ${RUNAS}`, `COPY --chown=${RUNAS}`",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        args=names("RUNAS"),
        pins=((1, "1.26"),),
        entrypoint=exec_form("./cache"),
        program="/home/cache/cache",
    ),
    Row(
        "sed-version-placeholder.Dockerfile",
        '`sed -i "s/<<VERSION>>/${VERSION}/"`: a placeholder, not a heredoc; an ARG follows',
        stages=(("build", "golang:1.26.8-alpine"), (None, "scratch")),
        args=names("VERSION", "COMMIT"),
        pins=((1, "1.26.8"),),
        entrypoint=exec_form("/cli"),
        program="/cli",
    ),
    Row(
        "here-string-bash.Dockerfile",
        '`SHELL ["/bin/bash", ...]` and a here-string `<<<`, which is no heredoc',
        stages=(("build", "golang:1.26-bookworm"), (None, "debian:bookworm-slim")),
        args=names("LDFLAGS"),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/usr/bin/proxy"),
        program="/usr/bin/proxy",
    ),
    Row(
        "lowercase-instructions.Dockerfile",
        "every instruction in lower case (`from ... as build`, `copy --from=build`)",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/usr/bin/chat"),
        program="/usr/bin/chat",
    ),
    Row(
        "comments-in-continuation.Dockerfile",
        "comment lines and an empty line inside `\\` continuations; later lines keep their numbers",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        args=names("EXTRA_TAGS"),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/usr/local/bin/feeder"),
        program="/usr/local/bin/feeder",
    ),
    Row(
        "target-stages.Dockerfile",
        "dev/build/release/debug stages built with `--target release`; the debug stage comes after it",
        stages=(
            ("dev", "golang:1.26-alpine"),
            ("build", "dev"),
            ("release", "gcr.io/distroless/static-debian12:nonroot"),
            ("debug", "golang:1.26-alpine"),
        ),
        pins=((2, "1.26"), (15, "1.26")),
        entrypoint=exec_form("/web"),
        program="/web",
        target="release",
    ),
    Row(
        "hugo-docs-no-go.Dockerfile",
        "a docs site: node assets, Hugo, nginx; no Go at all",
        stages=(
            ("assets", "node:22-alpine"),
            ("hugo", "hugomods/hugo:exts-0.147.0"),
            (None, "nginx:1.27-alpine"),
        ),
        cmd=exec_form("nginx", "-g", "daemon off;"),
        program="nginx",
    ),
    Row(
        "secret-and-ssh-mounts.Dockerfile",
        "`RUN --mount=type=secret,id=netrc` and `--mount=type=ssh` for private modules, a secret as env",
        stages=(("build", "golang:1.26-alpine"), (None, "scratch")),
        pins=((2, "1.26"),),
        entrypoint=exec_form("/orders"),
        program="/orders",
        directives=((1, "syntax", "docker/dockerfile:1"),),
    ),
    Row(
        "copy-link-chmod.Dockerfile",
        "`COPY --link` everywhere and `COPY --link --from=build --chmod=0755`",
        stages=(("build", "golang:1.26"), (None, "gcr.io/distroless/static-debian12")),
        pins=((2, "1.26"),),
        entrypoint=exec_form("/usr/bin/tunnel"),
        program="/usr/bin/tunnel",
        directives=((1, "syntax", "docker/dockerfile:1.7"),),
    ),
    Row(
        "registry-prefixed-golang.Dockerfile",
        "golang through docker.io/library, a mirror and a registry with a port; golangci-lint is not golang",
        stages=(
            ("build", "docker.io/library/golang:1.26.8-bookworm"),
            ("vet", "mirror.gcr.io/library/golang:1.26"),
            ("ci", "registry.internal:5000/golang:1.26-alpine"),
            ("lint", "golangci/golangci-lint:v2.1"),
            (None, "debian:bookworm-slim"),
        ),
        pins=((1, "1.26.8"), (6, "1.26"), (9, "1.26")),
        entrypoint=exec_form("/usr/local/bin/app"),
        program="/usr/local/bin/app",
    ),
    Row(
        "json-single-quotes.Dockerfile",
        "`ENTRYPOINT ['/app']` is not JSON, so BuildKit takes the shell form (seen in a real build)",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=shell_form("['/app']"),
        # sh strips the quotes and runs `[/app]` relative to WORKDIR /.
        program="/[/app]",
    ),
    Row(
        "healthcheck-cmd.Dockerfile",
        "`HEALTHCHECK ... CMD [...]` beside ENTRYPOINT and CMD: its CMD is not the image's",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/bin/inventory"),
        cmd=exec_form("serve"),
        program="/bin/inventory",
    ),
    Row(
        "crlf-line-endings.Dockerfile",
        "CRLF line endings (a Windows checkout) with a `\\` continuation",
        stages=(("build", "golang:1.26-alpine"), (None, "alpine:3.22")),
        pins=((1, "1.26"),),
        entrypoint=exec_form("/bot"),
        program="/bot",
    ),
    Row(
        "utf8-bom.Dockerfile",
        "a UTF-8 BOM before `# syntax=`, Go version in a global ARG",
        stages=(("build", "golang:${GO_VERSION}-alpine"), (None, "scratch")),
        args=names("GO_VERSION"),
        pins=((3, "1.26.8"),),
        entrypoint=exec_form("/metrics"),
        program="/metrics",
        build_args={"GO_VERSION": "1.26"},
        pins_with_build_args=((3, "1.26"),),
        directives=((1, "syntax", "docker/dockerfile:1"),),
    ),
    Row(
        "windows-notepad-bom-crlf.Dockerfile",
        "Windows file saved by Notepad: BOM, CRLF and `# escape=`` ` together (BuildKit honours the escape: seen in a real build)",
        stages=(
            ("build", "golang:${GO_VERSION}-nanoserver-ltsc2022"),
            (None, "mcr.microsoft.com/windows/nanoserver:ltsc2022"),
        ),
        args=names("GO_VERSION"),
        pins=((3, "1.26"),),
        entrypoint=exec_form("C:\\agent.exe"),
        program="C:\\agent.exe",
        directives=((1, "escape", "`"),),
    ),
    Row(
        "error-unterminated-heredoc.Dockerfile",
        "a `RUN <<EOF` closed with the wrong word: BuildKit refuses the file",
        error=(5, "unterminated heredoc"),
    ),
    Row(
        "error-only-comments.Dockerfile",
        "a placeholder Dockerfile with only comments",
        error=(0, "file with no instructions"),
    ),
)
