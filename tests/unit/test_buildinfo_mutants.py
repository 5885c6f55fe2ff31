"""What the Go build info reader (pytest_goimage.gofacts.buildinfo) must do with every shape of
blob Go's own ``debug/buildinfo`` and ``runtime/debug.ParseBuildInfo`` accept or reject.

Each input is a real Go binary from test_goinfo's session fixtures (built once per session, and
once per mutation run by tests.mutation.warm), with its build info blob or headers rewritten
where a test needs a shape the Go linker does not write today. Where the reader accepts the
bytes, ``go version -m`` on the same file is the expected output.
"""

from __future__ import annotations

import base64
import io
import struct
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from pytest_goimage.errors import CorruptBinaryError
from pytest_goimage.gofacts.buildinfo import BuildInfo, Module, format_build_info, read_build_info
from tests.unit import test_goinfo as goinfo
from tests.unit.test_goinfo import (
    GO,
    MAGIC,
    Built,
    _assert_matches_go,
    _blob_location,
    _to_pointer_format,
    _varint,
)

# test_goinfo's session fixtures: built once per session, and once per mutation run
# (tests.mutation.warm keys them by their defining module).
go_binaries = goinfo.go_binaries
workdir = goinfo.workdir

pytestmark = pytest.mark.skipif(GO is None, reason="needs the go toolchain on PATH")

# The 16-byte sentinels cmd/go writes around modinfo (cmd/go/internal/modload: infoStart, infoEnd).
INFO_START = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")
INFO_END = bytes.fromhex("f932433186182072008242104116d8f2")
GO_VERSION = b"go1.26.8"
HEADER = 32

# ELF64 program and section header field offsets (the binaries here are linux/amd64).
PHDR_FIELDS = {"type": (0, "I"), "offset": (8, "Q"), "vaddr": (16, "Q"), "filesz": (32, "Q")}
SHDR_FIELDS = {"addr": (16, "Q"), "size": (32, "Q")}


def uvarint(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


@pytest.fixture
def base(go_binaries: dict[str, Built]) -> bytes:
    """A CGO_ENABLED=0 linux/amd64 binary linked at 0x400000; its blob opens its data segment."""
    return go_binaries["nocgo"].data


def with_blob(data: bytes, body: bytes, at: int = 0) -> bytes:
    """`data` with the bytes after its build info header replaced by `body` (and the header
    itself moved `at` bytes further when `at` is not 0)."""
    off, _, _ = _blob_location(data)
    out = bytearray(data)
    header = bytes(out[off : off + HEADER])
    if at:
        out[off : off + HEADER] = bytes(HEADER)
    out[off + at : off + at + HEADER] = header
    out[off + at + HEADER : off + at + HEADER + len(body)] = body
    return bytes(out)


def inline(version: bytes, modinfo: bytes) -> bytes:
    """The Go 1.18+ inline strings: varint-prefixed version, then modinfo."""
    return uvarint(len(version)) + version + uvarint(len(modinfo)) + modinfo


def with_modinfo(data: bytes, text: str, version: bytes = GO_VERSION) -> bytes:
    """`data` whose build info holds `text` framed as cmd/go frames it."""
    return with_blob(data, inline(version, INFO_START + text.encode() + INFO_END))


def _elf(data: bytes) -> ELFFile:
    return ELFFile(io.BytesIO(data))


def data_segment(data: bytes) -> int:
    """Index of the PT_LOAD holding the build info blob."""
    off, _, _ = _blob_location(data)
    for i, seg in enumerate(_elf(data).iter_segments()):
        h = seg.header
        if h.p_type == "PT_LOAD" and h.p_offset <= off < h.p_offset + h.p_filesz:
            return i
    raise AssertionError("no PT_LOAD holds the blob")


def set_phdr(data: bytes, index: int, **fields: int) -> bytes:
    h = _elf(data).header
    out = bytearray(data)
    for name, value in fields.items():
        at, fmt = PHDR_FIELDS[name]
        struct.pack_into("<" + fmt, out, h.e_phoff + index * h.e_phentsize + at, value)
    return bytes(out)


def set_section(data: bytes, name: str, **fields: int) -> bytes:
    elf = _elf(data)
    index = next(i for i, s in enumerate(elf.iter_sections()) if s.name == name)
    out = bytearray(data)
    for field, value in fields.items():
        at, fmt = SHDR_FIELDS[field]
        struct.pack_into("<" + fmt, out, elf.header.e_shoff + index * 64 + at, value)
    return bytes(out)


def phdr(data: bytes, index: int) -> dict[str, int]:
    h = _elf(data).get_segment(index).header
    return {"offset": h.p_offset, "vaddr": h.p_vaddr, "filesz": h.p_filesz}


def end_data_segment_at(data: bytes, file_offset: int) -> bytes:
    """`data` whose blob's PT_LOAD ends (in the file) at `file_offset`."""
    index = data_segment(data)
    return set_phdr(data, index, filesz=file_offset - phdr(data, index)["offset"])


def corrupt(data: bytes) -> str:
    with pytest.raises(CorruptBinaryError) as caught:
        read_build_info(data)
    return str(caught.value)


def read(data: bytes) -> BuildInfo:
    info = read_build_info(data)
    assert info is not None
    return info


def matches_go_version_m(tmp_path: Path, data: bytes) -> BuildInfo:
    """The build info of `data`, after checking it renders as `go version -m` prints it."""
    path = tmp_path / "app"
    path.write_bytes(data)
    info = read(data)
    _assert_matches_go(path, info)
    return info


# --------------------------------------------------------------------------------------------
# modinfo text, as runtime/debug.ParseBuildInfo reads it


MAIN = "path\texample.com/hello\nmod\texample.com/hello\t(devel)\t\n"


def test_a_repeated_build_setting_reads_as_its_last_value(base: bytes, tmp_path: Path) -> None:
    data = with_modinfo(base, MAIN + "build\tGOOS=linux\nbuild\tGOOS=plan9\n")
    info = matches_go_version_m(tmp_path, data)
    assert info.settings == (("GOOS", "linux"), ("GOOS", "plan9"))
    assert info.setting("GOOS") == "plan9"


def test_cgo_enabled_is_unknown_when_the_build_did_not_record_it(base: bytes) -> None:
    info = read(with_modinfo(base, MAIN + "build\tGOOS=linux\n"))
    assert info.cgo_enabled is None


def test_module_lines_keep_each_column_as_go_version_m_prints_them(
    base: bytes, tmp_path: Path
) -> None:
    text = (
        "path\texample.com/hello/cmd/api\n"
        "mod\texample.com/hello\tv1.2.3\th1:bWFpbg==\n"
        "dep\tgolang.org/x/text\tv0.14.0\n"
        "dep\texample.com/unversioned\t\th1:bm92=\n"
        "dep\tgithub.com/a/b\tv1.0.0\th1:YWI=\n"
        "=>\tgithub.com/fork/b\tv1.0.1\th1:Zm9yaw==\n"
        "build\tCGO_ENABLED=0\n"
    )
    info = matches_go_version_m(tmp_path, with_modinfo(base, text))
    assert info == BuildInfo(
        go_version="go1.26.8",
        path="example.com/hello/cmd/api",
        main=Module("example.com/hello", "v1.2.3", "h1:bWFpbg=="),
        deps=(
            Module("golang.org/x/text", "v0.14.0", ""),
            Module("example.com/unversioned", "", "h1:bm92="),
            Module(
                "github.com/a/b",
                "v1.0.0",
                "h1:YWI=",
                replace=Module("github.com/fork/b", "v1.0.1", "h1:Zm9yaw=="),
            ),
        ),
        settings=(("CGO_ENABLED", "0"),),
    )


def test_a_binary_without_a_main_module_prints_no_mod_line(base: bytes, tmp_path: Path) -> None:
    text = "path\tcommand-line-arguments\nbuild\tGOOS=linux\n"
    info = matches_go_version_m(tmp_path, with_modinfo(base, text))
    assert (info.path, info.main, info.deps) == ("command-line-arguments", None, ())
    assert format_build_info(info) == "\tpath\tcommand-line-arguments\n\tbuild\tGOOS=linux\n"


def test_an_empty_main_module_prints_no_mod_line(base: bytes, tmp_path: Path) -> None:
    # Go's BuildInfo.String skips a Main equal to Module{}; `mod` with empty columns is one.
    info = matches_go_version_m(tmp_path, with_modinfo(base, "path\tx\nmod\t\t\n"))
    assert info.main == Module("", "", "")
    assert format_build_info(info) == "\tpath\tx\n"


def test_quoted_build_keys_and_values_read_as_go_version_m_prints_them(
    base: bytes, tmp_path: Path
) -> None:
    text = MAIN + (
        'build\t"a b"="c d"\n'
        'build\t"k=v"=x\n'
        "build\tldflags=`-s -w`\n"
        "build\tX=1\n"
        'build\t-gcflags="all=-N -l"\n'
    )
    info = matches_go_version_m(tmp_path, with_modinfo(base, text))
    assert info.settings == (
        ("a b", "c d"),
        ("k=v", "x"),
        ("ldflags", "-s -w"),
        ("X", "1"),
        ("-gcflags", "all=-N -l"),
    )


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            "dep\tgolang.org/x/text\tv0.14.0\th1:a=\textra\n",
            "The Go build info is malformed at line 3: expected 2 or 3 columns; got 4.",
        ),
        (
            "dep\tgolang.org/x/text\n",
            "The Go build info is malformed at line 3: expected 2 or 3 columns; got 1.",
        ),
        (
            "dep\tgithub.com/a/b\tv1.0.0\n=>\t../b\tv1.0.0\n",
            "The Go build info is malformed at line 4: expected 3 columns for replacement; got 2.",
        ),
        (
            "dep\tgithub.com/a/b\tv1.0.0\n=>\t../b\t\t\tx\n",
            "The Go build info is malformed at line 4: expected 3 columns for replacement; got 4.",
        ),
        (
            "dep\tgithub.com/a/b\tv1.0.0\n=>\t../b\t\t\n=>\t../c\t\t\n",
            "The Go build info is malformed at line 5: replacement with no module on previous line.",
        ),
        ("build\t\n", "The Go build info is malformed at line 3: build line missing '='."),
        ("build\t=x\n", "The Go build info is malformed at line 3: build line with missing key."),
        (
            'build\t"k"\n',
            "The Go build info is malformed at line 3: quoted key not followed by '='.",
        ),
        (
            'build\t"k"x=1\n',
            "The Go build info is malformed at line 3: quoted key not followed by '='.",
        ),
        (
            "build\tGOOS\n",
            "The Go build info is malformed at line 3: build line missing '=' after key.",
        ),
        (
            "build\tk y=1\n",
            "The Go build info is malformed at line 3: unquoted key 'k y' must be quoted.",
        ),
        (
            "build\tk=a b\n",
            "The Go build info is malformed at line 3: unquoted value 'a b' must be quoted.",
        ),
    ],
    ids=[
        "dep-4-columns",
        "dep-1-column",
        "replace-2-columns",
        "replace-4-columns",
        "replace-after-replace",
        "build-empty",
        "build-no-key",
        "build-quoted-key-alone",
        "build-quoted-key-then-x",
        "build-no-equals",
        "build-key-with-space",
        "build-value-with-space",
    ],
)
def test_a_malformed_modinfo_line_is_reported_with_its_number(
    base: bytes, lines: str, message: str
) -> None:
    assert corrupt(with_modinfo(base, MAIN + lines)) == message


def test_a_replacement_on_the_first_line_is_reported(base: bytes) -> None:
    message = (
        "The Go build info is malformed at line 1: replacement with no module on previous line."
    )
    assert corrupt(with_modinfo(base, "=>\t../b\t\t\n")) == message


# --------------------------------------------------------------------------------------------
# The blob's strings (debug/buildinfo's readString and decodeString)


def test_an_empty_go_version_is_reported(base: bytes) -> None:
    data = with_modinfo(base, MAIN, version=b"")
    assert corrupt(data) == "The Go build info blob has an empty Go version."


def test_a_string_longer_than_its_segment_is_reported(base: bytes) -> None:
    data = with_blob(base, uvarint(1 << 40) + GO_VERSION)
    assert corrupt(data) == "The Go build info blob has a string that runs past its segment."


@pytest.mark.parametrize(
    "length",
    [bytes([0x80] * 10), bytes([0xFF] * 9 + [0x02]), bytes([0xFF] * 9 + [0x03])],
    ids=["never-ends", "overflows-by-1", "overflows-by-2"],
)
def test_a_malformed_string_length_is_reported(base: bytes, length: bytes) -> None:
    data = with_blob(base, length + GO_VERSION)
    assert corrupt(data) == "The Go build info blob has a malformed string length."


def test_a_ten_byte_length_ending_in_1_is_a_huge_length_not_an_overflow(base: bytes) -> None:
    # 2**64 - 1 fits in a uint64, so Go reads it as a length, and no segment is that long.
    data = with_blob(base, bytes([0xFF] * 9 + [0x01]) + GO_VERSION)
    assert corrupt(data) == "The Go build info blob has a string that runs past its segment."


def test_a_length_cut_off_by_the_end_of_its_segment_is_malformed(base: bytes) -> None:
    off, _, _ = _blob_location(base)
    data = end_data_segment_at(with_blob(base, bytes([0x80] * 3)), off + HEADER + 3)
    assert corrupt(data) == "The Go build info blob has a malformed string length."


def test_a_modinfo_of_exactly_128_bytes_is_read(base: bytes, tmp_path: Path) -> None:
    # Its length is the two-byte varint 0x80 0x01, whose first byte has no value bits.
    text = "path\tp\nbuild\tK=" + "v" * 80 + "\n"
    assert len(INFO_START + text.encode() + INFO_END) == 128
    info = matches_go_version_m(tmp_path, with_modinfo(base, text))
    assert info.settings == (("K", "v" * 80),)


def test_a_modinfo_of_hundreds_of_modules_is_read(base: bytes, tmp_path: Path) -> None:
    # A service with 200 dependencies: more than 16 KiB of modinfo, a three-byte varint length.
    deps = "".join(
        f"dep\tgithub.com/org{i:03d}/module\tv1.{i}.0\th1:{'A' * 43}=\n" for i in range(200)
    )
    text = MAIN + deps + "build\tCGO_ENABLED=0\n"
    assert len(text) > 1 << 14
    info = matches_go_version_m(tmp_path, with_modinfo(base, text))
    assert len(info.deps) == 200
    assert info.deps[-1] == Module("github.com/org199/module", "v1.199.0", "h1:" + "A" * 43 + "=")
    assert info.settings == (("CGO_ENABLED", "0"),)


def test_modinfo_without_its_closing_newline_is_no_module_info(base: bytes) -> None:
    # cmd/go always ends modinfo with "\n" before the closing sentinel; Go's reader checks it.
    data = with_blob(base, inline(GO_VERSION, INFO_START + MAIN.encode()[:-1] + INFO_END))
    info = read(data)
    assert (info.go_version, info.path, info.main, info.settings) == ("go1.26.8", "", None, ())


def test_the_build_info_header_cut_off_by_its_segment_end_is_reported(base: bytes) -> None:
    off, _, _ = _blob_location(base)
    data = end_data_segment_at(base, off + 20)
    message = "The Go build info header is cut off by the end of its segment."
    assert corrupt(data) == message


# --------------------------------------------------------------------------------------------
# Finding the blob (debug/buildinfo's search for the magic)


def blob_body(data: bytes) -> bytes:
    """The inline strings after the build info header of `data`, as the linker wrote them."""
    off, _, _ = _blob_location(data)
    vers_len, pos = _varint(data, off + HEADER)
    mod_len, pos = _varint(data, pos + vers_len)
    return data[off + HEADER : pos + mod_len]


def decoy(ptr_size: int = 3) -> bytes:
    """A build info header that is not the binary's: pre-1.18 layout with a bad pointer size."""
    return MAGIC + bytes([ptr_size, 0]) + bytes(16)


def test_the_first_aligned_magic_is_the_blob_not_an_unaligned_or_later_one(
    base: bytes,
) -> None:
    # The section holds an unaligned copy of the magic, the blob 32 bytes in, and a later
    # aligned copy; Go takes the first copy at a 16-byte boundary.
    off, _, _ = _blob_location(base)
    body = blob_body(base)
    data = bytearray(with_blob(base, body, at=32))
    assert off + 32 + HEADER + len(body) <= off + 0x400
    data[off + 5 : off + 5 + len(MAGIC)] = MAGIC
    data[off + 0x400 : off + 0x400 + 32] = decoy()
    patched = set_section(bytes(data), ".go.buildinfo", size=0x800)
    assert read(patched) == read(base)


def test_a_magic_past_the_end_of_its_section_is_not_read(base: bytes) -> None:
    body = blob_body(base)
    data = set_section(with_blob(base, body, at=32), ".go.buildinfo", size=32)
    assert read_build_info(data) is None


def test_a_magic_before_the_start_of_its_section_is_not_read(base: bytes) -> None:
    _, vaddr, _ = _blob_location(base)
    data = set_section(base, ".go.buildinfo", addr=vaddr + 1, size=0x2FF)
    assert read_build_info(data) is None


def test_the_build_info_section_is_read_even_where_the_data_segment_starts_otherwise(
    base: bytes,
) -> None:
    # A decoy header opens the data segment; the .go.buildinfo section points 0x400 further.
    off, vaddr, _ = _blob_location(base)
    body = blob_body(base)
    data = bytearray(with_blob(base, body, at=0x400))
    data[off : off + 32] = decoy()
    patched = set_section(bytes(data), ".go.buildinfo", addr=vaddr + 0x400)
    assert read(patched) == read(base)


def test_a_segment_that_is_not_pt_load_does_not_map_the_blob(base: bytes) -> None:
    # The PT_NOTE before the PT_LOADs is pointed at the blob's address with only 16 bytes.
    off, vaddr, _ = _blob_location(base)
    note = next(i for i, s in enumerate(_elf(base).iter_segments()) if s["p_type"] == "PT_NOTE")
    data = set_phdr(base, note, offset=off, vaddr=vaddr, filesz=16)
    assert read(data) == read(base)


def test_an_address_where_one_segment_ends_is_read_from_the_next(base: bytes) -> None:
    # The PT_LOAD before the data segment is stretched to end exactly where the data begins.
    index = data_segment(base)
    before, data_seg = phdr(base, index - 1), phdr(base, index)
    filesz = data_seg["vaddr"] - before["vaddr"]
    assert before["offset"] + filesz <= len(base)
    data = set_phdr(base, index - 1, filesz=filesz)
    assert read(data) == read(base)


# --------------------------------------------------------------------------------------------
# The pre-Go 1.18 layout: the header points at two Go string headers


@pytest.mark.parametrize(
    ("ptr_size", "big_endian"), [(4, False), (8, True)], ids=["4-little", "8-big"]
)
def test_pointer_format_of_every_width_and_byte_order(
    base: bytes, tmp_path: Path, ptr_size: int, big_endian: bool
) -> None:
    path = tmp_path / "oldformat"
    patched = _to_pointer_format(base, ptr_size, big_endian)
    path.write_bytes(patched)
    info = read(patched)
    _assert_matches_go(path, info)
    assert info == read(base)


@pytest.mark.parametrize(
    ("ptr_size", "high"), [(4, 0x8000_0000), (8, 0x8000_0000_0000_0000)], ids=["4", "8"]
)
def test_pointer_format_addresses_with_the_top_bit_set(
    base: bytes, ptr_size: int, high: int
) -> None:
    """Pointers are unsigned: a data segment moved up to the top half of the address space."""
    index = data_segment(base)
    _, vaddr, _ = _blob_location(base)
    moved = set_phdr(base, index, vaddr=high + phdr(base, index)["vaddr"])
    moved = set_section(moved, ".go.buildinfo", addr=high + vaddr)
    assert read(_to_pointer_format(moved, ptr_size, big_endian=False)) == read(base)


def test_pointer_format_with_another_pointer_size_is_reported(base: bytes) -> None:
    data = bytearray(_to_pointer_format(base, 8, big_endian=False))
    off, _, _ = _blob_location(bytes(data))
    data[off + 14] = 5
    assert corrupt(bytes(data)) == "The Go build info header has pointer size 5."


def _pointer_fields(data: bytes) -> tuple[int, int, int]:
    """(blob offset, file offset of the version's string header, of the modinfo's)."""
    off, vaddr, _ = _blob_location(data)
    vers_ptr, mod_ptr = struct.unpack_from("<QQ", data, off + 16)
    return off, off + vers_ptr - vaddr, off + mod_ptr - vaddr


def test_pointer_format_string_header_outside_every_segment_is_reported(base: bytes) -> None:
    data = bytearray(_to_pointer_format(base, 8, big_endian=False))
    off, _, _ = _pointer_fields(bytes(data))
    struct.pack_into("<Q", data, off + 16, 0x10)  # the version's string header at 0x10
    message = "The Go build info blob points outside the loaded segments."
    assert corrupt(bytes(data)) == message


@pytest.mark.parametrize("length", [2, 1 << 40], ids=["unmapped-short", "past-segment"])
def test_pointer_format_string_past_its_segment_is_reported(base: bytes, length: int) -> None:
    data = bytearray(_to_pointer_format(base, 8, big_endian=False))
    _, vers_header, _ = _pointer_fields(bytes(data))
    if length == 2:
        struct.pack_into("<QQ", data, vers_header, 0x10, length)  # 2 bytes at unmapped 0x10
    else:
        struct.pack_into("<Q", data, vers_header + 8, length)
    message = "The Go build info blob points to a string past its segment."
    assert corrupt(bytes(data)) == message


def test_pointer_format_string_header_ending_at_its_segment_end_is_read(base: bytes) -> None:
    data = _to_pointer_format(base, 8, big_endian=False)
    _, _, mod_header = _pointer_fields(data)
    assert read(end_data_segment_at(data, mod_header + 16)) == read(base)


def test_pointer_format_string_header_cut_by_its_segment_end_is_reported(base: bytes) -> None:
    data = _to_pointer_format(base, 8, big_endian=False)
    _, _, mod_header = _pointer_fields(data)
    message = "The Go build info blob points outside the loaded segments."
    assert corrupt(end_data_segment_at(data, mod_header + 8)) == message


def test_a_go_1_17_binary_reads_as_go_version_m_prints_it(tmp_path: Path) -> None:
    """Go's own pre-1.18 test binary (debug/buildinfo/testdata/go117), pointer layout and all."""
    goroot = goinfo._run([GO or "go", "env", "GOROOT"], env=goinfo._go_env()).strip()
    encoded = Path(goroot, "src", "debug", "buildinfo", "testdata", "go117", "go117.base64")
    data = base64.b64decode(encoded.read_bytes())
    info = matches_go_version_m(tmp_path, data)
    assert info == BuildInfo(
        go_version="go1.17",
        path="example.com/go117",
        main=Module("example.com/go117", "(devel)", ""),
        deps=(),
        settings=(),
    )


def test_a_string_in_a_segment_of_one_byte_is_read(base: bytes) -> None:
    # The PT_GNU_STACK entry becomes a one-byte PT_LOAD at 0x10000 over the version's first
    # byte, and the version's string header points there with length 1.
    data = bytearray(_to_pointer_format(base, 8, big_endian=False))
    off, vaddr, _ = _blob_location(bytes(data))
    _, vers_header, _ = _pointer_fields(bytes(data))
    (vers_ptr,) = struct.unpack_from("<Q", data, vers_header)
    stack = next(
        i for i, s in enumerate(_elf(bytes(data)).iter_segments()) if s["p_type"] == "PT_GNU_STACK"
    )
    patched = set_phdr(bytes(data), stack, type=1, offset=off + vers_ptr - vaddr, vaddr=0x10000)
    patched = set_phdr(patched, stack, filesz=1)
    out = bytearray(patched)
    struct.pack_into("<QQ", out, vers_header, 0x10000, 1)
    assert read(bytes(out)).go_version == "g"
