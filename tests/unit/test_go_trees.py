"""Go's own files in an image's layers (gofacts/go_trees.py): the Go toolchain's source and the
modules the go command downloaded, whose test keys the secrets check leaves out, and the
team's files beside and inside them, which it keeps (no engine)."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.go_trees import (
    GoTrees,
    left_out_note,
    matches_private,
    private_patterns,
    toolchain_roots,
)
from pytest_goimage.gofacts.layers import final_files

GOROOT = "usr/local/go"
# The layers of golang:1.26-alpine and of a single-stage build FROM it, as the engine lists
# them: path -> size, whiteouts -1.
ALPINE = {"etc/os-release": 400, "etc/ssl/private/.keep": 0, "bin/busybox": 800_000}
GO_DISTRIBUTION = {
    f"{GOROOT}/VERSION": 45,
    f"{GOROOT}/bin/go": 13_000_000,
    f"{GOROOT}/bin/gofmt": 3_000_000,
    f"{GOROOT}/src/runtime/proc.go": 200_000,
    f"{GOROOT}/src/crypto/tls/testdata/example-key.pem": 241,
    f"{GOROOT}/src/crypto/tls/testdata/example-cert.pem": 591,
    f"{GOROOT}/src/crypto/x509/platform_root_key.pem": 227,
    f"{GOROOT}/lib/time/zoneinfo.zip": 400_000,
}
GOPATH = {"go/.wh..wh..opq": -1}
MODCACHE = "go/pkg/mod"
PQ = f"{MODCACHE}/github.com/lib/pq@v1.10.9"
ACME = f"{MODCACHE}/github.com/!acme-!corp/certs@v0.3.0"
MOD_DOWNLOAD = {  # RUN go mod download
    f"{MODCACHE}/cache/download/github.com/lib/pq/@v/v1.10.9.zip": 120_000,
    f"{MODCACHE}/cache/download/github.com/lib/pq/@v/v1.10.9.ziphash": 47,
    f"{MODCACHE}/cache/download/github.com/lib/pq/@v/v1.10.9.mod": 30,
    f"{PQ}/testdata/certs/server.key": 1_700,
    f"{PQ}/testdata/certs/postgresql.key": 1_700,
    f"{PQ}/conn.go": 60_000,
    f"{MODCACHE}/cache/download/github.com/!acme-!corp/certs/@v/v0.3.0.ziphash": 47,
    f"{ACME}/testdata/server.key": 1_700,
}
APP = {"app/go.mod": 40, "app/main.go": 300, "app/key.pem": 1_700, "app/.env": 30}


def trees(
    *layers: dict[str, int], env: dict[str, str] | None = None, history: tuple[str, ...] = ()
) -> GoTrees:
    listing = list(layers)
    return GoTrees.of(listing, final_files(listing), env or {}, history)


def test_the_golang_images_toolchain_keys_are_gos_and_the_teams_key_is_not() -> None:
    go = trees(ALPINE, GO_DISTRIBUTION, GOPATH, APP)
    assert go.roots == (GOROOT,)
    owner = "/usr/local/go/src (the Go toolchain's source)"
    assert go.owner(f"{GOROOT}/src/crypto/tls/testdata/example-key.pem") == owner
    assert go.owner(f"{GOROOT}/src/crypto/x509/platform_root_key.pem") == owner
    assert go.owner("app/key.pem") is None
    assert go.owner("app/.env") is None


def test_a_key_a_later_layer_puts_into_the_toolchain_is_the_teams() -> None:
    """`WORKDIR /usr/local/go/src/app` + `COPY . .`, or a COPY over one of Go's own files: the
    layer that ships them does not ship the toolchain's VERSION."""
    team = {
        f"{GOROOT}/src/app/key.pem": 1_700,
        f"{GOROOT}/src/crypto/tls/testdata/example-key.pem": 1_700,
    }
    go = trees(ALPINE, GO_DISTRIBUTION, team)
    assert go.owner(f"{GOROOT}/src/app/key.pem") is None
    assert go.owner(f"{GOROOT}/src/crypto/tls/testdata/example-key.pem") is None
    assert go.owner(f"{GOROOT}/src/crypto/x509/platform_root_key.pem") is not None


def test_only_the_toolchains_source_is_gos() -> None:
    """A key in the toolchain's folder outside src/ is no part of Go's source, even in the layer
    that installed Go (a RUN that unpacks Go and writes a key)."""
    go = trees(ALPINE, {**GO_DISTRIBUTION, f"{GOROOT}/key.pem": 1_700, f"{GOROOT}/bin/tls.key": 9})
    assert go.owner(f"{GOROOT}/key.pem") is None
    assert go.owner(f"{GOROOT}/bin/tls.key") is None


def test_a_toolchain_needs_version_the_go_command_and_the_runtime_source() -> None:
    """A team's project with a VERSION file and a src/runtime package is no Go toolchain."""
    project = {
        "app/VERSION": 6,
        "app/src/runtime/config.go": 300,
        "app/src/certs/server.key": 1_700,
        "srv/VERSION": 6,
        "srv/bin/go": 10,
        "srv/src/certs/server.key": 1_700,
        "opt/VERSION": 6,
        "opt/bin/go": 10,
        "opt/src/runtime/internal/sys/arch.go": 10,  # not a file of src/runtime itself
        "opt/src/certs/server.key": 1_700,
    }
    go = trees(ALPINE, project)
    assert go.roots == ()
    assert [go.owner(f"{root}/src/certs/server.key") for root in ("app", "srv", "opt")] == [
        None,
        None,
        None,
    ]


def test_toolchains_anywhere_and_at_the_root() -> None:
    sdk = "root/sdk/go1.25.3"
    listing = {f"{sdk}/{path[len(GOROOT) + 1 :]}": size for path, size in GO_DISTRIBUTION.items()}
    at_root = {path[len(GOROOT) + 1 :]: size for path, size in GO_DISTRIBUTION.items()}
    assert toolchain_roots([*GO_DISTRIBUTION, *listing, *at_root]) == ["", sdk, GOROOT]
    go = trees(listing, at_root)
    assert go.owner(f"{sdk}/src/crypto/x509/platform_root_key.pem") == (
        "/root/sdk/go1.25.3/src (the Go toolchain's source)"
    )
    assert go.owner("src/crypto/x509/platform_root_key.pem") == "/src (the Go toolchain's source)"
    assert go.owner("app/key.pem") is None


def test_a_downloaded_modules_files_are_gos() -> None:
    go = trees(ALPINE, GO_DISTRIBUTION, GOPATH, MOD_DOWNLOAD, APP)
    assert go.owner(f"{PQ}/testdata/certs/server.key") == (
        "/go/pkg/mod/github.com/lib/pq@v1.10.9 (a downloaded module)"
    )
    assert go.owner(f"{ACME}/testdata/server.key") == (
        "/go/pkg/mod/github.com/!acme-!corp/certs@v0.3.0 (a downloaded module)"
    )
    assert go.owner(f"{MODCACHE}/cache/download/github.com/lib/pq/@v/v1.10.9.zip") is None


def test_a_modules_key_outside_its_testdata_is_the_teams() -> None:
    """A private module fetched through a proxy (GOPROXY=artifactory, GOSUMDB=off), or a cache
    copied from a builder stage: nothing need name it private, and a key outside testdata/
    may be its real one."""
    real = {f"{ACME}/prod/server.key": 1_700, f"{PQ}/certs/server.key": 1_700}
    env = {"GOPROXY": "https://artifactory.acme.example/go", "GOSUMDB": "off"}
    go = trees(ALPINE, {**MOD_DOWNLOAD, **real}, env=env)  # downloaded with the rest
    assert go.owner(f"{ACME}/prod/server.key") is None
    assert go.owner(f"{PQ}/certs/server.key") is None
    assert go.owner(f"{PQ}/testdata/certs/server.key") is not None


def test_a_module_folder_the_go_command_did_not_download_is_the_teams() -> None:
    """No zip or zip hash in the layer that ships it: a COPY into the cache, or the download
    record is of another version, or the record ships in another layer."""
    copied = {
        f"{MODCACHE}/example.com/keys@v1.0.0/testdata/server.key": 1_700,
        f"{MODCACHE}/cache/download/example.com/keys/@v/v1.0.0.mod": 30,
        f"{MODCACHE}/cache/download/github.com/lib/pq/@v/v1.10.8.zip": 10,
        f"{PQ}/testdata/certs/server.key": 1_700,
    }
    go = trees(ALPINE, MOD_DOWNLOAD, copied)
    assert go.owner(f"{MODCACHE}/example.com/keys@v1.0.0/testdata/server.key") is None
    assert go.owner(f"{PQ}/testdata/certs/server.key") is None  # overwritten by the later layer
    assert go.owner(f"{PQ}/testdata/certs/postgresql.key") is not None
    # The same shape outside a module cache, and a version that is no version.
    other = {
        "app/mod/example.com/keys@v1.0.0/testdata/server.key": 1,
        "app/mod/cache/download/example.com/keys/@v/v1.0.0.zip": 1,
        f"{MODCACHE}/example.com/keys@latest/testdata/server.key": 1,
        f"{MODCACHE}/cache/download/example.com/keys/@v/latest.zip": 1,
    }
    go = trees(other)
    assert [go.owner(path) for path in other if path.endswith(".key")] == [None, None]


@pytest.mark.parametrize(
    ("env", "history"),
    [
        ({"GOPRIVATE": "github.com/Acme-Corp"}, ()),
        ({}, ("RUN |1 GOPRIVATE=github.com/Acme-Corp/* /bin/sh -c go mod download # buildkit",)),
        ({}, ("RUN /bin/sh -c go env -w GONOSUMDB='*.corp.example,github.com/Acme-Corp/certs'",)),
        ({}, ('RUN /bin/sh -c GOPRIVATE="github.com/Acme-Corp/" go mod download',)),
    ],
)
def test_a_private_modules_keys_are_the_teams(
    env: dict[str, str], history: tuple[str, ...]
) -> None:
    """GOPRIVATE or GONOSUMDB, set in ENV, as a build argument or in a command, names the
    team's own modules; the cache escapes their capitals (`!acme-!corp`)."""
    go = trees(ALPINE, GO_DISTRIBUTION, MOD_DOWNLOAD, env=env, history=history)
    assert go.owner(f"{ACME}/testdata/server.key") is None
    assert go.owner(f"{PQ}/testdata/certs/server.key") is not None
    assert go.owner(f"{GOROOT}/src/crypto/x509/platform_root_key.pem") is not None


def test_private_patterns_are_read_from_env_and_history() -> None:
    env = {"GOPRIVATE": "git.corp.example, github.com/acme/", "GONOPROXY": "proxy.only"}
    history = [
        "ENV GOPRIVATE=git.corp.example, github.com/acme/",
        "RUN |2 GONOSUMDB=gitlab.example/team GOPROXY=off /bin/sh -c make",
        'RUN /bin/sh -c go env -w GOPRIVATE="a.example" && XGOPRIVATE=no.example true',
        "RUN /bin/sh -c export GONOSUMDB='b.example,,c.example';go build",
    ]
    assert private_patterns(env, history) == (
        "git.corp.example",
        "github.com/acme",
        "gitlab.example/team",
        "a.example",
        "b.example",
        "c.example",
    )
    assert private_patterns({}, ["RUN /bin/sh -c go build"]) == ()


def test_private_patterns_match_leading_path_elements_as_go_does() -> None:
    assert matches_private("github.com/acme/certs", ["github.com/acme"])
    assert matches_private("github.com/acme", ["github.com/acme"])
    assert matches_private("git.corp.example/a/b", ["*.corp.example"])
    assert matches_private("github.com/acme/certs/v2", ["other.example", "github.com/*/certs"])
    assert not matches_private("github.com/acmeco/certs", ["github.com/acme"])
    assert not matches_private("github.com/acme", ["github.com/acme/certs"])
    assert not matches_private("corp.example/a", ["*.corp.example"])
    assert not matches_private("github.com/acme/certs", [])


def test_the_note_counts_what_was_left_out_by_place() -> None:
    assert left_out_note([]) == ""
    toolchain = "/usr/local/go/src (the Go toolchain's source)"
    assert left_out_note([toolchain, toolchain]) == (
        "Left out 2 secret-looking file(s) that ship with Go, not with the team: 2 in "
        "/usr/local/go/src (the Go toolchain's source)"
    )
    modules = [f"/go/pkg/mod/example.com/m{n}@v1.0.0 (a downloaded module)" for n in range(5)]
    note = left_out_note([modules[4], toolchain, *modules, toolchain, toolchain])
    assert note.startswith("Left out 9 secret-looking file(s)")
    assert note.endswith(
        ": 3 in /usr/local/go/src (the Go toolchain's source), "
        "2 in /go/pkg/mod/example.com/m4@v1.0.0 (a downloaded module), "
        "1 in /go/pkg/mod/example.com/m0@v1.0.0 (a downloaded module), "
        "1 in /go/pkg/mod/example.com/m1@v1.0.0 (a downloaded module), 2 more place(s); "
        "a module's testdata/ counts once GOPRIVATE or GONOSUMDB names the module"
    )
