"""Tests for the ELF and Go build info readers (pytest_goimage.gofacts.elf, .buildinfo,
.executable) against real binaries built by the local Go toolchain.

The truth for build info is `go version -m`; the truth for ELF facts is `readelf` (binutils)
when it is installed, plus what each build variant must produce.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_goimage.errors import CorruptBinaryError, GoImageError, NotElfError
from pytest_goimage.gofacts.buildinfo import BuildInfo, format_build_info, read_build_info
from pytest_goimage.gofacts.executable import ElfFacts, inspect_elf

GO = shutil.which("go")
GCC = shutil.which("gcc")
READELF = shutil.which("readelf")

pytestmark = pytest.mark.skipif(GO is None, reason="needs the go toolchain on PATH")

MAGIC = b"\xff Go buildinf:"

MAIN_GO = """\
package main

import (
	"fmt"
	"net"

	"example.com/greet"
)

var greeting = "hi"

func main() {
	fmt.Println(greet.Hello(greeting), net.IPv4len)
}
"""

GREET_GO = """\
package greet

import "strings"

func Hello(name string) string { return "hello " + strings.TrimSpace(name) }
"""

# A local replace gives real `dep` and `=>` lines without any download.
GO_MOD = """\
module example.com/hello

go 1.21

require example.com/greet v0.0.0

replace example.com/greet => ./greet
"""

HELLO_C = '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n'

# name -> (extra environment, extra `go build` flags)
VARIANTS: dict[str, tuple[dict[str, str], list[str]]] = {
    "default": ({}, []),
    # The quoted -X value exercises quoted build setting values in modinfo.
    "stripped": ({}, ["-ldflags=-s -w -X 'main.greeting=hi \"there\"'"]),
    "trimpath": ({}, ["-trimpath"]),
    "nocgo": ({"CGO_ENABLED": "0"}, []),
    "cgo": ({"CGO_ENABLED": "1", "CGO_CFLAGS": "-O2 -g '-DX=a b'"}, []),
    "pie": ({"CGO_ENABLED": "0"}, ["-buildmode=pie"]),
    "arm64": ({"GOARCH": "arm64", "CGO_ENABLED": "0"}, []),
}


@dataclass(frozen=True)
class Built:
    path: Path
    data: bytes = field(repr=False)  # keeps hypothesis failure reports readable


def _go_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(GOFLAGS="-buildvcs=false", GOPROXY="off", GOTOOLCHAIN="local", GOWORK="off")
    return env


def _run(args: list[str | Path], env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("goinfo")
    (root / "greet").mkdir()
    (root / "greet" / "go.mod").write_text("module example.com/greet\n\ngo 1.21\n")
    (root / "greet" / "greet.go").write_text(GREET_GO)
    (root / "go.mod").write_text(GO_MOD)
    (root / "main.go").write_text(MAIN_GO)
    return root


@pytest.fixture(scope="session")
def go_binaries(workdir: Path) -> dict[str, Built]:
    """Every VARIANTS entry built once per session (the cgo one only when gcc exists)."""
    built: dict[str, Built] = {}
    for name, (extra_env, flags) in VARIANTS.items():
        if extra_env.get("CGO_ENABLED") == "1" and GCC is None:
            continue
        out = workdir / "bin" / name
        env = _go_env() | extra_env
        _run([GO or "go", "build", *flags, "-o", out, "."], env=env, cwd=workdir)
        built[name] = Built(out, out.read_bytes())
    return built


@pytest.fixture(scope="session")
def host_cgo_enabled() -> bool:
    return _run([GO or "go", "env", "CGO_ENABLED"], env=_go_env()).strip() == "1"


def _binary(go_binaries: dict[str, Built], name: str) -> Built:
    if name not in go_binaries:
        pytest.skip(f"variant {name} was not built (needs gcc)")
    return go_binaries[name]


def _go_version_m(path: Path) -> list[str]:
    out = _run([GO or "go", "version", "-m", path], env=_go_env())
    return out.splitlines()


def _assert_matches_go(path: Path, info: BuildInfo | None) -> None:
    assert info is not None
    expected = _go_version_m(path)
    assert expected[0] == f"{path}: {info.go_version}"
    got = format_build_info(info).split("\n")
    assert got[-1] == ""  # `go version -m` ends with a newline too
    assert [line.rstrip() for line in got[:-1]] == [line.rstrip() for line in expected[1:]]


# --------------------------------------------------------------------------------------------
# Build info vs `go version -m`


@pytest.mark.parametrize("name", list(VARIANTS))
def test_build_info_matches_go_version_m(go_binaries: dict[str, Built], name: str) -> None:
    built = _binary(go_binaries, name)
    info = read_build_info(built.data)
    _assert_matches_go(built.path, info)
    assert info is not None
    plain = _run([GO or "go", "version", built.path], env=_go_env()).strip()
    assert plain == f"{built.path}: {info.go_version}"
    assert info.path == "example.com/hello"
    assert info.main is not None and info.main.path == "example.com/hello"


def test_build_info_fields(go_binaries: dict[str, Built]) -> None:
    info = read_build_info(_binary(go_binaries, "stripped").data)
    assert info is not None
    assert info.go_version.startswith("go1.")
    [dep] = info.deps
    assert (dep.path, dep.version, dep.sum) == ("example.com/greet", "v0.0.0", "")
    assert dep.replace is not None and dep.replace.path == "./greet"
    assert info.setting("-ldflags") == "-s -w -X 'main.greeting=hi \"there\"'"
    assert info.setting("no-such-key") is None
    assert info.setting("GOOS") == "linux"


def test_cgo_enabled_property(go_binaries: dict[str, Built]) -> None:
    nocgo = read_build_info(_binary(go_binaries, "nocgo").data)
    assert nocgo is not None and nocgo.cgo_enabled is False
    cgo = read_build_info(_binary(go_binaries, "cgo").data)
    assert cgo is not None and cgo.cgo_enabled is True
    assert cgo.setting("CGO_CFLAGS") == "-O2 -g '-DX=a b'"


def test_trimpath_and_arch_settings(go_binaries: dict[str, Built]) -> None:
    trim = read_build_info(_binary(go_binaries, "trimpath").data)
    assert trim is not None and trim.setting("-trimpath") == "true"
    arm = read_build_info(_binary(go_binaries, "arm64").data)
    assert arm is not None and arm.setting("GOARCH") == "arm64"
    pie = read_build_info(_binary(go_binaries, "pie").data)
    assert pie is not None and pie.setting("-buildmode") == "pie"


# --------------------------------------------------------------------------------------------
# Variants of the blob layout, made from real binaries and checked against `go version -m`,
# whose reader handles every one of them.


def _blob_location(data: bytes) -> tuple[int, int, int]:
    """Return (file offset, virtual address, end of its PT_LOAD in the file) of the blob."""
    off = next(i for i in range(0, len(data), 16) if data.startswith(MAGIC, i))
    for seg in ELFFile(io.BytesIO(data)).iter_segments():
        h = seg.header
        if h.p_type == "PT_LOAD" and h.p_offset <= off < h.p_offset + h.p_filesz:
            return off, h.p_vaddr + (off - h.p_offset), h.p_offset + h.p_filesz
    raise AssertionError("blob is not inside a PT_LOAD segment")


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return value, pos


def _to_pointer_format(data: bytes, ptr_size: int, big_endian: bool) -> bytes:
    """Rewrite the Go 1.18+ inline blob as the pre-1.18 pointer format, in place.

    The two Go string headers go right after the inline strings (overwriting whatever the
    linker put there, which the reader never looks at); their data pointers point at the
    inline string bytes that are still in place.
    """
    off, vaddr, seg_end = _blob_location(data)
    vers_len, pos = _varint(data, off + 32)
    vers_at = pos
    mod_len, pos = _varint(data, vers_at + vers_len)
    mod_at = pos
    headers_at = (mod_at + mod_len + 7) & ~7
    assert headers_at + 4 * ptr_size <= seg_end
    fmt = (">" if big_endian else "<") + ("I" if ptr_size == 4 else "Q")

    def addr(file_off: int) -> int:
        return vaddr + (file_off - off)

    out = bytearray(data)
    out[off + 14] = ptr_size
    out[off + 15] = 0x1 if big_endian else 0x0
    struct.pack_into(fmt, out, off + 16, addr(headers_at))
    struct.pack_into(fmt, out, off + 16 + ptr_size, addr(headers_at + 2 * ptr_size))
    struct.pack_into(fmt, out, headers_at, addr(vers_at))
    struct.pack_into(fmt, out, headers_at + ptr_size, vers_len)
    struct.pack_into(fmt, out, headers_at + 2 * ptr_size, addr(mod_at))
    struct.pack_into(fmt, out, headers_at + 3 * ptr_size, mod_len)
    return bytes(out)


@pytest.mark.parametrize(("ptr_size", "big_endian"), [(8, False), (4, True)])
def test_pointer_format(
    go_binaries: dict[str, Built], tmp_path: Path, ptr_size: int, big_endian: bool
) -> None:
    # nocgo is a non-PIE binary linked at 0x400000, so its addresses also fit in 32 bits.
    original = _binary(go_binaries, "nocgo").data
    patched = _to_pointer_format(original, ptr_size, big_endian)
    path = tmp_path / "oldformat"
    path.write_bytes(patched)
    info = read_build_info(patched)
    _assert_matches_go(path, info)
    assert info == read_build_info(original)


def test_without_section_headers(go_binaries: dict[str, Built], tmp_path: Path) -> None:
    # With no section headers the blob is found by scanning the first writable PT_LOAD.
    original = _binary(go_binaries, "stripped").data
    patched = bytearray(original)
    struct.pack_into("<Q", patched, 0x28, 0)  # e_shoff
    struct.pack_into("<HH", patched, 0x3C, 0, 0)  # e_shnum, e_shstrndx
    path = tmp_path / "nosections"
    path.write_bytes(patched)
    info = read_build_info(bytes(patched))
    _assert_matches_go(path, info)
    facts = inspect_elf(bytes(patched))
    assert facts.stripped
    assert facts.build_info == info == read_build_info(original)


def test_blob_without_modinfo_framing(go_binaries: dict[str, Built]) -> None:
    # A modinfo string without its 16-byte sentinels counts as "no module info", as in Go.
    data = bytearray(_binary(go_binaries, "nocgo").data)
    off, _, _ = _blob_location(bytes(data))
    vers_len, pos = _varint(bytes(data), off + 32)
    data[pos + vers_len] = 0  # empty modinfo string
    info = read_build_info(bytes(data))
    assert info is not None
    assert info.go_version.startswith("go1.")
    assert (info.path, info.main, info.deps, info.settings) == ("", None, (), ())
    assert format_build_info(info) == ""


# --------------------------------------------------------------------------------------------
# ELF facts


def _readelf(path: Path, flag: str) -> str:
    assert READELF is not None
    return _run([READELF, "-W", flag, path], env=dict(os.environ, LC_ALL="C"))


def _readelf_facts(path: Path) -> dict[str, object]:
    header = _readelf(path, "-h")
    programs = _readelf(path, "-l")
    dynamic = _readelf(path, "-d")
    section_list = _readelf(path, "-S")
    interp = re.search(r"Requesting program interpreter: ([^\]]+)\]", programs)
    machine = re.search(r"Machine:\s+(.+)", header)
    assert machine is not None
    return {
        "interpreter": interp.group(1) if interp else None,
        "needed": tuple(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)),
        "elf_class": 64 if re.search(r"Class:\s+ELF64", header) else 32,
        "dyn": bool(re.search(r"Type:\s+DYN", header)),
        "flags_pie": bool(re.search(r"\(FLAGS_1\)\s+Flags:.*\bPIE\b", dynamic)),
        "symtab": bool(re.search(r"\]\s+\.symtab\s", section_list)),
        "machine": machine.group(1).strip(),
    }


READELF_MACHINES = {
    "Advanced Micro Devices X86-64": "amd64",
    "AArch64": "arm64",
    "Intel 80386": "386",
    "ARM": "arm",
}


def _check_against_readelf(path: Path, facts: ElfFacts) -> None:
    if READELF is None:
        return
    truth = _readelf_facts(path)
    assert facts.interpreter == truth["interpreter"]
    assert facts.needed == truth["needed"]
    assert facts.elf_class == truth["elf_class"]
    assert facts.stripped == (not truth["symtab"])
    assert facts.static == (truth["interpreter"] is None and not truth["needed"])
    assert facts.pie == (truth["dyn"] and (truth["interpreter"] is not None or truth["flags_pie"]))
    assert facts.arch == READELF_MACHINES[str(truth["machine"])]


def _assert_dynamic_libc(facts: ElfFacts) -> None:
    assert not facts.static
    assert facts.interpreter is not None and "ld-linux" in facts.interpreter
    assert any(lib.startswith("libc.so") for lib in facts.needed)


@pytest.mark.parametrize("name", list(VARIANTS))
def test_inspect_elf_matches_readelf(go_binaries: dict[str, Built], name: str) -> None:
    built = _binary(go_binaries, name)
    facts = inspect_elf(built.data)
    _check_against_readelf(built.path, facts)
    assert facts.build_info == read_build_info(built.data)
    assert facts.elf_class == 64


def test_inspect_elf_variant_expectations(
    go_binaries: dict[str, Built], host_cgo_enabled: bool
) -> None:
    """What each build must look like, independent of readelf."""
    default = inspect_elf(_binary(go_binaries, "default").data)
    # `net` uses the cgo resolver when cgo is on, which links libc dynamically.
    if host_cgo_enabled:
        _assert_dynamic_libc(default)
    else:
        assert default.static
    assert not default.stripped and not default.pie and default.arch == "amd64"

    stripped = inspect_elf(_binary(go_binaries, "stripped").data)
    assert stripped.stripped and stripped.build_info is not None

    nocgo = inspect_elf(_binary(go_binaries, "nocgo").data)
    assert nocgo.static and nocgo.interpreter is None and nocgo.needed == ()
    assert not nocgo.pie and not nocgo.stripped

    arm = inspect_elf(_binary(go_binaries, "arm64").data)
    assert arm.arch == "arm64" and arm.static and arm.elf_class == 64

    # Go's internal linker writes a CGO_ENABLED=0 PIE as ET_DYN *with* a PT_INTERP and no
    # DT_NEEDED: it is not a static-pie, the kernel still starts it through ld.so.
    pie = inspect_elf(_binary(go_binaries, "pie").data)
    assert pie.pie and not pie.static
    assert pie.interpreter is not None and pie.needed == ()


def test_inspect_elf_cgo(go_binaries: dict[str, Built]) -> None:
    facts = inspect_elf(_binary(go_binaries, "cgo").data)
    _assert_dynamic_libc(facts)
    assert facts.build_info is not None and facts.build_info.cgo_enabled is True


@pytest.fixture(scope="session")
def c_binaries(workdir: Path) -> dict[str, Built]:
    """hello.c linked -static and -static-pie; each skipped when the toolchain cannot."""
    if GCC is None:
        pytest.skip("needs gcc")
    # Its own folder: a .c file beside main.go makes the Go builds of go_binaries fail.
    src = workdir / "c" / "hello.c"
    src.parent.mkdir(exist_ok=True)
    src.write_text(HELLO_C)
    built: dict[str, Built] = {}
    for name in ("static", "static-pie"):
        out = workdir / f"c-{name}"
        done = subprocess.run([GCC, f"-{name}", "-o", str(out), str(src)], capture_output=True)
        if done.returncode == 0:
            built[name] = Built(out, out.read_bytes())
    return built


@pytest.mark.parametrize("name", ["static", "static-pie"])
def test_non_go_static_binary(c_binaries: dict[str, Built], name: str) -> None:
    if name not in c_binaries:
        pytest.skip(f"gcc cannot link -{name} here")
    built = c_binaries[name]
    assert read_build_info(built.data) is None
    facts = inspect_elf(built.data)
    assert facts.build_info is None
    assert facts.static and facts.interpreter is None and facts.needed == ()
    assert facts.pie == (name == "static-pie")
    _check_against_readelf(built.path, facts)


# --------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    "data",
    [b"", b"\x7fEL", b"hello world", b"#!/bin/sh\necho hi\n", b"MZ" + b"\0" * 200],
    ids=["empty", "short-magic", "text", "script", "pe"],
)
def test_not_elf(data: bytes) -> None:
    with pytest.raises(NotElfError):
        read_build_info(data)
    with pytest.raises(NotElfError):
        inspect_elf(data)


def test_elf_magic_only_is_corrupt() -> None:
    with pytest.raises(CorruptBinaryError):
        read_build_info(b"\x7fELF")
    with pytest.raises(CorruptBinaryError):
        inspect_elf(b"\x7fELF\x02\x01\x01" + b"\0" * 9)


@pytest.mark.parametrize("name", ["nocgo", "cgo", "pie"])
@pytest.mark.parametrize("cut", ["64", "4096", "half"])
def test_truncated(go_binaries: dict[str, Built], name: str, cut: str) -> None:
    data = _binary(go_binaries, name).data
    size = len(data) // 2 if cut == "half" else int(cut)
    # Program headers follow the 64-byte ELF header and PT_LOADs span the whole file, so
    # every one of these cuts is detectably truncated.
    with pytest.raises(CorruptBinaryError, match="truncated"):
        read_build_info(data[:size])
    with pytest.raises(CorruptBinaryError, match="truncated"):
        inspect_elf(data[:size])


def test_errors_are_goimage_errors() -> None:
    assert issubclass(NotElfError, GoImageError)
    assert issubclass(CorruptBinaryError, GoImageError)


# --------------------------------------------------------------------------------------------
# Fuzzing: mutated real bytes give a result or a documented error, nothing else.


def _call_both(data: bytes) -> None:
    try:
        info = read_build_info(data)
    except (NotElfError, CorruptBinaryError) as exc:
        assert str(exc).strip()
    else:
        if info is not None:
            assert isinstance(format_build_info(info), str)
    try:
        facts = inspect_elf(data)
    except (NotElfError, CorruptBinaryError) as exc:
        assert str(exc).strip()
    else:
        assert isinstance(facts.static, bool)


mutations = st.lists(
    st.tuples(st.integers(min_value=0, max_value=8191), st.integers(0, 255)), max_size=12
)


@settings(max_examples=200, deadline=None)
@given(head=mutations, blob=mutations, cut=st.none() | st.integers(min_value=0))
def test_fuzz_mutated_binary(
    go_binaries: dict[str, Built],
    head: list[tuple[int, int]],
    blob: list[tuple[int, int]],
    cut: int | None,
) -> None:
    data = bytearray(_binary(go_binaries, "nocgo").data)
    off, _, _ = _blob_location(bytes(data))
    blob_size = 32 + 512  # header plus the inline strings of this small module
    for pos, value in head:
        data[pos] = value
    for pos, value in blob:
        data[off + pos % blob_size] = value
    if cut is not None:
        del data[cut % (len(data) + 1) :]
    _call_both(bytes(data))
