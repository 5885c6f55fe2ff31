"""The build information the Go linker embeds in a binary, read from the binary's bytes.

Follows Go's own ``debug/buildinfo`` (finding the blob) and ``runtime/debug.ParseBuildInfo``
(reading its modinfo text); ``format_build_info`` reproduces ``go version -m`` so a test can
compare the two outputs line by line.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ..errors import CorruptBinaryError
from .elf import PF_W, PF_X, ElfHeaders, Segment, load_elf
from .goquote import (
    QuoteError,
    decode,
    key_needs_quotes,
    quote,
    quoted_prefix,
    unquote,
    value_needs_quotes,
)

__all__ = ["BuildInfo", "Module", "build_info_of", "format_build_info", "read_build_info"]


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


# --------------------------------------------------------------------------------------------
# Build info blob (see cmd/link's buildinfo writer and debug/buildinfo's reader).

_BUILDINFO_MAGIC = b"\xff Go buildinf:"
_BUILDINFO_ALIGN = 16
_BUILDINFO_HEADER_SIZE = 32
_FLAG_BIG_ENDIAN = 0x1
_FLAG_INLINE = 0x2


class _AddressSpace:
    """Reads the file bytes behind a virtual address, the way the loader would map them."""

    def __init__(self, data: bytes, segments: tuple[Segment, ...]) -> None:
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


def _data_start(elf: ElfHeaders) -> tuple[int, int] | None:
    """Where the linker put the blob: its own section, else the first writable data segment."""
    for sec in elf.sections:
        if sec.name == ".go.buildinfo":
            return sec.addr, sec.size
    # Stripped of section headers: Go places the blob at the start of the data segment.
    for seg in elf.segments:
        if seg.type == "PT_LOAD" and seg.flags & (PF_X | PF_W) == PF_W:
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


def _raw_build_info(data: bytes, elf: ElfHeaders) -> tuple[bytes, bytes] | None:
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
    return build_info_of(data, load_elf(data))


def build_info_of(data: bytes, elf: ElfHeaders) -> BuildInfo | None:
    """The build info of ``data`` whose headers ``load_elf`` read; None without the blob.

    Raises CorruptBinaryError for a garbled blob.
    """
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
