"""What an image test wants to know about an executable without running it: architecture,
linking, PIE-ness, symbols and Go build info, as one ``ElfFacts`` read from its bytes.

A pure function of a ``bytes`` object, so it works the same on a file on disk and on a file
pulled out of an image layer.
"""

from __future__ import annotations

from dataclasses import dataclass

from .buildinfo import BuildInfo, build_info_of
from .elf import DF_1_PIE, goarch, load_elf

__all__ = ["ElfFacts", "inspect_elf"]


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


def inspect_elf(data: bytes) -> ElfFacts:
    """Describe an ELF executable: architecture, linking, PIE-ness, symbols and Go build info.

    ``static`` means no program interpreter and no DT_NEEDED entries, so a static-pie counts
    as static. Raises NotElfError or CorruptBinaryError like ``read_build_info``.
    """
    elf = load_elf(data)
    info = build_info_of(data, elf)
    has_interp = elf.interpreter is not None
    return ElfFacts(
        arch=goarch(elf),
        elf_class=elf.elf_class,
        interpreter=elf.interpreter,
        needed=elf.needed,
        static=not has_interp and not elf.needed,
        # ET_DYN is also a shared library; an interpreter, DF_1_PIE or no SONAME says executable.
        pie=elf.e_type == "ET_DYN"
        and (has_interp or bool(elf.flags_1 & DF_1_PIE) or not elf.has_soname),
        # As file(1) decides: by the section type; a section's name carries no symbols.
        stripped=not any(s.type == "SHT_SYMTAB" for s in elf.sections),
        build_info=info,
    )
