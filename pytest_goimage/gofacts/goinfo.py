"""Facts about a Go binary read from its bytes: the embedded build info and the ELF layout.

Everything here is a pure function of a ``bytes`` object, so it works the same on a file on
disk and on a file pulled out of an image layer. The build info reader follows Go's own
``debug/buildinfo`` and ``runtime/debug.ParseBuildInfo``; ``format_build_info`` reproduces
``go version -m`` so a test can compare the two outputs line by line.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from typing import NamedTuple

from elftools.common.exceptions import ELFError
from elftools.construct import ConstructError
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile

from ..errors import GoImageError
from .goquote import (
    QuoteError,
    decode,
    key_needs_quotes,
    quote,
    quoted_prefix,
    unquote,
    value_needs_quotes,
)

__all__ = [
    "BuildInfo",
    "CorruptBinaryError",
    "ElfFacts",
    "Module",
    "NotElfError",
    "format_build_info",
    "inspect_elf",
    "read_build_info",
]


class NotElfError(GoImageError):
    """The bytes do not start with the ELF magic number."""


class CorruptBinaryError(GoImageError):
    """The bytes claim to be an ELF file (or hold Go build info) but are truncated or garbled."""


@dataclass(frozen=True)
class Module:
    """One module of a build: the ``mod``, ``dep`` or ``=>`` line of ``go version -m``."""

    path: str
    version: str
    sum: str
    replace: Module | None = None


@dataclass(frozen=True)
class BuildInfo:
    """The build information the Go linker embeds in every binary it writes."""

    go_version: str
    path: str
    main: Module | None
    deps: tuple[Module, ...]
    settings: tuple[tuple[str, str], ...]

    def setting(self, key: str) -> str | None:
        """Return the value of build setting ``key`` (the last one wins, as in ``go env``)."""
        found: str | None = None
        for k, v in self.settings:
            if k == key:
                found = v
        return found

    @property
    def cgo_enabled(self) -> bool | None:
        """``CGO_ENABLED`` as recorded at build time, or None when the binary does not say."""
        value = self.setting("CGO_ENABLED")
        if value == "1":
            return True
        if value == "0":
            return False
        return None


@dataclass(frozen=True)
class ElfFacts:
    """What an image test wants to know about an executable without running it."""

    arch: str
    elf_class: int
    interpreter: str | None
    needed: tuple[str, ...]
    static: bool
    pie: bool
    stripped: bool
    build_info: BuildInfo | None


# --------------------------------------------------------------------------------------------
# ELF snapshot: pyelftools is lazy and raises many exception types on bad input, so every
# pyelftools call happens in _load_elf and the rest of the module works on plain tuples.


class _Segment(NamedTuple):
    type: str
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    flags: int


class _Section(NamedTuple):
    name: str
    addr: int
    size: int
    type: str


class _Elf(NamedTuple):
    machine: str
    elf_class: int
    little_endian: bool
    e_type: str
    segments: tuple[_Segment, ...]
    sections: tuple[_Section, ...]
    interpreter: str | None
    needed: tuple[str, ...]
    flags_1: int
    has_soname: bool


_ELF_MAGIC = b"\x7fELF"
_PF_X = 0x1
_PF_W = 0x2
_DF_1_PIE = 0x08000000

# Exceptions pyelftools (and the struct/construct code under it) raises on malformed input.
_PARSE_ERRORS = (
    ELFError,
    ConstructError,
    struct.error,
    IndexError,
    KeyError,
    ValueError,
    UnicodeDecodeError,
    AssertionError,
    OverflowError,  # pyelftools seeks to offsets taken straight from the headers
)


def _load_elf(data: bytes) -> _Elf:
    """Parse everything this module needs from the ELF headers, or raise a GoImageError."""
    if not data.startswith(_ELF_MAGIC):
        raise NotElfError("The file is not an ELF executable (it does not start with \\x7fELF).")
    try:
        elf = ELFFile(io.BytesIO(data))
        header = elf.header
        ph_end = header.e_phoff + header.e_phnum * header.e_phentsize
        if header.e_phnum and ph_end > len(data):
            raise CorruptBinaryError(
                f"The ELF file is truncated: its program headers end at byte {ph_end} "
                f"but the file has {len(data)} bytes."
            )
        segments: list[_Segment] = []
        interpreter: str | None = None
        needed: list[str] = []
        flags_1 = 0
        has_soname = False
        for seg in elf.iter_segments():
            h = seg.header
            segments.append(
                _Segment(str(h.p_type), h.p_offset, h.p_vaddr, h.p_filesz, h.p_memsz, h.p_flags)
            )
            if h.p_type in ("PT_LOAD", "PT_INTERP", "PT_DYNAMIC") and (
                h.p_offset + h.p_filesz > len(data)
            ):
                raise CorruptBinaryError(
                    f"The ELF file is truncated: a {h.p_type} segment ends at byte "
                    f"{h.p_offset + h.p_filesz} but the file has {len(data)} bytes."
                )
            if h.p_type == "PT_INTERP":
                raw = data[h.p_offset : h.p_offset + h.p_filesz].split(b"\0", 1)[0]
                interpreter = raw.decode("utf-8", "surrogateescape")
            elif isinstance(seg, DynamicSegment):
                for tag in seg.iter_tags():
                    d_tag = tag.entry.d_tag
                    if d_tag == "DT_NEEDED":
                        needed.append(str(getattr(tag, "needed", "")))
                    elif d_tag == "DT_FLAGS_1":
                        flags_1 = int(tag.entry.d_val)
                    elif d_tag == "DT_SONAME":
                        has_soname = True
        sections: list[_Section] = []
        sh_end = header.e_shoff + header.e_shnum * header.e_shentsize
        if header.e_shoff and sh_end > len(data):
            raise CorruptBinaryError(
                f"The ELF file is truncated: its section headers end at byte {sh_end} "
                f"but the file has {len(data)} bytes."
            )
        if header.e_shoff:
            for sec in elf.iter_sections():
                sh = sec.header
                sections.append(_Section(str(sec.name), sh.sh_addr, sh.sh_size, str(sh.sh_type)))
        return _Elf(
            machine=str(header.e_machine),
            elf_class=int(elf.elfclass),
            little_endian=bool(elf.little_endian),
            e_type=str(header.e_type),
            segments=tuple(segments),
            sections=tuple(sections),
            interpreter=interpreter,
            needed=tuple(needed),
            flags_1=flags_1,
            has_soname=has_soname,
        )
    except CorruptBinaryError:
        raise
    except _PARSE_ERRORS as exc:
        # pyelftools messages can span lines; keep the user-facing message to one sentence.
        detail = (str(exc).splitlines() or [""])[0][:200]
        raise CorruptBinaryError(
            f"The ELF file is truncated or corrupt ({type(exc).__name__}: {detail})."
        ) from exc


# --------------------------------------------------------------------------------------------
# Build info blob (see cmd/link's buildinfo writer and debug/buildinfo's reader).

_BUILDINFO_MAGIC = b"\xff Go buildinf:"
_BUILDINFO_ALIGN = 16
_BUILDINFO_HEADER_SIZE = 32
_FLAG_BIG_ENDIAN = 0x1
_FLAG_INLINE = 0x2


class _AddressSpace:
    """Reads the file bytes behind a virtual address, the way the loader would map them."""

    def __init__(self, data: bytes, segments: tuple[_Segment, ...]) -> None:
        self._data = data
        self._loads = [s for s in segments if s.type == "PT_LOAD" and s.filesz > 0]

    def read(self, addr: int, size: int) -> bytes:
        """Return up to ``size`` bytes at ``addr``, stopping at the end of its segment."""
        for seg in self._loads:
            if seg.vaddr <= addr < seg.vaddr + seg.filesz:
                start = seg.offset + (addr - seg.vaddr)
                end = seg.offset + seg.filesz
                return self._data[start : min(end, start + max(size, 0))]
        return b""


def _data_start(elf: _Elf) -> tuple[int, int] | None:
    """Where the linker put the blob: its own section, else the first writable data segment."""
    for sec in elf.sections:
        if sec.name == ".go.buildinfo":
            return sec.addr, sec.size
    # Stripped of section headers: Go places the blob at the start of the data segment.
    for seg in elf.segments:
        if seg.type == "PT_LOAD" and seg.flags & (_PF_X | _PF_W) == _PF_W:
            return seg.vaddr, seg.memsz
    return None


def _find_magic(space: _AddressSpace, start: int, size: int) -> int | None:
    """Return the first 16-byte-aligned address in [start, start+size) holding the magic."""
    aligned = (start + _BUILDINFO_ALIGN - 1) & ~(_BUILDINFO_ALIGN - 1)
    if size <= 0 or aligned >= start + size:
        return None
    chunk = space.read(aligned, start + size - aligned)
    pos = chunk.find(_BUILDINFO_MAGIC)
    while pos >= 0:
        if pos % _BUILDINFO_ALIGN == 0:
            return aligned + pos
        pos = chunk.find(_BUILDINFO_MAGIC, pos + 1)
    return None


def _uvarint(buf: bytes) -> tuple[int, int]:
    """Decode a Go unsigned varint; return (value, bytes used), with used <= 0 on failure."""
    value = 0
    shift = 0
    for i, b in enumerate(buf[:10]):
        if b < 0x80:
            if i == 9 and b > 1:
                return 0, -(i + 1)  # overflows 64 bits
            return value | (b << shift), i + 1
        value |= (b & 0x7F) << shift
        shift += 7
    return 0, 0 if len(buf) < 10 else -11


def _inline_string(space: _AddressSpace, addr: int) -> tuple[bytes, int]:
    """Read one varint-length-prefixed string; return it and the address after it."""
    length, used = _uvarint(space.read(addr, 10))
    if used <= 0:
        raise CorruptBinaryError("The Go build info blob has a malformed string length.")
    addr += used
    raw = space.read(addr, length)
    if len(raw) < length:
        raise CorruptBinaryError("The Go build info blob has a string that runs past its segment.")
    return raw, addr + length


def _pointer_string(space: _AddressSpace, addr: int, ptr_size: int, endian: str) -> bytes:
    """Read a Go string header (data pointer, length) at ``addr`` and the bytes it points to."""
    fmt = endian + ("I" if ptr_size == 4 else "Q")
    header = space.read(addr, 2 * ptr_size)
    if len(header) < 2 * ptr_size:
        raise CorruptBinaryError("The Go build info blob points outside the loaded segments.")
    data_ptr = struct.unpack_from(fmt, header, 0)[0]
    length = struct.unpack_from(fmt, header, ptr_size)[0]
    raw = space.read(data_ptr, length)
    if len(raw) < length:
        raise CorruptBinaryError("The Go build info blob points to a string past its segment.")
    return raw


def _raw_build_info(data: bytes, elf: _Elf) -> tuple[bytes, bytes] | None:
    """Return the raw (go version, modinfo) strings, or None when there is no magic."""
    where = _data_start(elf)
    if where is None:
        return None
    space = _AddressSpace(data, elf.segments)
    addr = _find_magic(space, *where)
    if addr is None:
        return None
    header = space.read(addr, _BUILDINFO_HEADER_SIZE)
    if len(header) < _BUILDINFO_HEADER_SIZE:
        raise CorruptBinaryError("The Go build info header is cut off by the end of its segment.")
    ptr_size, flags = header[14], header[15]
    if flags & _FLAG_INLINE:
        # Go 1.18+: version and modinfo follow the header as varint-prefixed strings.
        vers, after = _inline_string(space, addr + _BUILDINFO_HEADER_SIZE)
        mod, _ = _inline_string(space, after)
    else:
        # Before Go 1.18: the header holds pointers to two Go string headers.
        if ptr_size not in (4, 8):
            raise CorruptBinaryError(f"The Go build info header has pointer size {ptr_size}.")
        endian = ">" if flags & _FLAG_BIG_ENDIAN else "<"
        fmt = endian + ("I" if ptr_size == 4 else "Q")
        vers_ptr = struct.unpack_from(fmt, header, 16)[0]
        mod_ptr = struct.unpack_from(fmt, header, 16 + ptr_size)[0]
        vers = _pointer_string(space, vers_ptr, ptr_size, endian)
        mod = _pointer_string(space, mod_ptr, ptr_size, endian)
    if not vers:
        raise CorruptBinaryError("The Go build info blob has an empty Go version.")
    # cmd/go frames modinfo with two 16-byte sentinels; anything else means "no module info".
    mod = mod[16:-16] if len(mod) >= 33 and mod[-17:-16] == b"\n" else b""
    return vers, mod


# --------------------------------------------------------------------------------------------
# modinfo text (runtime/debug.ParseBuildInfo and BuildInfo.String).


class _ModuleBuilder:
    """A mutable module while parsing, because ``=>`` lines patch the previous module."""

    def __init__(self, fields: list[str]) -> None:
        if len(fields) not in (2, 3):
            raise QuoteError(f"expected 2 or 3 columns; got {len(fields)}")
        self.path, self.version = fields[0], fields[1]
        self.sum = fields[2] if len(fields) == 3 else ""
        self.replace: Module | None = None

    def freeze(self) -> Module:
        return Module(self.path, self.version, self.sum, self.replace)


def _parse_setting(kv: str) -> tuple[str, str]:
    if not kv:
        raise QuoteError("build line missing '='")
    if kv[0] == "=":
        raise QuoteError("build line with missing key")
    if kv[0] in '"`':
        raw_key = quoted_prefix(kv)
        if len(kv) == len(raw_key) or kv[len(raw_key)] != "=":
            raise QuoteError("quoted key not followed by '='")
        key = unquote(raw_key)
        raw_value = kv[len(raw_key) + 1 :]
    else:
        key, sep, raw_value = kv.partition("=")
        if not sep:
            raise QuoteError("build line missing '=' after key")
        if key_needs_quotes(key):
            raise QuoteError(f"unquoted key {key!r} must be quoted")
    if raw_value[:1] in ('"', "`"):
        return key, unquote(raw_value)
    if value_needs_quotes(raw_value):
        raise QuoteError(f"unquoted value {raw_value!r} must be quoted")
    return key, raw_value


def _parse_modinfo(go_version: str, text: str) -> BuildInfo:
    """Parse modinfo text; raise CorruptBinaryError naming the bad line."""
    path = ""
    main: _ModuleBuilder | None = None
    deps: list[_ModuleBuilder] = []
    settings: list[tuple[str, str]] = []
    last: _ModuleBuilder | None = None
    # Like strings.Cut in Go: a final line without a newline is ignored.
    lines = text.split("\n")[:-1]
    for number, line in enumerate(lines, start=1):
        try:
            if line.startswith("path\t"):
                path = line[5:]
            elif line.startswith("mod\t"):
                main = last = _ModuleBuilder(line[4:].split("\t"))
            elif line.startswith("dep\t"):
                last = _ModuleBuilder(line[4:].split("\t"))
                deps.append(last)
            elif line.startswith("=>\t"):
                fields = line[3:].split("\t")
                if len(fields) != 3:
                    raise QuoteError(f"expected 3 columns for replacement; got {len(fields)}")
                if last is None:
                    raise QuoteError("replacement with no module on previous line")
                last.replace = Module(fields[0], fields[1], fields[2])
                last = None
            elif line.startswith("build\t"):
                settings.append(_parse_setting(line[6:]))
        except QuoteError as exc:
            raise CorruptBinaryError(
                f"The Go build info is malformed at line {number}: {exc}."
            ) from exc
    return BuildInfo(
        go_version=go_version,
        path=path,
        main=main.freeze() if main is not None else None,
        deps=tuple(d.freeze() for d in deps),
        settings=tuple(settings),
    )


def read_build_info(data: bytes) -> BuildInfo | None:
    """Return the Go build info embedded in an ELF executable, or None for a non-Go ELF.

    Raises NotElfError for bytes that are not ELF and CorruptBinaryError for a truncated ELF
    or a garbled build info blob.
    """
    elf = _load_elf(data)
    raw = _raw_build_info(data, elf)
    if raw is None:
        return None
    vers, mod = raw
    return _parse_modinfo(decode(vers), decode(mod))


def _format_module(word: str, m: Module) -> str:
    if m.replace is None:
        return f"{word}\t{m.path}\t{m.version}\t{m.sum}\n"
    # Go's BuildInfo.String ends the replacement line and then the replaced one, so every
    # `=>` line is followed by an empty line in `go version -m` output.
    return f"{word}\t{m.path}\t{m.version}\n{_format_module('=>', m.replace)}\n"


def format_build_info(info: BuildInfo) -> str:
    """Render ``info`` exactly as ``go version -m`` prints it after its first line."""
    text = f"path\t{info.path}\n" if info.path else ""
    if info.main is not None and info.main != Module("", "", ""):
        text += _format_module("mod", info.main)
    for dep in info.deps:
        text += _format_module("dep", dep)
    for key, value in info.settings:
        k = quote(key) if key_needs_quotes(key) else key
        v = quote(value) if value_needs_quotes(value) else value
        text += f"build\t{k}={v}\n"
    # Same as cmd/go: indent every line by a tab, splitting on "\n" only.
    return "\t" + text[:-1].replace("\n", "\n\t") + "\n" if text else ""


# --------------------------------------------------------------------------------------------

_GOARCH = {
    "EM_X86_64": "amd64",
    "EM_386": "386",
    "EM_AARCH64": "arm64",
    "EM_ARM": "arm",
    "EM_S390": "s390x",
    "EM_LOONGARCH": "loong64",
    "EM_RISCV": "riscv64",
}


def _goarch(elf: _Elf) -> str:
    """Map e_machine (plus class and byte order where Go splits a machine) to GOARCH."""
    if elf.machine == "EM_PPC64":
        return "ppc64le" if elf.little_endian else "ppc64"
    if elf.machine in ("EM_MIPS", "EM_MIPS_RS3_LE"):
        base = "mips64" if elf.elf_class == 64 else "mips"
        return base + ("le" if elf.little_endian else "")
    if elf.machine == "EM_RISCV" and elf.elf_class == 32:
        return "riscv"
    if elf.machine in _GOARCH:
        return _GOARCH[elf.machine]
    # pyelftools leaves unknown machines as ints; keep them visible instead of guessing.
    return elf.machine.removeprefix("EM_").lower()


def inspect_elf(data: bytes) -> ElfFacts:
    """Describe an ELF executable: architecture, linking, PIE-ness, symbols and Go build info.

    ``static`` means no program interpreter and no DT_NEEDED entries, so a static-pie counts
    as static. Raises NotElfError or CorruptBinaryError like ``read_build_info``.
    """
    elf = _load_elf(data)
    raw = _raw_build_info(data, elf)
    info = None if raw is None else _parse_modinfo(decode(raw[0]), decode(raw[1]))
    has_interp = elf.interpreter is not None
    return ElfFacts(
        arch=_goarch(elf),
        elf_class=elf.elf_class,
        interpreter=elf.interpreter,
        needed=elf.needed,
        static=not has_interp and not elf.needed,
        # ET_DYN is also a shared library; an interpreter, DF_1_PIE or no SONAME says executable.
        pie=elf.e_type == "ET_DYN"
        and (has_interp or bool(elf.flags_1 & _DF_1_PIE) or not elf.has_soname),
        stripped=not any(s.type == "SHT_SYMTAB" or s.name == ".symtab" for s in elf.sections),
        build_info=info,
    )
