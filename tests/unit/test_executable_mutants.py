"""What inspect_elf (gofacts/executable.py) calls a PIE and a stripped file, on the ELF files
where the rules part ways: a shared library that names a SONAME, a static-pie that names one
too, and a static-pie whose symbol table was renamed or retyped.

The truth is file(1) (5.44 here): a PIE is an ET_DYN file with DF_1_PIE (readelf prints it as
"Position-Independent Executable file"), and a file is "stripped" unless a section of type
SHT_SYMTAB exists, whatever the sections are named. Inputs are built with the installed gcc, or
are test_goinfo's gcc -static-pie hello, byte-patched where a linker cannot write them.
"""

from __future__ import annotations

import io
import struct
import subprocess

import pytest
from elftools.elf.elffile import ELFFile

from pytest_goimage.gofacts.executable import inspect_elf
from tests.unit import test_goinfo as goinfo
from tests.unit.test_goinfo import GCC, HELLO_C, Built

pytestmark = pytest.mark.skipif(GCC is None, reason="needs gcc")

# test_goinfo's session fixtures: built once per session, and once per mutation run.
c_binaries = goinfo.c_binaries
workdir = goinfo.workdir

GREET_C = "int greet(void) { return 42; }\n"


@pytest.fixture(scope="session")
def soname_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A shared library and a static-pie executable, each linked with -soname."""
    root = tmp_path_factory.mktemp("soname")
    (root / "greet.c").write_text(GREET_C)
    (root / "hello.c").write_text(HELLO_C)
    links = {
        "library": ["-shared", "-fPIC", "-Wl,-soname,libgreet.so.1", "greet.c"],
        "static-pie": ["-static-pie", "-Wl,-soname,libhello.so.1", "hello.c"],
    }
    built: dict[str, bytes] = {}
    for name, flags in links.items():
        done = subprocess.run(
            [GCC or "gcc", *flags, "-o", name], cwd=root, capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"gcc cannot link {name} with a soname here: {done.stderr}")
        built[name] = (root / name).read_bytes()
    return built


def test_a_shared_library_that_names_a_soname_is_not_a_pie(
    soname_files: dict[str, bytes],
) -> None:
    # ET_DYN without an interpreter or DF_1_PIE, with DT_SONAME: file(1) says "shared object".
    facts = inspect_elf(soname_files["library"])
    assert (facts.pie, facts.interpreter, facts.needed) == (False, None, ())


def test_a_static_pie_that_names_a_soname_is_a_static_pie(
    soname_files: dict[str, bytes],
) -> None:
    # No interpreter and a DT_SONAME, but DF_1_PIE: file(1) says "pie executable, static-pie
    # linked", and the program runs.
    facts = inspect_elf(soname_files["static-pie"])
    assert (facts.pie, facts.static, facts.interpreter) == (True, True, None)


def _symtab_header(data: bytes) -> tuple[int, int]:
    """(offset of the .symtab section header, offset of its name in .shstrtab)."""
    elf = ELFFile(io.BytesIO(data))
    names = elf.get_section(elf.header.e_shstrndx)
    for index, section in enumerate(elf.iter_sections()):
        if section.name == ".symtab":
            header = elf.header.e_shoff + index * elf.header.e_shentsize
            return header, names.header.sh_offset + section.header.sh_name
    raise AssertionError("the file has no .symtab section")


def _static_pie(c_binaries: dict[str, Built]) -> bytearray:
    if "static-pie" not in c_binaries:
        pytest.skip("gcc cannot link -static-pie here")
    return bytearray(c_binaries["static-pie"].data)


def test_a_symbol_table_under_another_name_is_not_stripped(
    c_binaries: dict[str, Built],
) -> None:
    # file(1) goes by the section type: ".symtab" renamed ".symtbl" is still "not stripped".
    data = _static_pie(c_binaries)
    _, name = _symtab_header(bytes(data))
    data[name : name + 8] = b".symtbl\0"
    assert inspect_elf(bytes(data)).stripped is False


def test_a_section_named_symtab_that_holds_no_symbol_table_is_stripped(
    c_binaries: dict[str, Built],
) -> None:
    # The same file with .symtab's sh_type set to SHT_PROGBITS: no symbol table is left, and
    # file(1) says "stripped" although a section still bears the name.
    data = _static_pie(c_binaries)
    header, _ = _symtab_header(bytes(data))
    struct.pack_into("<I", data, header + 4, 1)  # sh_type = SHT_PROGBITS
    assert inspect_elf(bytes(data)).stripped is True
