"""`bucket` and `health` beside a real MinIO; the fixtures; nothing is left behind."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import docker
import pytest

from pytest_goimage.build.minio_image import ensure_minio_image
from pytest_goimage.engine.minio_server import SERVER_ARGS, server_command
from pytest_goimage.engine.names import slug
from tests.conftest import image_tags, outcomes, plugin_resources, run_pytest_until, shared_dir

ENV = """
[tool.goimage.env]
STORAGE_ENDPOINT = "{minio.endpoint}"
STORAGE_ACCESS_KEY = "{minio.access_key}"
STORAGE_SECRET_KEY = "{minio.secret_key}"
STORAGE_BUCKET = "{bucket}"
STORAGE_STARTUP_TIMEOUT = "5s"
"""


def service_config(dockerfile: str = "backend/Dockerfile", extra: str = "", env: str = ENV) -> str:
    return f"""
[tool.goimage]
dockerfiles = ["{dockerfile}"]
bucket = "bookmarks"
startup_timeout = "10s"
{extra}
{env}
"""


def variant_dockerfile(root: Path) -> str:
    """backend/Dockerfile without `-a`, so a one-file change recompiles one package, not all."""
    source = (root / "backend/Dockerfile").read_text()
    (root / "Dockerfile.variant").write_text(source.replace(" -a -installsuffix cgo", ""))
    return "Dockerfile.variant"


def run_at_startup(root: Path, go_code: str) -> None:
    """Insert Go statements at the top of the service's run(), and test the faster-building
    variant Dockerfile (see variant_dockerfile) instead of backend/Dockerfile."""
    main_go = root / "backend/cmd/api/main.go"
    head = "func run(logger *log.Logger) int {\n"
    main_go.write_text(main_go.read_text().replace(head, head + go_code))
    configure_variant(root)


def configure_variant(root: Path) -> None:
    """Configure the variant Dockerfile (see variant_dockerfile) instead of backend/Dockerfile."""
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("backend/Dockerfile", variant_dockerfile(root))
    )


def test_goimage_minio_fixture(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A fresh MinIO: empty, random credentials, published on 127.0.0.1 only, removed after."""
    example_copy(service_config())
    pytester.makepyfile(
        test_minio="""
        import requests

        def test_minio(goimage_minio):
            assert goimage_minio.client.list_buckets() == []
            assert goimage_minio.access_key != "minioadmin"
            assert len(goimage_minio.secret_key) >= 24
            assert goimage_minio.url.startswith("http://127.0.0.1:")
            assert goimage_minio.internal_url == "http://minio:9000"
            host_config = goimage_minio.container.attrs["HostConfig"]
            ports = host_config["PortBindings"]["9000/tcp"]
            assert [p["HostIp"] for p in ports] == ["127.0.0.1"]
            assert host_config["Privileged"] is False
            assert not host_config.get("Binds")  # no docker.sock, no host paths
            live = requests.get(goimage_minio.url + "/minio/health/live", timeout=2)
            assert live.status_code == 200
            goimage_minio.client.make_bucket("scratch-bucket")
            # Both ports fixed: a random console port made restart() fail now and then.
            args = goimage_minio.container.attrs["Args"]
            assert args[args.index("--console-address") + 1] == ":9001"
            goimage_minio.restart()
            assert [b.name for b in goimage_minio.client.list_buckets()] == ["scratch-bucket"]
        """
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)


# A MinIO image laid out like the official one: a shell entrypoint that puts `minio` before
# arguments that are not a command, and a bare `minio` CMD that alone only prints usage.
OFFICIAL_LAYOUT_DOCKERFILE = """\
FROM {minio} AS minio
FROM alpine:3.22
COPY --from=minio /usr/bin/minio /usr/bin/minio
COPY entrypoint.sh /usr/bin/entrypoint.sh
ENTRYPOINT ["/usr/bin/entrypoint.sh"]
CMD ["minio"]
"""
OFFICIAL_LAYOUT_ENTRYPOINT = """\
#!/bin/sh
if [ -n "$1" ] && [ "$1" != "minio" ]; then set -- minio "$@"; fi
exec "$@"
"""


def test_minio_image_laid_out_like_the_official_one_serves(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    tmp_path: Path,
    no_leaks: None,
) -> None:
    """`minio_image` for one image only: that image's MinIO runs it (as a server, though its
    CMD is a bare `minio`), the other image keeps the default, and both pass."""
    default = ensure_minio_image(docker_client, None, lambda message: None)
    (tmp_path / "Dockerfile").write_text(OFFICIAL_LAYOUT_DOCKERFILE.format(minio=default))
    (tmp_path / "entrypoint.sh").write_text(OFFICIAL_LAYOUT_ENTRYPOINT)
    (tmp_path / "entrypoint.sh").chmod(0o755)
    official = "goimage-test/minio-official-layout:1"
    docker_client.images.build(path=str(tmp_path), tag=official, rm=True)
    example_copy(
        f"""
        [tool.goimage]
        dockerfiles = ["backend/Dockerfile", "Dockerfile.prod"]
        bucket = "bookmarks"
        startup_timeout = "10s"

        [[tool.goimage.image]]
        dockerfile = "Dockerfile.prod"
        minio_image = "{official}"
        {ENV}
        """
    )
    pytester.makepyfile(
        test_which=f"""
        def test_which_minio(goimage, goimage_minio):
            expected = {{"Dockerfile.prod": "{official}", "backend/Dockerfile": "{default}"}}
            assert goimage_minio.image == expected[goimage.dockerfile]
        """
    )
    try:
        result = pytester.runpytest_subprocess(
            "--goimage", "-v", "-p", "no:randomly", "-k", "bucket or health or which_minio"
        )
    finally:
        docker_client.images.remove(official)
    result.assert_outcomes(passed=6)


@pytest.mark.parametrize(
    ("entrypoint", "cmd", "expected"),
    [
        # The official image: an entrypoint script and a bare `minio`.
        (["/usr/bin/docker-entrypoint.sh"], ["minio"], SERVER_ARGS),
        # Our own source build names `server` already.
        (["/usr/bin/minio"], ["server", "/data", "--address", ":9000", "--quiet"], None),
        # The binary as entrypoint with no arguments; the binary on PATH and nothing else.
        (["/usr/bin/minio"], None, SERVER_ARGS),
        (None, ["minio"], ["minio", *SERVER_ARGS]),
        (None, None, ["minio", *SERVER_ARGS]),
        # An image with its own start script (as Bitnami's) is run as built.
        (["/opt/scripts/entrypoint.sh"], ["/opt/scripts/run.sh"], None),
    ],
)
def test_server_command_only_completes_a_bare_minio(
    entrypoint: list[str] | None, cmd: list[str] | None, expected: list[str] | None
) -> None:
    assert server_command({"Entrypoint": entrypoint, "Cmd": cmd}) == expected


def test_a_minio_image_that_cannot_be_had_is_tried_once(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """No registry here: the pull fails once, and every check that needs MinIO says why."""
    example_copy(service_config(extra='minio_image = "goimage-test/no-such-minio:1"'))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket or health")
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}, (
        result.stdout.str()
    )
    out = result.stdout.str()
    assert out.count("pulling goimage-test/no-such-minio:1") == 1, out
    said = f"{pytester.path / 'pyproject.toml'}: minio_image = 'goimage-test/no-such-minio:1' is "
    assert out.count(said + "not on the engine and could not be pulled") >= 2, out


def test_a_minio_image_that_is_not_minio_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """alpine's CMD is a shell that exits at once: the message says it exited and what a
    `minio_image` must be, not that a port went unpublished."""
    example_copy(service_config(extra='minio_image = "alpine:3.22"'))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket")
    assert outcomes(result, short=True) == {"bucket": "FAILED"}, result.stdout.str()
    out = " ".join(result.stdout.str().split())
    assert "MinIO from image alpine:3.22 exited with code 0" in out, out
    assert "set `minio_image` in [tool.goimage] to such an image" in out, out
    assert "published no port" not in out, out


def test_a_failed_service_setup_leaves_goimage_minio_usable(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The unhealthy service goes; the MinIO that goimage_minio handed out stays up."""
    example_copy(service_config(extra='health_path = "/nowhere"').replace('"10s"', '"6s"'))
    pytester.makepyfile(
        test_order="""
        def test_needs_the_service(goimage_service):
            pass

        def test_needs_only_minio(goimage_minio):
            assert [b.name for b in goimage_minio.client.list_buckets()] == ["bookmarks"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    out = result.stdout.str()
    # The fixture says what the health check says, once (not chained to a caught error).
    assert out.count("GET /nowhere on container port 8080/tcp (http://127.0.0.1:") == 1, out
    # 6 s from the container's start, as for the health check: long enough for the service to
    # have answered (with 404) also on a loaded machine.
    assert "never answered 2xx: within startup_timeout (6s) the last answer was HTTP 404" in out, (
        out
    )
    assert "During handling of the above exception" not in out, out


def test_service_fixture_and_checks_pass(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(service_config())
    pytester.makepyfile(
        test_service="""
        import requests

        def test_service(goimage_service):
            assert requests.get(goimage_service.url + "/health", timeout=2).json() == {"status": "ok"}
            assert 'bucket "bookmarks" ready' in goimage_service.logs()
            assert goimage_service.has_shell
            assert goimage_service.host.file("/usr/local/bin/bookmark-api").exists
            host_config = goimage_service.docker_container.attrs["HostConfig"]
            assert host_config["Privileged"] is False and not host_config.get("Binds")
            ports = host_config["PortBindings"]["8080/tcp"]
            assert [p["HostIp"] for p in ports] == ["127.0.0.1"]
            # The MinIO secret reaches the service, but never the run's output or logs.
            with open("secret.txt", "w") as handle:
                handle.write(goimage_service.minio.secret_key)
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "--goimage-report=report.json")
    # tracked, provenance: no git; user: not required; metadata: no policy; parity: one image
    result.assert_outcomes(passed=8, skipped=5)
    logs = "".join(p.read_text() for p in shared_dir(result).glob("*.log"))
    report = (pytester.path / "report.json").read_text()
    secret = (pytester.path / "secret.txt").read_text()
    assert len(secret) >= 24
    for text in (result.stdout.str(), logs, report):
        assert secret not in text


def test_testinfra_host_on_an_image_without_a_shell(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Dockerfile.prod is FROM scratch: `has_shell` lets a test skip, `host` says why not."""
    example_copy(service_config("Dockerfile.prod"))
    pytester.makepyfile(
        test_host="""
        import pytest

        def test_host(goimage_service):
            assert not goimage_service.has_shell
            with pytest.raises(Exception, match="has no /bin/sh .a scratch or distroless image."):
                goimage_service.host
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "test_host")
    result.assert_outcomes(passed=1)


def test_service_that_never_creates_its_bucket(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Configuration drift: the service creates (and health-checks) another bucket."""
    example_copy(service_config(env=ENV.replace('"{bucket}"', '"bookmarks-v2"')))
    result = pytester.runpytest_subprocess("--goimage", "-v")
    assert outcomes(result, short=True) == {
        "go-version": "PASSED",
        "tracked": "SKIPPED",
        "build": "PASSED",
        "static": "PASSED",
        "size": "PASSED",
        "secrets": "PASSED",
        "user": "SKIPPED",
        "metadata": "SKIPPED",
        "provenance": "SKIPPED",
        "bucket": "FAILED",
        "health": "PASSED",
        "parity": "SKIPPED",  # one image: nothing to compare
    }
    out = result.stdout.str()
    assert (
        "backend/Dockerfile: the service did not create bucket 'bookmarks': it did not appear "
        "within startup_timeout (10s). Buckets in its MinIO: bookmarks-v2." in out
    ), out
    assert (
        "No variable in [tool.goimage.env] passes {bucket} (or 'bookmarks'), so the service may "
        "not know which bucket to create." in out
    )
    assert "Last log lines of the service:" in out
    assert 'bucket "bookmarks-v2" ready' in out


def test_wrong_storage_credentials_are_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The env passes a stale secret: MinIO refuses it, and the failure says so."""
    root = example_copy(service_config(env=ENV.replace('"{minio.secret_key}"', '"stale-secret"')))
    run_at_startup(root, "")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket or health")
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}
    out = result.stdout.str()
    assert (
        ": MinIO refused its credentials. Pass {minio.access_key} and {minio.secret_key} in "
        "[tool.goimage.env] to the variables the service reads." in out
    ), out


def test_a_storage_client_left_on_tls_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 35A: `STORAGE_USE_SSL = "true"` against MinIO's plain HTTP: minio-go says
    "server gave HTTP response to HTTPS client", and the failure said only that the bucket was
    missing."""
    example_copy(service_config(env=ENV + 'STORAGE_USE_SSL = "true"\n'))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket or health")
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    hint = (
        "Its log shows it speaking TLS to minio, which serves plain HTTP on the image's network "
        "(`server gave HTTP response to HTTPS client`): [tool.goimage.env] sets "
        'STORAGE_USE_SSL = "true": turn TLS off there ("false", an http:// address).'
    )
    assert out.count(hint) >= 2, out  # under bucket and under health


def test_health_answering_503(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    root = example_copy("")
    api_go = root / "backend/pkg/api/api.go"
    api_go.write_text(
        api_go.read_text().replace(
            'writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})',
            'writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "draining"})',
        )
    )
    (root / "pyproject.toml").write_text(
        service_config(variant_dockerfile(root), extra='startup_timeout = "3s"').replace(
            'startup_timeout = "10s"\n', ""
        )
    )
    result = pytester.runpytest_subprocess("--goimage", "-v")
    assert outcomes(result, short=True)["health"] == "FAILED"
    assert outcomes(result, short=True)["bucket"] == "PASSED"
    out = result.stdout.str()
    assert re.search(
        r"GET /health on container port 8080/tcp \(http://127\.0\.0\.1:\d+/health\) never answered "
        r"2xx: within startup_timeout \(3s\) the last answer was HTTP 503: \{\"status\":\"draining\"\}",
        out,
    ), out


def test_service_that_exits_at_startup(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A configuration mistake: the service exits at once; health says so without waiting."""
    example_copy(
        """
        [tool.goimage]
        dockerfiles = ["backend/Dockerfile"]
        startup_timeout = "60s"
        [tool.goimage.env]
        STORAGE_ACCESS_KEY = "{minio.access_key}"
        """
    )
    started = time.monotonic()
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health or bucket")
    took = time.monotonic() - started
    assert outcomes(result, short=True) == {"bucket": "SKIPPED", "health": "FAILED"}
    out = result.stdout.str()
    assert "the container exited with code 2" in out
    assert "configuration error: STORAGE_ENDPOINT is required but not set" in out
    assert took < 40, f"an exited container must stop the wait at once ({took:.0f}s)"


def test_service_crash_looping_under_a_supervisor(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The image restarts its binary in a loop, so the container stays up while the service
    crashes again and again: health fails within startup_timeout and shows the crashes."""
    root = example_copy(
        """
        [tool.goimage]
        dockerfiles = ["backend/Dockerfile.loop"]
        context = "."
        startup_timeout = "3s"
        [tool.goimage.env]
        STORAGE_ACCESS_KEY = "{minio.access_key}"
        """
    )
    loop = (
        'while true; do /usr/local/bin/bookmark-api; echo "exited $?, restarting"; sleep 0.2; done'
    )
    source = (root / "backend/Dockerfile").read_text()
    (root / "backend/Dockerfile.loop").write_text(
        source + f'ENTRYPOINT ["/bin/sh", "-c", "{loop.replace(chr(34), chr(92) + chr(34))}"]\n'
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = result.stdout.str()
    assert "never answered 2xx: within startup_timeout (3s) no answer: connection " in out, out
    assert out.count("configuration error: STORAGE_ENDPOINT is required but not set") >= 2, out
    assert "exited 2, restarting" in out


def test_service_killed_for_memory_is_reported_as_oom(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A startup cache that outgrows the production memory limit: the kernel's OOM kill is named."""
    root = example_copy(service_config(extra='memory_limit = "24MB"'))
    run_at_startup(
        root,
        "\twarm := [][]byte{}\n"
        "\tfor i := 0; i < 96; i++ {\n"
        "\t\tb := make([]byte, 1<<20)\n"
        "\t\tfor j := range b {\n\t\t\tb[j] = 1\n\t\t}\n"
        "\t\twarm = append(warm, b)\n"
        "\t}\n"
        '\tlogger.Printf("warmed %d MiB", len(warm))\n',
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health or bucket")
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}, (
        result.stdout.str()
    )
    out = result.stdout.str()
    assert (
        "the container exited with code 137 (killed by the kernel: out of memory; it needed "
        "more than its memory_limit of 24.0 MB)" in out
    ), out
    assert "Traceback" not in out


def test_service_exiting_on_a_full_disk_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The service cannot save its state at startup: ENOSPC (from /dev/full) is called out."""
    root = example_copy(service_config())
    run_at_startup(
        root,
        '\tif err := os.WriteFile("/dev/full", []byte("state"), 0o600); err != nil {\n'
        '\t\tlogger.Printf("saving state: %v", err)\n'
        "\t\treturn 1\n"
        "\t}\n",
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}, result.stdout.str()
    out = result.stdout.str()
    assert (
        "the container exited with code 1 after a write failed because a disk is full (no "
        "space left on device)" in out
    ), out
    assert "saving state: write /dev/full: no space left on device" in out


def test_a_failed_custom_test_shows_that_the_service_died_and_its_logs(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The service turns healthy, then a background goroutine panics. The user's test only
    sees "connection refused"; the report under it says the container exited, and why."""
    root = example_copy(service_config())
    run_at_startup(
        root,
        "\tgo func() {\n"
        "\t\ttime.Sleep(1500 * time.Millisecond)\n"
        '\t\tpanic("sync loop: assignment to entry in nil map")\n'
        "\t}()\n",
    )
    pytester.makepyfile(
        test_stays_up="""
        import time
        import requests

        def test_fails_while_it_runs(goimage_service):
            assert goimage_service.url == "nowhere"

        def test_stays_up(goimage_service):
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                requests.get(goimage_service.url + "/health", timeout=2).raise_for_status()
                time.sleep(0.1)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "test_stays_up.py")
    result.assert_outcomes(failed=2)
    out = result.stdout.str()
    assert "goimage service Dockerfile.variant" in out, out
    assert "the container exited with code 2 during the tests" in out, out
    assert "panic: sync loop: assignment to entry in nil map" in out, out
    # The first test failed while the service still ran: its section says so.
    assert re.search(r"Dockerfile.variant \(\S+\): the container is running at http://127", out)
    assert out.count("goimage service Dockerfile.variant") == 2, out


def test_minio_dying_under_the_service_is_named(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """MinIO crashes after the bucket check: health fails (the service answers 503 without its
    storage) and the message says MinIO stopped, so nobody debugs the service first."""
    example_copy(
        service_config(extra='startup_timeout = "3s"').replace('startup_timeout = "10s"', ""),
        conftest="""
        import subprocess

        def pytest_runtest_setup(item):
            if item.name == "health":  # MinIO "crashes": SIGKILL, exit code 137
                subprocess.run(
                    "docker kill $(docker ps -q --filter label=io.github.pytest-goimage.role=minio"
                    f" --filter label=io.github.pytest-goimage.project={item.config.rootpath})",
                    shell=True, check=True, capture_output=True,
                )
        """,
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health or bucket")
    assert outcomes(result, short=True) == {"bucket": "PASSED", "health": "FAILED"}, (
        result.stdout.str()
    )
    out = result.stdout.str()
    assert "never answered 2xx: within startup_timeout (3s) the last answer was HTTP 503" in out
    assert re.search(
        r"Its MinIO \(goimage-minio-\S+\) stopped during the run \(exited with code 137\), so "
        r"this failure may follow from that, not from the service",
        out,
    ), out


def test_service_not_listening_on_the_exposed_port(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    example_copy(service_config(env=ENV + 'PORT = "9091"\n'))
    (pytester.path / "pyproject.toml").write_text(
        (pytester.path / "pyproject.toml")
        .read_text()
        .replace('startup_timeout = "10s"', 'startup_timeout = "3s"')
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health or bucket")
    assert outcomes(result, short=True) == {"bucket": "PASSED", "health": "FAILED"}
    out = result.stdout.str()
    assert "never answered 2xx: within startup_timeout (3s) no answer: connection reset" in out, out
    assert "listening on :9091" in out
    # Read from the container's sockets: where it does listen, and what to change.
    # ... and which setting of [tool.goimage.env] sent it there.
    assert (
        "Inside the container the service listens on port 9091, not on 8080: EXPOSE 9091 in "
        'the Dockerfile, or set `port = 9091` in [tool.goimage]; `PORT = "9091"` in '
        "[tool.goimage.env] tells it to listen there: give it 8080 instead, or set `port = "
        "9091`."
    ) in " ".join(out.split()), out


def test_service_listening_on_loopback_only(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The commonest mistake in a container: listening on 127.0.0.1, which the published
    port never reaches. The failure says so instead of "nothing listens", as soon as the
    service's listener table shows it, not after startup_timeout (trial 20 waited it out)."""
    root = example_copy(
        service_config(extra='startup_timeout = "60s"').replace('startup_timeout = "10s"\n', "")
    )
    config_go = root / "backend/pkg/config/config.go"
    config_go.write_text(
        config_go.read_text().replace('return ":" + c.Port', 'return "127.0.0.1:" + c.Port')
    )
    run_at_startup(root, "")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = result.stdout.str()
    waited = re.search(r"never answered 2xx: after (\d+\.\d)s no answer: connection reset", out)
    assert waited is not None, out
    assert float(waited.group(1)) < 5.0, out  # the service starts in about 0.1 s
    assert (
        "no answer: connection reset (the port is published, but nothing answers on it from "
        "outside the container). Inside the container the service listens on 127.0.0.1:8080, "
        "which only the container itself reaches: listen on all interfaces (`:8080` or "
        "`0.0.0.0:8080`)."
    ) in out, out
    assert "listening on 127.0.0.1:8080" in out


def test_a_service_still_starting_at_startup_timeout_is_told_to_raise_it(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Trial 11: a service that needs longer than startup_timeout to open its port got only
    "connection reset"; inside the container nothing listens yet, which the failure says."""
    root = example_copy(
        service_config(extra='startup_timeout = "3s"').replace('startup_timeout = "10s"\n', "")
    )
    run_at_startup(root, "\ttime.Sleep(60 * time.Second)\n")
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    out = " ".join(result.stdout.str().split())
    assert (
        "Inside the container nothing listens on any TCP port yet: the service is still "
        "starting, or never opens its port; if it needs longer to start, raise "
        "`startup_timeout` in [tool.goimage]."
    ) in out, out


def test_several_exposed_ports_fail_health_only(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """Which EXPOSEd port is the API is unknown: health says to set `port`, but the bucket
    check, which needs no API port, still runs."""
    root = example_copy(service_config())
    dockerfile = root / "backend/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8080", "EXPOSE 8080 9090"))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket or health")
    assert outcomes(result, short=True) == {"bucket": "PASSED", "health": "FAILED"}
    assert (
        "the image EXPOSEs several ports (8080/tcp, 9090/tcp), so the API port is unknown; set "
        "`port` in [tool.goimage] (or for this image in [[tool.goimage.image]]). Inside the "
        "container the service listens on port 8080: set `port = 8080` (or EXPOSE 8080 in the "
        "Dockerfile)."
    ) in result.stdout.str(), result.stdout.str()


def test_the_listening_port_hint_waits_for_a_service_that_listens_late(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The health item runs right after the service starts, before it listens: the hint waits
    for the service's own port, not for Docker's DNS resolver, which listens on 127.0.0.11 in
    every container from its first moment."""
    root = example_copy(service_config())
    run_at_startup(root, "\ttime.Sleep(2 * time.Second)\n")
    dockerfile = root / "Dockerfile.variant"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8080", "EXPOSE 8080 9090"))
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
    assert outcomes(result, short=True) == {"health": "FAILED"}
    assert (
        "so the API port is unknown; set `port` in [tool.goimage] (or for this image in "
        "[[tool.goimage.image]]). Inside the container the service listens on port 8080: set "
        "`port = 8080` (or EXPOSE 8080 in the Dockerfile)."
    ) in result.stdout.str(), result.stdout.str()


def test_wrong_health_path_or_port_is_named_as_the_likely_cause(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """The two configuration mistakes users make most: each failure names the key to fix."""
    example_copy(service_config(extra="# MISTAKE"))
    pyproject = pytester.path / "pyproject.toml"
    template = pyproject.read_text().replace('"10s"', '"2s"')
    mistakes = {
        'health_path = "/healthz"': [
            "the last answer was HTTP 404: 404 page not found. Nothing is served at /healthz: "
            "if the service answers health elsewhere (/health, /api/health), set `health_path` "
            "in [tool.goimage].",
        ],
        "port = 9090": [
            "GET /health on container port 9090/tcp",
            "outside the container). `port = 9090` is configured, but the image EXPOSEs 8080/tcp",
        ],
    }
    for mistake, expected in mistakes.items():
        pyproject.write_text(template.replace("# MISTAKE", mistake))
        result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "health")
        assert outcomes(result, short=True) == {"health": "FAILED"}
        out = result.stdout.str()
        for text in expected:
            assert text in out, out


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_an_interrupt_leaves_nothing_behind(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
    stop: signal.Signals,
) -> None:
    """Ctrl-C, or the SIGTERM with which CI cancels a job (a user trial: SIGTERM left the
    service, MinIO and the network running, and no report), while the service and MinIO run:
    the interrupted run still removes them, and its JSON report says it was interrupted (a
    gate must not read a half run as a pass)."""
    root = example_copy(service_config())
    pytester.makepyfile(
        test_slow="""
        import time

        def test_slow(goimage_service):
            print("SERVICE-UP", flush=True)
            time.sleep(60)
        """
    )
    proc, _ = run_pytest_until(
        pytester.path,
        "SERVICE-UP",
        "-s",
        "--goimage",
        "-k",
        "build or slow",
        "--goimage-report=report.json",
    )
    assert len(plugin_resources(docker_client, pytester.path)) == 3  # MinIO, service, network
    proc.send_signal(stop)
    out, _ = proc.communicate(timeout=60)
    assert "KeyboardInterrupt" in out
    assert proc.returncode == pytest.ExitCode.INTERRUPTED, out
    report = json.loads((root / "report.json").read_text())
    assert report["interrupted"] is True and report["outcome"] == "failed"
    assert report["images"][0]["checks"]["build"]["outcome"] == "passed", report


@pytest.mark.parametrize(
    "selection",
    [
        [],
        # Before the first selected check reports: the report still lists the image.
        ["backend/Dockerfile::bucket", "backend/Dockerfile::health"],
        ["-k", "bucket or health"],
    ],
    ids=["all", "node-ids", "-k"],
)
def test_ctrl_c_during_a_check_never_reads_as_a_pass(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    no_leaks: None,
    selection: list[str],
) -> None:
    """Interrupted while `bucket` waits: the checks that never finished are errors in the
    report and the summary, so neither the image nor the run reads as passed."""
    root = example_copy(service_config(env=ENV.replace('"{bucket}"', '"elsewhere"')))
    proc, _ = run_pytest_until(
        pytester.path,
        "service started",
        "-v",
        "--goimage",
        "--goimage-report=report.json",
        *selection,
    )
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    report = json.loads((root / "report.json").read_text())
    assert report["interrupted"] is True and report["outcome"] == "failed"
    (image,) = report["images"]
    assert image["outcome"] == "failed", image
    build = image["checks"]["build"]["outcome"]
    assert build == ("skipped" if selection else "passed"), image
    # The note says why the report failed; not that nothing was checked.
    # Which items never ran, and what the report says (report/completeness.py).
    assert re.search(
        r"goimage: \d+ of \d+ selected items did not run \(the run was interrupted\): "
        r".*backend/Dockerfile::bucket.*; the JSON report report\.json says failed",
        out,
    ), out
    assert "no built-in check passed" not in out, out
    for check in ("bucket", "health"):
        assert image["checks"][check] == {
            "outcome": "error",
            "message": "not run: the run stopped before this check (interrupted, or -x/--maxfail)",
            "seconds": 0.0,
        }
    assert re.search(r"^FAIL  backen\S*Dockerfile ", out, re.MULTILINE), out
    assert "bucket:ERR" in out and "health:ERR" in out, out
    assert "the run was interrupted (ERR: a check that did not finish)" in " ".join(out.split())


def test_next_run_removes_what_a_killed_run_left(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
    sole_sweeper: None,
) -> None:
    """SIGKILL gives no chance to clean up; the next run sweeps by label, creator pid and age."""
    example_copy(service_config())
    pytester.makepyfile(
        test_slow="""
        import time

        def test_slow(goimage_service):
            print("SERVICE-UP", flush=True)
            time.sleep(120)
        """
    )
    prefix = f"goimage/{slug(pytester.path.name)}-"

    def tags() -> set[str]:
        return {t for t in image_tags(docker_client) if t.startswith(prefix)}

    before = tags()
    victim, _ = run_pytest_until(pytester.path, "SERVICE-UP", "-s", "test_slow.py")
    victim.kill()
    victim.wait()
    left = plugin_resources(docker_client, pytester.path)
    assert len(left) == 3, left  # MinIO, service and network outlived the killed run
    assert len(tags() - before) == 1, tags()  # and the image it built

    def probe_network(name: str, pid: int, *extra: str) -> str:
        labels = ["run=probe", f"pid={pid}", "created=0", f"host={socket.gethostname()}", *extra]
        args = [f"--label=io.github.pytest-goimage.{label}" for label in labels]
        created = subprocess.run(
            ["docker", "network", "create", *args, name], capture_output=True, text=True
        )
        return created.stdout.strip()

    # A live run's resources must survive the sweep; so must those made in another PID
    # namespace (a CI job in a container on the host network), whose pid means nothing here.
    dead_pid = subprocess.Popen(["true"])
    dead_pid.wait()
    probes = [
        probe_network("goimage-live-probe", os.getpid()),
        probe_network("goimage-other-ns-probe", dead_pid.pid, "pidns=pid:[1]"),
    ]
    try:
        monkeypatch.setenv("GOIMAGE_STALE_AFTER", "0")
        result = pytester.runpytest_subprocess("--goimage", "-k", "go-version or build", "-v")
        result.assert_outcomes(passed=2)
        # At least the victim's 3; tests running in parallel may have left more to sweep.
        swept = re.search(
            r"goimage cleanup: removed (\d+) left by killed runs", result.stdout.str()
        )
        assert swept and int(swept.group(1)) >= 3, result.stdout.str()
        assert plugin_resources(docker_client, pytester.path) == []
        assert tags() - before == set()  # the victim's image went, and this run removed its own
        assert docker_client.networks.get("goimage-live-probe")
        assert docker_client.networks.get("goimage-other-ns-probe")
    finally:
        subprocess.run(["docker", "network", "rm", *probes], check=False, capture_output=True)


def test_keep_leaves_resources_and_says_how_to_remove_them(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
    sole_sweeper: None,
) -> None:
    example_copy(service_config())
    result = pytester.runpytest_subprocess("--goimage", "--goimage-keep", "-k", "health")
    result.assert_outcomes(passed=1)
    kept = plugin_resources(docker_client, pytester.path)
    assert sorted(k.split()[0] for k in kept) == ["container", "container", "network"], kept
    out = result.stdout.str()
    assert "--goimage-keep left this run's containers, networks and images in place" in out
    commands = [line.strip() for line in out.splitlines() if line.strip().startswith("docker ")]
    assert any(c.startswith("docker rmi goimage/") for c in commands), commands
    # A later run's sweep leaves kept resources alone, however old.
    monkeypatch.setenv("GOIMAGE_STALE_AFTER", "0")
    pytester.runpytest_subprocess("--goimage", "-k", "go-version or build").assert_outcomes(
        passed=2
    )
    assert len(plugin_resources(docker_client, pytester.path)) == 3
    for command in commands:  # the printed commands remove everything
        subprocess.run(command, shell=True, check=True, capture_output=True)
    assert plugin_resources(docker_client, pytester.path) == []


def test_host_ports_already_taken_are_avoided(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    docker_client: docker.DockerClient,
    no_leaks: None,
) -> None:
    """Another program on this machine holds the ports the engine would publish next: MinIO
    and the service still start, on other ports (never a fixed host port that can collide)."""
    probe = docker_client.containers.run(
        "alpine:3.22", ["sleep", "30"], detach=True, ports={"80/tcp": ("127.0.0.1", None)}
    )
    try:
        probe.reload()
        last = int(probe.attrs["NetworkSettings"]["Ports"]["80/tcp"][0]["HostPort"])
    finally:
        probe.remove(force=True)
    held: list[socket.socket] = []
    for port in range(last + 1, last + 61):  # more than a parallel worker allocates meanwhile
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
            held.append(sock)
        except OSError:
            sock.close()  # taken already: just as good
    assert len(held) >= 40, f"could not hold the ports after {last}"
    example_copy(service_config())
    pytester.makepyfile(
        test_ports="""
        from urllib.parse import urlparse

        def test_ports(goimage_service, goimage_minio):
            ports = [urlparse(goimage_service.url).port, urlparse(goimage_minio.url).port]
            print("PORTS", *ports)
        """
    )
    try:
        result = pytester.runpytest_subprocess(
            "--goimage", "-v", "-s", "-k", "bucket or health or ports"
        )
    finally:
        taken = {sock.getsockname()[1] for sock in held}
        for sock in held:
            sock.close()
    result.assert_outcomes(passed=3)
    used = [int(p) for p in re.findall(r"PORTS (\d+) (\d+)", result.stdout.str())[0]]
    assert not taken & set(used), (used, sorted(taken))


DOCS_DOCKERFILE = """\
FROM alpine:3.22
COPY docs /srv
EXPOSE 80
CMD ["httpd", "-f", "-h", "/srv"]
"""


def test_an_image_without_a_go_binary_gets_the_image_checks_only(
    example_copy: Callable[..., Path],
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    no_leaks: None,
) -> None:
    """A docs image served by busybox httpd beside the Go service: its image checks run, the
    Go checks (static, bucket, health) are skipped saying so, and the summary says why."""
    root = example_copy(
        service_config(
            "Dockerfile.prod", extra='dockerfiles = ["Dockerfile.prod", "docs.Dockerfile"]'
        ).replace('dockerfiles = ["Dockerfile.prod"]\n', "")
    )
    (root / "docs").mkdir()
    (root / "docs/index.html").write_text("<h1>Bookmarks API</h1>\n")
    (root / "docs.Dockerfile").write_text(DOCS_DOCKERFILE)
    monkeypatch.setenv("COLUMNS", "120")  # the summary shortens no Dockerfile name
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-p", "no:randomly", "--goimage-report=report.json"
    )
    # tracked, provenance: no git; user: not required; metadata: no policy.
    result.assert_outcomes(passed=11, skipped=12)  # parity too
    report = json.loads((root / "report.json").read_text())
    prod, docs = report["images"]
    assert {name: check["outcome"] for name, check in prod["checks"].items()} == {
        "go-version": "passed",
        "tracked": "skipped",
        "build": "passed",
        "static": "passed",
        "size": "passed",
        "secrets": "passed",
        "user": "skipped",
        "metadata": "skipped",
        "provenance": "skipped",
        "bucket": "passed",
        "health": "passed",
        "parity": "skipped",  # the docs image runs no Go program: nothing to compare
    }
    assert {name: check["outcome"] for name, check in docs["checks"].items()} == {
        "go-version": "passed",
        "tracked": "skipped",
        "build": "passed",
        "static": "skipped",
        "size": "passed",
        "secrets": "passed",
        "user": "skipped",
        "metadata": "skipped",
        "provenance": "skipped",
        "bucket": "skipped",
        "health": "skipped",
        "parity": "skipped",
    }
    reason = (
        # Alpine's httpd is /usr/sbin/httpd (so is the stand-in's, from its layout 2).
        f"no Go binary: /usr/sbin/httpd, the program image {docs['tag']} runs, is an executable "
        "without Go build info, so the Go checks (static, bucket, health) do not apply. If it "
        "runs a Go program after all, set `binary` to that program's path for this image in "
        "[[tool.goimage.image]]."
    )
    for check in ("static", "bucket", "health"):
        assert docs["checks"][check]["message"] == reason
    # Parity compared nothing; each image says why it was left out.
    assert prod["checks"]["parity"]["message"] == (
        "Dockerfile.prod: not compared: no other image builds "
        "github.com/example/bookmark-sync/backend/cmd/api"
    )
    assert (
        docs["checks"]["parity"]["message"] == "docs.Dockerfile: not compared: runs no Go program"
    )
    result.stdout.fnmatch_lines(
        [
            "PASS  docs.Dockerfile  * MB/64.0 MB  *  -  no Go binary  -",
            "      go-version:ok  tracked:skip  build:ok  static:skip  size:ok  secrets:ok  "
            "user:skip  metadata:skip  provenance:skip",
            "      bucket:skip  health:skip  parity:skip",
        ],
        consecutive=True,
    )


def test_binary_set_on_an_image_without_go_fails_static(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """`binary` set says Go is expected: a non-Go program there fails static, as before."""
    root = example_copy(
        '[tool.goimage]\ndockerfiles = ["docs.Dockerfile"]\nbinary = "/bin/httpd"\n'
    )
    (root / "docs").mkdir()
    (root / "docs/index.html").write_text("<h1>Bookmarks API</h1>\n")
    (root / "docs.Dockerfile").write_text(DOCS_DOCKERFILE)
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "static")
    assert outcomes(result, short=True) == {"static": "FAILED"}, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["*it carries no Go build info, so CGO_ENABLED=0 cannot be confirmed (is it the Go*"]
    )


def test_credentials_minio_refuses_are_named_while_the_service_retries(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A stale secret and a service that keeps retrying (it has not exited when the checks
    give up): bucket and health both name MinIO's 403 from the service's log."""
    env = ENV.replace('"{minio.secret_key}"', '"stale-secret"').replace('"5s"', '"120s"')
    root = example_copy(service_config(env=env).replace('"10s"', '"4s"'))
    # Trial 17: an image's own `<VAR>_FILE`, which `*_FILE` services read first, is named.
    dockerfile = root / "backend/Dockerfile"
    dockerfile.write_text(
        dockerfile.read_text().replace(
            "ENV PORT=8080", "ENV PORT=8080 STORAGE_ACCESS_KEY_FILE=/run/secrets/s3_access"
        )
    )
    result = pytester.runpytest_subprocess("--goimage", "-v", "-k", "bucket or health")
    assert outcomes(result, short=True) == {"bucket": "FAILED", "health": "FAILED"}, (
        result.stdout.str()
    )
    out = " ".join(result.stdout.str().split())
    assert "the container exited" not in out, out
    assert (
        "backend/Dockerfile: the service did not create bucket 'bookmarks': it did not appear "
        "within startup_timeout (4s). Buckets in its MinIO: none. Its log shows MinIO refusing "
        "its credentials (403). Pass {minio.access_key} and {minio.secret_key} in "
        "[tool.goimage.env] to the variables the service reads. The image's own ENV sets "
        "STORAGE_ACCESS_KEY_FILE" in out
    ), out
    hint = (
        ". Its log shows MinIO refusing its credentials (403). Pass {minio.access_key} and "
        "{minio.secret_key} in [tool.goimage.env] to the variables the service reads. The "
        "image's own ENV sets STORAGE_ACCESS_KEY_FILE, which a service following the `*_FILE` "
        "convention reads instead of the variable [tool.goimage.env] sets: remove it from the "
        'image, or set it to "" in [tool.goimage.env].'
    )
    assert out.count(hint) == 2, out


def test_health_false_skips_health_for_an_image_without_an_http_api(
    example_copy: Callable[..., Path], pytester: pytest.Pytester, no_leaks: None
) -> None:
    """A user trial's queue worker EXPOSEs no port and serves no HTTP: health failed asking for
    `port`, and no setting let the image pass. `health = false` skips it, saying so, while the
    bucket its startup creates is still checked on the running service."""
    root = example_copy(service_config(extra="health = false"))
    dockerfile = root / "backend/Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace("EXPOSE 8080\n", ""))
    # A team's own test of the worker: goimage_service starts it and waits for no health.
    (root / "test_worker.py").write_text(
        "def test_worker_runs(goimage_service):\n"
        '    assert goimage_service.url == "(no API port: none EXPOSEd or set as `port`)"\n'
        "    assert not goimage_service.container.exited()\n"
    )
    result = pytester.runpytest_subprocess(
        "--goimage", "-v", "-rs", "-k", "bucket or health or worker"
    )
    assert outcomes(result, short=True) == {"bucket": "PASSED", "health": "SKIPPED"}, (
        result.stdout.str()
    )
    result.stdout.fnmatch_lines(
        ["test_worker.py::test_worker_runs[[]backend/Dockerfile[]] PASSED*"]
    )
    assert "sets `health = false` there instead" not in result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            f"SKIPPED * backend/Dockerfile: health = false for this image in {root}/"
            "pyproject.toml: the image serves no HTTP API to ask."
        ]
    )
