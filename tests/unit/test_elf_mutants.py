"""What the ELF header reader (pytest_goimage.gofacts.elf) must report for real ELF files: every
field as binutils' readelf prints it, the GOARCH of each machine Go targets, and one exact message
for each way a file is cut short.

Inputs: test_goinfo's Go binaries (built once per session, once per mutation run), the ELF files
Go's own debug/elf tests keep in $GOROOT/src/debug/elf/testdata (executables, a shared library and
objects of every architecture those tests cover), and two tiny Go programs cross-built for the
machines that directory lacks (big-endian ppc64, loong64).
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
from pathlib import Path

import pytest

from pytest_goimage.errors import CorruptBinaryError, NotElfError
from pytest_goimage.gofacts.elf import ElfHeaders, Section, Segment, goarch, load_elf, parse_detail
from tests.unit import test_goinfo as goinfo
from tests.unit.test_goinfo import GO, READELF, Built

pytestmark = pytest.mark.skipif(
    GO is None or READELF is None, reason="needs the go toolchain and readelf on PATH"
)

# test_goinfo's session fixtures: built once per session, and once per mutation run
# (tests.mutation.warm keys them by their defining module).
go_binaries = goinfo.go_binaries
c_binaries = goinfo.c_binaries
workdir = goinfo.workdir


def _goroot() -> Path:
    out = subprocess.run([GO or "go", "env", "GOROOT"], capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


TESTDATA = _goroot() / "src" / "debug" / "elf" / "testdata" if GO else Path()

# debug/elf's testdata file -> the GOARCH Go names its machine (or, for machines Go does not
# target, the lower-case e_machine name without EM_).
TESTDATA_GOARCH = {
    "gcc-386-freebsd-exec": "386",
    "gcc-amd64-linux-exec": "amd64",
    "gcc-riscv64-linux-exec": "riscv64",
    "go-relocation-test-clang-arm.obj": "arm",
    "go-relocation-test-gcc482-aarch64.obj": "arm64",
    "go-relocation-test-gcc482-ppc64le.obj": "ppc64le",
    "go-relocation-test-gcc492-mips64.obj": "mips64",
    "go-relocation-test-gcc492-mipsle.obj": "mipsle",
    "go-relocation-test-gcc493-mips64le.obj": "mips64le",
    "go-relocation-test-gcc531-s390x.obj": "s390x",
    "go-relocation-test-gcc540-mips.obj": "mips",
    "go-relocation-test-gcc5-ppc.obj": "ppc",
    "go-relocation-test-gcc620-sparc64.obj": "sparcv9",
}

# readelf's names of DT_FLAGS_1 bits (binutils readelf.c), for the few this project's files use.
FLAGS_1_BITS = {"None": 0, "NOW": 0x1, "NODELETE": 0x8, "ORIGIN": 0x80, "PIE": 0x08000000}
READELF_SECTION_TYPES = {"VERSYM": "GNU_versym", "VERNEED": "GNU_verneed", "VERDEF": "GNU_verdef"}


@pytest.fixture(scope="session")
def cross_binaries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """An empty Go program built for the GOARCHes debug/elf's testdata has no file of."""
    root = tmp_path_factory.mktemp("cross")
    (root / "go.mod").write_text("module example.com/cross\n\ngo 1.21\n")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n")
    built: dict[str, bytes] = {}
    for arch in ("ppc64", "loong64"):
        env = goinfo._go_env() | {"GOARCH": arch, "CGO_ENABLED": "0"}
        goinfo._run([GO or "go", "build", "-o", root / arch, "."], env=env, cwd=root)
        built[arch] = (root / arch).read_bytes()
    return built


def readelf(path: Path, flag: str) -> str:
    done = subprocess.run(
        [READELF or "readelf", "-W", flag, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ, LC_ALL="C"),
    )
    return done.stdout


def readelf_headers(path: Path) -> dict[str, object]:
    """The fields of ElfHeaders as readelf prints them (machine aside: see the goarch tests)."""
    header = readelf(path, "-h")
    programs = readelf(path, "-l")
    dynamic = readelf(path, "-d")
    segments = tuple(
        Segment(
            "PT_" + m[0],
            int(m[1], 16),
            int(m[2], 16),
            int(m[3], 16),
            int(m[4], 16),
            (4 if m[5][0] == "R" else 0)
            | (2 if m[5][1] == "W" else 0)
            | (1 if m[5][2] == "E" else 0),
        )
        for m in re.findall(
            r"^\s+(\w+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+"
            r"0x([0-9a-f]+)\s+([R ][W ][E ])\s+0x[0-9a-f]+$",
            programs,
            re.M,
        )
    )
    sections = []
    for line in readelf(path, "-S").splitlines():
        m = re.match(r"^\s+\[\s*(\d+)\]\s(.*)$", line)
        if m is None:
            continue
        words = m[2].split()
        if m[1] == "0":
            words.insert(0, "")
        name, kind, addr, _off, size = words[:5]
        kind = "SHT_" + READELF_SECTION_TYPES.get(kind, kind)
        sections.append(Section(name, int(addr, 16), int(size, 16), kind))
    interp = re.search(r"Requesting program interpreter: ([^\]]*)\]", programs)
    flags_1 = re.search(r"\(FLAGS_1\)\s+Flags:(.*)", dynamic)
    return {
        "elf_class": 64 if re.search(r"Class:\s+ELF64", header) else 32,
        "little_endian": bool(re.search(r"Data:.*little endian", header)),
        "e_type": "ET_" + re.search(r"Type:\s+(\w+)", header)[1],  # type: ignore[index]
        "segments": segments,
        "sections": tuple(sections),
        "interpreter": interp[1] if interp else None,
        "needed": tuple(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)),
        "flags_1": sum(FLAGS_1_BITS[f] for f in flags_1[1].split()) if flags_1 else 0,
        "has_soname": "(SONAME)" in dynamic,
    }


def fields(headers: ElfHeaders) -> dict[str, object]:
    found = headers._asdict()
    del found["machine"]
    return found


@pytest.mark.parametrize("name", ["nocgo", "cgo", "pie", "arm64", "stripped"])
def test_go_binary_headers_read_as_readelf_prints_them(
    go_binaries: dict[str, Built], name: str
) -> None:
    if name not in go_binaries:
        pytest.skip(f"variant {name} was not built (needs gcc)")
    built = go_binaries[name]
    assert fields(load_elf(built.data)) == readelf_headers(built.path)


@pytest.mark.parametrize(
    "name",
    [
        "gcc-386-freebsd-exec",
        "gcc-amd64-linux-exec",
        "libtiffxx.so_",
        "go-relocation-test-gcc531-s390x.obj",
    ],
)
def test_testdata_headers_read_as_readelf_prints_them(name: str) -> None:
    path = TESTDATA / name
    assert fields(load_elf(path.read_bytes())) == readelf_headers(path)


def test_a_shared_library_names_its_soname_needed_libraries_and_flags() -> None:
    headers = load_elf((TESTDATA / "libtiffxx.so_").read_bytes())
    assert (headers.e_type, headers.has_soname, headers.flags_1) == ("ET_DYN", True, 0x1)
    assert headers.needed == ("libtiff.so.6", "libstdc++.so.6", "libc.so.6")


# --------------------------------------------------------------------------------------------
# GOARCH of each machine


@pytest.mark.parametrize(("name", "arch"), sorted(TESTDATA_GOARCH.items()))
def test_goarch_of_each_machine_in_go_testdata(name: str, arch: str) -> None:
    assert goarch(load_elf((TESTDATA / name).read_bytes())) == arch


@pytest.mark.parametrize("arch", ["ppc64", "loong64"])
def test_goarch_of_a_go_binary_cross_built_for_it(
    cross_binaries: dict[str, bytes], arch: str
) -> None:
    assert goarch(load_elf(cross_binaries[arch])) == arch


def test_goarch_of_the_old_mips_r3000_little_endian_machine_number() -> None:
    # EM_MIPS_RS3_LE (10) is an old number for little-endian MIPS; Go's mipsle object from
    # debug/elf's testdata, with its e_machine rewritten to it.
    data = bytearray((TESTDATA / "go-relocation-test-gcc492-mipsle.obj").read_bytes())
    struct.pack_into("<H", data, 0x12, 10)
    headers = load_elf(bytes(data))
    assert (headers.machine, goarch(headers)) == ("EM_MIPS_RS3_LE", "mipsle")


def test_goarch_of_a_32_bit_risc_v_elf_is_riscv() -> None:
    # Go has no 32-bit RISC-V port and the toolchains here have none either: the 52-byte
    # header of an ELF32 little-endian RISC-V executable (e_machine 243) with no other content.
    header = b"\x7fELF\x01\x01\x01" + bytes(9)
    header += struct.pack("<HHIIIIIHHHHHH", 2, 243, 1, 0, 0, 0, 0, 52, 32, 0, 40, 0, 0)
    headers = load_elf(header)
    assert (headers.machine, headers.elf_class, goarch(headers)) == ("EM_RISCV", 32, "riscv")


# --------------------------------------------------------------------------------------------
# The interpreter path


def _interp(data: bytes) -> Segment:
    return next(s for s in load_elf(data).segments if s.type == "PT_INTERP")


def _phdr_at(data: bytes, segment_type: int) -> int:
    """File offset of the first ELF64 program header of `segment_type`."""
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    (phnum,) = struct.unpack_from("<H", data, 0x38)
    return next(
        phoff + i * 56
        for i in range(phnum)
        if struct.unpack_from("<I", data, phoff + i * 56)[0] == segment_type
    )


PT_DYNAMIC, PT_INTERP = 2, 3


def test_the_interpreter_ends_at_its_first_nul_as_readelf_prints_it(
    go_binaries: dict[str, Built],
) -> None:
    data = bytearray(goinfo._binary(go_binaries, "cgo").data)
    interp = _interp(bytes(data))
    end = interp.offset + interp.filesz
    data[end : end + 4] = b"abc\0"
    struct.pack_into("<Q", data, _phdr_at(bytes(data), PT_INTERP) + 32, interp.filesz + 4)
    assert (
        load_elf(bytes(data)).interpreter
        == load_elf(goinfo._binary(go_binaries, "cgo").data).interpreter
    )


def test_an_interpreter_path_that_is_not_utf8_keeps_its_bytes(
    go_binaries: dict[str, Built],
) -> None:
    data = bytearray(goinfo._binary(go_binaries, "cgo").data)
    interp = _interp(bytes(data))
    data[interp.offset + 1] = 0xFF  # "/lib64/..." -> "/\xffib64/..."
    path = load_elf(bytes(data)).interpreter
    assert path is not None
    assert path.encode("utf-8", "surrogateescape") == bytes(
        data[interp.offset : interp.offset + interp.filesz - 1]
    )


# --------------------------------------------------------------------------------------------
# Files that are not ELF or are cut short: one exact message each


def test_a_file_that_is_not_elf_says_what_it_starts_with() -> None:
    with pytest.raises(NotElfError) as caught:
        load_elf(b"#!/bin/sh\necho hi\n")
    assert str(caught.value) == (
        "The file is not an ELF executable (it does not start with \\x7fELF)."
    )


def corrupt(data: bytes) -> str:
    with pytest.raises(CorruptBinaryError) as caught:
        load_elf(data)
    return str(caught.value)


def test_a_file_cut_inside_its_program_headers(go_binaries: dict[str, Built]) -> None:
    data = go_binaries["nocgo"].data
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    end = phoff + phnum * phentsize
    assert corrupt(data[:100]) == (
        f"The ELF file is truncated: its program headers end at byte {end} "
        "but the file has 100 bytes."
    )


def test_a_file_cut_right_after_its_program_headers_names_the_segment_cut(
    go_binaries: dict[str, Built],
) -> None:
    data = go_binaries["nocgo"].data
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    cut = phoff + phnum * phentsize
    first_load = next(s for s in load_elf(data).segments if s.type == "PT_LOAD")
    assert corrupt(data[:cut]) == (
        f"The ELF file is truncated: a PT_LOAD segment ends at byte "
        f"{first_load.offset + first_load.filesz} but the file has {cut} bytes."
    )


def test_a_file_cut_inside_its_interpreter_path(go_binaries: dict[str, Built]) -> None:
    data = goinfo._binary(go_binaries, "cgo").data
    interp = _interp(data)
    cut = interp.offset + 4
    assert corrupt(data[:cut]) == (
        f"The ELF file is truncated: a PT_INTERP segment ends at byte "
        f"{interp.offset + interp.filesz} but the file has {cut} bytes."
    )


def test_a_dynamic_segment_running_past_the_end_of_the_file(
    go_binaries: dict[str, Built],
) -> None:
    data = bytearray(goinfo._binary(go_binaries, "cgo").data)
    dynamic = next(s for s in load_elf(bytes(data)).segments if s.type == "PT_DYNAMIC")
    filesz = len(data) - dynamic.offset + 8
    struct.pack_into("<Q", data, _phdr_at(bytes(data), PT_DYNAMIC) + 32, filesz)
    assert corrupt(bytes(data)) == (
        f"The ELF file is truncated: a PT_DYNAMIC segment ends at byte {len(data) + 8} "
        f"but the file has {len(data)} bytes."
    )


def test_a_file_cut_inside_its_section_headers(c_binaries: dict[str, Built]) -> None:
    # ld writes the section headers last, after every segment: cutting them off leaves the
    # program headers and segments whole.
    if "static" not in c_binaries:
        pytest.skip("gcc cannot link -static here")
    data = c_binaries["static"].data
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    assert shoff + shnum * shentsize == len(data)
    assert len(load_elf(data).sections) == shnum
    assert corrupt(data[:-10]) == (
        f"The ELF file is truncated: its section headers end at byte {len(data)} "
        f"but the file has {len(data) - 10} bytes."
    )


def test_a_header_pyelftools_cannot_read_is_corrupt_with_its_reason() -> None:
    assert corrupt(b"\x7fELF") == (
        "The ELF file is truncated or corrupt (ELFError: Invalid EI_CLASS b'')."
    )


def test_a_dynamic_segment_without_a_string_table_is_corrupt(
    go_binaries: dict[str, Built],
) -> None:
    # No section headers and DT_STRTAB turned into DT_DEBUG: pyelftools finds no string table
    # for the DT_NEEDED names and fails a bare assert, whose message is empty.
    data = bytearray(goinfo._binary(go_binaries, "cgo").data)
    dynamic = next(s for s in load_elf(bytes(data)).segments if s.type == "PT_DYNAMIC")
    at = dynamic.offset
    while (tag := struct.unpack_from("<q", data, at)[0]) != 0:
        if tag == 5:  # DT_STRTAB
            struct.pack_into("<q", data, at, 21)  # DT_DEBUG
        at += 16
    struct.pack_into("<Q", data, 0x28, 0)  # e_shoff
    struct.pack_into("<HH", data, 0x3C, 0, 0)  # e_shnum, e_shstrndx
    assert corrupt(bytes(data)) == "The ELF file is truncated or corrupt (AssertionError: )."


def test_a_file_ending_exactly_where_its_last_segment_ends_is_whole(
    go_binaries: dict[str, Built],
) -> None:
    # A Go binary without section headers, cut after its last PT_LOAD: nothing is missing.
    data = bytearray(go_binaries["nocgo"].data)
    struct.pack_into("<Q", data, 0x28, 0)  # e_shoff
    struct.pack_into("<HH", data, 0x3C, 0, 0)  # e_shnum, e_shstrndx
    last = [s for s in load_elf(bytes(data)).segments if s.type == "PT_LOAD"][-1]
    cut = bytes(data[: last.offset + last.filesz])
    assert load_elf(cut).segments == load_elf(bytes(data)).segments


def test_a_parsers_message_is_cut_to_its_first_line_of_at_most_200_characters() -> None:
    assert parse_detail(ValueError("x" * 300 + "\nsecond line")) == "x" * 200
    assert parse_detail(ValueError("short\nsecond line")) == "short"
    assert parse_detail(ValueError("")) == ""
