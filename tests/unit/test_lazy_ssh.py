"""docker-py's SSH transport (and paramiko) stay unloaded until an ssh:// engine is used.

Each case runs in a fresh interpreter: this one imported docker long ago."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_unix_socket_client_never_loads_paramiko() -> None:
    out = _run(
        """
        import sys
        from pytest_goimage.engine.lazy_ssh import install
        install()
        import docker
        docker.APIClient(base_url="unix:///nonexistent/docker.sock", version="1.41")
        docker.DockerClient(base_url="tcp://127.0.0.1:1", version="1.41")
        print(sorted(m for m in sys.modules if m.startswith(("paramiko", "invoke"))))
        """
    )
    assert out == "[]"


def test_an_ssh_client_loads_the_real_transport() -> None:
    """The first ssh:// client gets paramiko's adapter, which tries to connect (port 1 refuses),
    not docker-py's "Install paramiko package" error."""
    out = _run(
        """
        import sys
        from pytest_goimage.engine.lazy_ssh import install
        install()
        import docker, docker.errors
        try:
            docker.APIClient(base_url="ssh://nobody@127.0.0.1:1")
        except docker.errors.DockerException as exc:
            print("docker-py refused:", exc)
        except OSError as exc:
            print(type(exc).__module__.split(".")[0], "paramiko" in sys.modules)
        real = sys.modules["docker.transport.sshconn"]
        print(real.SSHHTTPAdapter.__module__, docker.transport.sshconn is real)
        """
    )
    assert out.splitlines() == [
        "paramiko True",
        "docker.transport.sshconn True",
    ]


def test_other_names_load_the_real_module() -> None:
    out = _run(
        """
        import sys
        from pytest_goimage.engine.lazy_ssh import install
        install()
        import docker.transport.sshconn as stand_in
        print("paramiko" in sys.modules)
        print(stand_in.SSHSocket.__module__, "paramiko" in sys.modules)
        """
    )
    assert out.splitlines() == ["False", "docker.transport.sshconn True"]


def test_nothing_changes_once_docker_is_imported() -> None:
    out = _run(
        """
        import sys
        import docker
        from pytest_goimage.engine.lazy_ssh import install
        install()
        print(type(sys.modules["docker.transport.sshconn"]).__name__, "paramiko" in sys.modules)
        """
    )
    assert out == "module True"


def test_a_goimage_run_leaves_paramiko_out(pytester: pytest.Pytester) -> None:
    """`pytest --goimage` installs the stand-in before anything imports docker: the run's
    modules (docker-py among them) are all loaded by the end, paramiko is not."""
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.22\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makeconftest(
        """
        import sys

        def pytest_unconfigure(config):
            loaded = sorted(m for m in ("docker", "paramiko", "pytest_goimage.run") if m in sys.modules)
            print("loaded:", loaded)
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "--co", "-q")
    result.stdout.fnmatch_lines(["loaded: ['docker', 'pytest_goimage.run']"])
