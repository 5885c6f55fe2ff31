"""docker-py's SSH transport (and paramiko) stay unloaded until an ssh:// engine is used.

Each case runs in a fresh interpreter (this one imported docker long ago), with a HOME of its
own: paramiko's adapter reads ~/.ssh/config."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DEFER = """
import sys
from pytest_goimage.engine.lazy_ssh import defer_ssh_transport
defer_ssh_transport()
"""


def _run(code: str, home: Path, pythonpath: Path | None = None) -> str:
    env = {**os.environ, "HOME": str(home)}
    if pythonpath is not None:  # ahead of the installed packages
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", DEFER + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_unix_or_tcp_client_never_loads_paramiko(tmp_path: Path) -> None:
    out = _run(
        """
        import importlib.util
        import docker
        docker.APIClient(base_url="unix:///nonexistent/docker.sock", version="1.41")
        docker.DockerClient(base_url="tcp://127.0.0.1:1", version="1.41")
        stand_in = docker.transport.sshconn  # the package's attribute, as after any import
        print(importlib.util.find_spec("paramiko") is not None, type(stand_in).__name__)
        print(stand_in.__spec__.name, sorted(m for m in sys.modules if m.startswith(("paramiko", "invoke"))))
        from pytest_goimage.engine import lazy_ssh
        finders = [f for f in sys.meta_path if type(f).__name__ == "_Finder"]
        print([f.spent for f in finders])
        lazy_ssh.stop_deferring()
        print([f for f in sys.meta_path if type(f).__name__ == "_Finder"])
        """,
        tmp_path,
    )
    assert out.splitlines() == ["True _StandIn", "docker.transport.sshconn []", "[True]", "[]"]


@pytest.mark.parametrize("shell_out", [False, True], ids=["paramiko", "ssh-program"])
def test_an_ssh_client_gets_the_real_adapter_class_everywhere(
    tmp_path: Path, shell_out: bool
) -> None:
    """The first ssh:// client loads the real transport: paramiko connects at once (port 1
    refuses), the ssh program only on the first request; docker-py's modules hold the real
    class afterwards, not the stand-in's function."""
    out = _run(
        f"""
        import docker, docker.api.client, docker.errors
        try:
            client = docker.APIClient(
                base_url="ssh://nobody@127.0.0.1:1", version="1.41", use_ssh_client={shell_out}
            )
            print("made", type(client.adapters["http+docker://ssh"]).__name__)
        except docker.errors.DockerException as exc:
            print("docker-py refused:", exc)
        except OSError as exc:
            print("refused by", type(exc).__module__.split(".")[0])
        real = sys.modules["docker.transport.sshconn"]
        print(type(real).__name__, docker.transport.sshconn is real, "paramiko" in sys.modules)
        print(
            docker.transport.SSHHTTPAdapter is real.SSHHTTPAdapter,
            docker.api.client.SSHHTTPAdapter is real.SSHHTTPAdapter,
            isinstance(real.SSHHTTPAdapter, type),
        )
        """,
        tmp_path,
    )
    first = "made SSHHTTPAdapter" if shell_out else "refused by paramiko"
    assert out.splitlines() == [first, "module True True", "True True True"]


def test_any_other_name_loads_the_real_module_by_any_import_form(tmp_path: Path) -> None:
    out = _run(
        """
        import docker.transport.sshconn
        print("paramiko" in sys.modules)
        print(docker.transport.sshconn.SSHSocket.__module__, "paramiko" in sys.modules)
        from docker.transport import sshconn
        print(type(sshconn).__name__, sshconn is sys.modules["docker.transport.sshconn"])
        """,
        tmp_path,
    )
    assert out.splitlines() == ["False", "docker.transport.sshconn True", "module True"]


def test_threads_asking_at_once_get_one_real_module(tmp_path: Path) -> None:
    out = _run(
        """
        import threading
        import docker
        stand_in = docker.transport.sshconn
        barrier = threading.Barrier(8)
        got, errors = [], []
        def ask():
            barrier.wait()
            try:
                got.append(stand_in.SSHSocket)
            except Exception as exc:
                errors.append(repr(exc))
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(len(got), len(set(got)), errors)
        """,
        tmp_path,
    )
    assert out == "8 1 []"


def test_a_broken_paramiko_is_docker_pys_ssh_error_with_the_cause(tmp_path: Path) -> None:
    """A paramiko that is there but does not import (a broken cryptography): the ssh:// client
    fails with a DockerException naming the cause, which the plugin's connection reports."""
    broken = tmp_path / "site"
    (broken / "paramiko").mkdir(parents=True)
    (broken / "paramiko" / "__init__.py").write_text("raise ImportError('broken on purpose')\n")
    out = _run(
        """
        import docker
        from pytest_goimage.errors import EngineError
        for attempt in (1, 2):
            try:
                docker.APIClient(base_url="ssh://nobody@127.0.0.1:1", version="1.41")
            except EngineError as exc:
                print(exc)
        print(type(sys.modules["docker.transport.sshconn"]).__name__)
        print(hasattr(docker.transport.sshconn, "SSHSocket"))
        """,
        tmp_path,
        pythonpath=broken,
    )
    message = (
        "Cannot use the Docker engine at ssh://nobody@127.0.0.1:1: docker-py's SSH transport "
        "does not import (ImportError: broken on purpose). Reinstall it (`pip install "
        "--force-reinstall 'docker[ssh]'` installs paramiko and its libraries), then rerun."
    )
    assert out.splitlines() == [message, message, "_StandIn", "False"]


def test_paramikos_import_warnings_are_not_raised(tmp_path: Path) -> None:
    """paramiko imports invoke if it can: one that warns, then is missing, is skipped by
    paramiko. Under the error filter of a test item (`-W error`), that warning would break the
    deferred import; it is shown, not raised."""
    site = tmp_path / "site"
    (site / "invoke").mkdir(parents=True)
    (site / "invoke" / "__init__.py").write_text(
        "import warnings\nwarnings.warn('invoke is not here', UserWarning)\n"
        "raise ImportError('no invoke')\n"
    )
    out = _run(
        """
        import warnings
        warnings.simplefilter("error")
        import docker
        client = docker.APIClient(
            base_url="ssh://nobody@127.0.0.1:1", version="1.41", use_ssh_client=True
        )
        print(type(client.adapters["http+docker://ssh"]).__name__, "invoke" in sys.modules)
        """,
        tmp_path,
        pythonpath=site,
    )
    assert out == "SSHHTTPAdapter False"


def test_nothing_changes_once_docker_is_imported_or_without_paramiko(tmp_path: Path) -> None:
    out = _run(
        """
        import importlib.util
        from pytest_goimage.engine import lazy_ssh
        print(sum(isinstance(f, lazy_ssh._Finder) for f in sys.meta_path))  # the one above
        lazy_ssh.stop_deferring()
        found = importlib.util.find_spec
        importlib.util.find_spec = lambda name, *a: None if name == "paramiko" else found(name, *a)
        lazy_ssh.defer_ssh_transport()
        print(sum(isinstance(f, lazy_ssh._Finder) for f in sys.meta_path))
        importlib.util.find_spec = found
        import docker
        lazy_ssh.defer_ssh_transport()
        print(sum(isinstance(f, lazy_ssh._Finder) for f in sys.meta_path))
        print(type(sys.modules["docker.transport.sshconn"]).__name__, "paramiko" in sys.modules)
        """,
        tmp_path,
    )
    assert out.splitlines() == ["1", "0", "0", "module True"]


def test_a_goimage_run_leaves_paramiko_out(pytester: pytest.Pytester) -> None:
    """`pytest --goimage` defers the transport before the conftests, which may import docker:
    the run's modules (docker-py among them) are all loaded by the end, paramiko is not; the
    finder is gone once the run is over."""
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.22\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makeconftest(
        """
        import atexit
        import sys

        import docker  # a conftest of a project that tests images may well


        def pytest_unconfigure(config):
            names = ("docker", "paramiko", "pytest_goimage.run")
            print("loaded:", [m for m in names if m in sys.modules])


        @atexit.register
        def after_the_run():
            print("finders left:", [type(f).__name__ for f in sys.meta_path if type(f).__name__ == "_Finder"])
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "--co", "-q")
    assert "loaded: ['docker', 'pytest_goimage.run']" in result.stdout.lines
    assert "finders left: []" in result.stdout.lines


def test_a_goimage_run_on_an_ssh_engine_loads_the_transport_and_says_what_to_check(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deferred transport is the one an ssh:// engine gets: the ssh program dials (port 1
    refuses) and the run reports the engine as unreachable, with what to check for ssh."""
    monkeypatch.setenv("DOCKER_HOST", "ssh://nobody@127.0.0.1:1")
    monkeypatch.setenv("HOME", str(pytester.path))
    pytester.makefile(".mod", go="module example.com/app\n\ngo 1.22\n")
    pytester.makefile("", Dockerfile="FROM scratch\n")
    pytester.makeconftest(
        """
        import sys

        def pytest_unconfigure(config):
            print("paramiko loaded:", "paramiko" in sys.modules)
        """
    )
    result = pytester.runpytest_subprocess("--goimage", "-k", "build", "-rf")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    assert "paramiko loaded: True" in result.stdout.lines
    result.assert_outcomes(failed=1, deselected=11)
    result.stdout.re_match_lines(
        [
            r"\[goimage build\] Cannot reach the Docker engine at ssh://nobody@127\.0\.0\.1:1: "
            r".* Check that `ssh` reaches that host without a password prompt .*, then rerun\."
        ]
    )


def test_a_patch_of_the_stand_in_reaches_the_real_module_and_is_undone(tmp_path: Path) -> None:
    out = _run(
        """
        from unittest import mock
        import docker
        with mock.patch("docker.transport.sshconn.SSHSocket", "patched"):
            real = sys.modules["docker.transport.sshconn"]
            print(type(real).__name__, real.SSHSocket, docker.transport.sshconn.SSHSocket)
        print(real.SSHSocket.__name__, "SSHSocket" in vars(docker.transport.sshconn))
        """,
        tmp_path,
    )
    assert out.splitlines() == ["module patched patched", "SSHSocket True"]
