"""The ELF headers of an executable, read once into plain tuples: segments, sections, dynamic
tags, and the GOARCH its machine field names.

pyelftools is lazy and raises many exception types on bad input, so every pyelftools call
happens in ``load_elf``; callers get ``ElfHeaders``, NotElfError or CorruptBinaryError.
"""

from __future__ import annotations

import io
import struct
from typing import NamedTuple

from elftools.common.exceptions import ELFError
from elftools.construct import ConstructError
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile

from ..errors import CorruptBinaryError, NotElfError

__all__ = [
    "DF_1_PIE",
    "PF_W",
    "PF_X",
    "ElfHeaders",
    "Section",
    "Segment",
    "goarch",
    "load_elf",
]


class Segment(NamedTuple):
    type: str
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    flags: int


class Section(NamedTuple):
    name: str
    addr: int
    size: int
    type: str


class ElfHeaders(NamedTuple):
    machine: str
    elf_class: int
    little_endian: bool
    e_type: str
    segments: tuple[Segment, ...]
    sections: tuple[Section, ...]
    interpreter: str | None
    needed: tuple[str, ...]
    flags_1: int
    has_soname: bool


_ELF_MAGIC = b"\x7fELF"


def looks_like_elf(data: bytes) -> bool:
    """Whether `data` (a file's first bytes or more) starts as an ELF file does."""
    return data.startswith(_ELF_MAGIC)


PF_X = 0x1
PF_W = 0x2
DF_1_PIE = 0x08000000

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


def load_elf(data: bytes) -> ElfHeaders:
    """Parse everything this module needs from the ELF headers, or raise a GoImageError."""
    if not looks_like_elf(data):
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
        segments: list[Segment] = []
        interpreter: str | None = None
        needed: list[str] = []
        flags_1 = 0
        has_soname = False
        for seg in elf.iter_segments():
            h = seg.header
            segments.append(
                Segment(str(h.p_type), h.p_offset, h.p_vaddr, h.p_filesz, h.p_memsz, h.p_flags)
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
        sections: list[Section] = []
        sh_end = header.e_shoff + header.e_shnum * header.e_shentsize
        if header.e_shoff and sh_end > len(data):
            raise CorruptBinaryError(
                f"The ELF file is truncated: its section headers end at byte {sh_end} "
                f"but the file has {len(data)} bytes."
            )
        if header.e_shoff:
            for sec in elf.iter_sections():
                sh = sec.header
                sections.append(Section(str(sec.name), sh.sh_addr, sh.sh_size, str(sh.sh_type)))
        return ElfHeaders(
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
        raise CorruptBinaryError(
            f"The ELF file is truncated or corrupt ({type(exc).__name__}: {parse_detail(exc)})."
        ) from exc


_DETAIL_LIMIT = 200  # characters of a parser's message that go into ours


def parse_detail(exc: BaseException) -> str:
    """The first line of a parser's message, cut at 200 characters: pyelftools messages can
    span lines, and the user-facing message stays one sentence."""
    return (str(exc).splitlines() or [""])[0][:_DETAIL_LIMIT]


# Build info blob (see cmd/link's buildinfo writer and debug/buildinfo's reader).


_GOARCH = {
    "EM_X86_64": "amd64",
    "EM_386": "386",
    "EM_AARCH64": "arm64",
    "EM_ARM": "arm",
    "EM_S390": "s390x",
    "EM_LOONGARCH": "loong64",
    "EM_RISCV": "riscv64",
}


def goarch(elf: ElfHeaders) -> str:
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
