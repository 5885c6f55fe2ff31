"""The built image as tests see it: config, layers, and files read without running it."""

from __future__ import annotations

import json
import tarfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import BinaryError, GoImageError
from ..gofacts import exec_words
from ..gofacts.buildinfo import BuildInfo
from ..gofacts.command import program_of
from ..gofacts.executable import ElfFacts, inspect_elf
from ..gofacts.saved_image import SavedImage
from . import missing_program, overlay, program_files


@dataclass(frozen=True)
class GoBinary:
    """The service binary read out of the image: ELF facts and Go build info."""

    path: str
    size: int
    facts: ElfFacts

    @property
    def build_info(self) -> BuildInfo | None:
        return self.facts.build_info

    @property
    def go_version(self) -> str | None:
        """`go1.26.8`, or None for a binary without Go build info."""
        return self.facts.build_info.go_version if self.facts.build_info else None

    @property
    def static(self) -> bool:
        return self.facts.static


@dataclass(frozen=True)
class Layer:
    """One history entry: the instruction that made it and the bytes it added."""

    size: int
    created_by: str
    empty: bool
    comment: str = ""  # history's Comment: "Imported from -", a tool's name

    @property
    def instruction(self) -> str:
        """`RUN go build ...` rather than BuildKit's `RUN /bin/sh -c go build ... # buildkit`."""
        text = self.created_by.removesuffix(" # buildkit").strip()
        if "#(nop) " in text:  # legacy builder metadata steps
            return text.split("#(nop) ", 1)[1].strip()
        if "/bin/sh -c " in text:  # drops `|2 A=b C=d` build-arg prefixes too
            return "RUN " + text.split("/bin/sh -c ", 1)[1].strip()
        return text

    @property
    def label(self) -> str:
        """The instruction, or what the history says instead where it recorded none (`docker
        import` and some builders without a Dockerfile leave CreatedBy empty)."""
        instruction, comment = self.instruction, self.comment.strip()
        if instruction:
            return instruction
        if comment:
            return f"(no instruction in the image history; its comment: {comment})"
        return "(no instruction in the image history: a layer of the base image or its builder)"


@dataclass
class ImageConfigView:
    """The runtime config baked into the image."""

    user: str
    env: dict[str, str]
    entrypoint: list[str]
    cmd: list[str]
    exposed_ports: list[str]
    labels: dict[str, str]
    healthcheck: dict[str, Any] | None
    working_dir: str
    onbuild: list[str] = field(default_factory=list)  # ONBUILD instructions, for child images

    @property
    def ports(self) -> list[str]:
        """The EXPOSEd ports ("8080/tcp"), as SPEC.md names them; same as `exposed_ports`."""
        return self.exposed_ports


@dataclass
class BuiltImage:
    """A built image. Files are read from its layers, never by running it."""

    dockerfile: str
    tag: str
    id: str
    size: int
    config: ImageConfigView
    layers: list[Layer]
    architecture: str
    os: str
    build_seconds: float
    cached_steps: int
    steps: int
    log_path: str
    configured_binary: str | None = None
    shared_steps: int = 0  # done by another build of the same steps at the same time
    _client: Any = field(repr=False, default=None)
    _inspect: dict[str, Any] = field(repr=False, default_factory=dict)
    _layer_files: list[dict[str, int]] | None = field(repr=False, default=None)
    _saved_image: SavedImage | None = field(repr=False, default=None)
    _last_read: tuple[str, bytes] | None = field(repr=False, default=None)
    _saved_error: str | None = field(repr=False, default=None)

    @property
    def layer_digests(self) -> list[str]:
        """The layers' digests as the engine lists them (RootFS.Layers, lowest first)."""
        return [str(d) for d in (self._inspect.get("RootFS") or {}).get("Layers") or []]

    @cached_property
    def binary_path(self) -> str:
        """`binary` from the configuration, else the program ENTRYPOINT and CMD run (through
        shell scripts, env, su-exec/gosu and init wrappers such as tini; see
        command.program_of)."""
        if self.configured_binary:
            return self.configured_binary
        if not self.config.entrypoint and not self.config.cmd:
            raise BinaryError(
                f"{self.dockerfile}: image {self.tag} has neither ENTRYPOINT nor CMD, so the Go "
                "binary is unknown; set `binary` in [tool.goimage]."
            )
        found = program_of(
            self.config.entrypoint,
            self.config.cmd,
            self.config.working_dir,
            self._program_file,
            self.config.env,
        )
        if found.path is None and found.runs_nothing:
            raise BinaryError(
                f"{self.dockerfile}: image {self.tag} runs no program "
                f"({self._command_shown()}): {found.why}."
            )
        if found.path is None:
            raise BinaryError(
                f"{self.dockerfile}: cannot tell which program image {self.tag} runs "
                f"({self._command_shown()}): {found.why}; set `binary` in [tool.goimage] to the "
                "Go binary's absolute path."
            )
        if found.path.startswith("/"):
            return found.path
        located = self.on_path(found.path)
        if located is None:
            copied = self._copied_files()
            raise BinaryError(
                missing_program.off_path(self, found.path, self._entry_lookup(), copied)
            )
        return located

    def on_path(self, name: str) -> str | None:
        """Where the image's PATH finds the program `name`, as exec would."""
        for directory in missing_program.path_of(self.config.env).split(":"):
            candidate = str(PurePosixPath(directory or "/") / name)
            if self.exists(candidate):
                return candidate
        return None

    def program_path(self, word: str) -> str | None:
        """Where exec finds the program `word` in the image: absolute as it is, a relative
        path from the WORKDIR, a bare name on PATH; None where PATH has none."""
        located = exec_words.located(word, self.config.working_dir or "/")
        if located is None or not located.startswith("/"):
            return self.on_path(word) if word else None
        return located

    def _program_file(self, word: str) -> bytes | None:
        """A program's file in the image, for following scripts; None when there is none."""
        path = self.program_path(word)
        if path is None:
            return None
        try:
            return self.read_file(path)
        except (OSError, ValueError):  # missing, a directory, a path no file can have
            return None

    def _command_shown(self) -> str:
        shown = [
            f"{name} {json.dumps(words)}"
            for name, words in (("ENTRYPOINT", self.config.entrypoint), ("CMD", self.config.cmd))
            if words
        ]
        return " ".join(shown)

    @cached_property
    def binary(self) -> GoBinary:
        """The Go binary's ELF facts and build info, read without running the image."""
        path = self.binary_path
        try:
            data = self.read_file(path)
        except FileNotFoundError:
            copied = self._copied_files()
            message = missing_program.missing_binary(self, path, self._entry_lookup(), copied)
            raise BinaryError(message) from None
        except IsADirectoryError:
            raise BinaryError(f"{self.dockerfile}: {path} is a directory in {self.tag}.") from None
        try:
            facts = inspect_elf(data)
        except GoImageError as exc:
            raise BinaryError(
                f"{self.dockerfile}: {path} in {self.tag} is not a readable ELF executable "
                f"({exc}); a script or wrapper runs there? Set `binary` to the Go binary's path."
            ) from None
        return GoBinary(path=path, size=len(data), facts=facts)

    @cached_property
    def command(self) -> list[str]:
        """What the container runs: ENTRYPOINT + CMD."""
        return self.config.entrypoint + self.config.cmd

    def read_file(self, path: str) -> bytes:
        """The bytes of a file in the image (symlinks followed), without starting anything.

        The last file read is kept: finding the program (is it a script?) and reading it as
        the Go binary, then scanning it for local paths (provenance), read the same file."""
        if self._last_read is not None and self._last_read[0] == path:
            return self._last_read[1]
        data = self.read_files([path])[path]
        self._last_read = (path, data)
        return data

    def read_files(self, paths: list[str]) -> dict[str, bytes]:
        """Several files, never starting the image. Raises FileNotFoundError naming the path.

        Read straight from the engine's overlay2 layers when they are local and readable,
        else from one export of the image (the API path), which every later read reuses."""
        try:
            dirs = overlay.layer_dirs(self._inspect)
            return {path: self._read_local(dirs, path) for path in paths}
        except (overlay.NotLocal, PermissionError):
            return {path: self._read_saved(path) for path in paths}

    def _read_local(self, dirs: list[Path], path: str) -> bytes:
        try:
            return overlay.read_file(dirs, path)
        except FileNotFoundError:
            raise FileNotFoundError(f"{path} does not exist in image {self.tag}") from None
        except IsADirectoryError:
            raise IsADirectoryError(f"{path} is a directory in image {self.tag}") from None

    def _read_saved(self, path: str) -> bytes:
        try:
            return self._saved().read(path)
        except FileNotFoundError:
            raise FileNotFoundError(f"{path} does not exist in image {self.tag}") from None
        except IsADirectoryError:
            raise IsADirectoryError(f"{path} is a directory in image {self.tag}") from None

    def read_listed(self, index: int, path: str) -> bytes:
        """`path` as layer `index` (oldest first, as layer_files lists it) holds it: also a file
        a later layer deleted or replaced, which a container no longer sees but anyone who
        pulls the image can read."""
        try:
            return overlay.read_listed(overlay.layer_dirs(self._inspect), index, path)
        except (overlay.NotLocal, PermissionError):
            return self._saved().read_listed(index, path)

    def layer_files(self) -> list[dict[str, int]]:
        """Per layer, oldest first, path -> size (whiteouts as `.wh.` entries of size -1)."""
        if self._layer_files is None:
            try:
                self._layer_files = overlay.layer_listing(overlay.layer_dirs(self._inspect))
            except (overlay.NotLocal, PermissionError):
                self._layer_files = self._saved().layer_files()
        return self._layer_files

    def close(self) -> None:
        """Let go of the export the API path kept (its disk space) and the last file read."""
        if self._saved_image is not None:
            self._saved_image.close()
            self._saved_image = None
        self._last_read = None

    def _saved(self) -> SavedImage:
        """The image as `docker save` writes it, fetched once into an unnamed temporary file
        (gone when closed or when the process ends)."""
        if self._saved_error is not None:
            raise BinaryError(self._saved_error)
        if self._saved_image is None:
            try:
                self._saved_image = program_files.export_image(self._client, self.id)
            except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
                # Remembered: every later read would fetch the whole image again to no end.
                self._saved_error = (
                    f"{self.dockerfile}: the export of image {self.tag} cannot be read ({exc}), "
                    "so its files cannot be read without the engine's overlay2 folders; "
                    "this plugin reads layers stored as tar or gzip (zstd layers are not "
                    "supported yet)."
                )
                raise BinaryError(self._saved_error) from None
        return self._saved_image

    def _entry_lookup(self) -> program_files.Lookup:
        """A walk over the image's files that stops at symlinks, from the overlay2 folders
        or the export as read_files chooses: both paths name the same links."""
        try:
            dirs = overlay.layer_dirs(self._inspect)
        except (overlay.NotLocal, PermissionError):
            saved = self._saved()
            return lambda parts: program_files.saved_entry(saved, parts)
        return lambda parts: program_files.overlay_entry(dirs, parts)

    def _copied_files(self) -> list[str]:
        """Files this image's own COPY/ADD instructions put into it (read from the history,
        relative destinations joined to the WORKDIR then in effect; the base image's COPYs
        left out where the Dockerfile can be read), for a message about a binary that is not
        where ENTRYPOINT says."""
        built_from = program_files.dockerfile_of(self.config.labels)
        history = (layer.instruction for layer in self.layers)
        dockerfile = built_from.dockerfile if built_from else None
        return program_files.own_copies(history, dockerfile, self.exists)

    def exists(self, path: str) -> bool:
        try:
            self.read_file(path)
        except (FileNotFoundError, IsADirectoryError):
            return False
        return True


def steps_text(steps: int, cached: int, shared: int) -> str:
    """How a build's Dockerfile steps went: "5/7 steps cached", and the steps another build
    running beside it did (BuildKit does not say whether those came from its cache)."""
    text = f"{cached}/{steps} steps cached"
    if shared:
        text += f", {shared} done by another build of the same steps running beside it"
    return text


def load_image(
    client: Any,
    image_id: str,
    *,
    dockerfile: str,
    tag: str,
    build_seconds: float,
    steps: int,
    cached_steps: int,
    log_path: str,
    binary: str | None = None,
    shared_steps: int = 0,
) -> BuiltImage:
    """Inspect a built image into the model."""
    attrs = client.api.inspect_image(image_id)
    cfg = attrs.get("Config") or {}
    history = client.api.history(image_id)
    layers = [
        Layer(
            size=int(entry.get("Size", 0)),
            created_by=str(entry.get("CreatedBy", "")),
            empty=int(entry.get("Size", 0)) == 0,
            comment=str(entry.get("Comment") or ""),
        )
        for entry in reversed(history)  # oldest first, as the Dockerfile reads
    ]
    return BuiltImage(
        dockerfile=dockerfile,
        tag=tag,
        id=attrs["Id"],
        size=int(attrs.get("Size", 0)),
        config=ImageConfigView(
            user=cfg.get("User") or "",
            env=missing_program.config_env(cfg),
            entrypoint=list(cfg.get("Entrypoint") or []),
            cmd=list(cfg.get("Cmd") or []),
            exposed_ports=sorted((cfg.get("ExposedPorts") or {}).keys()),
            labels=dict(cfg.get("Labels") or {}),
            healthcheck=cfg.get("Healthcheck"),
            working_dir=cfg.get("WorkingDir") or "",
            onbuild=list(cfg.get("OnBuild") or []),
        ),
        layers=layers,
        architecture=attrs.get("Architecture", ""),
        os=attrs.get("Os", ""),
        build_seconds=build_seconds,
        cached_steps=cached_steps,
        steps=steps,
        shared_steps=shared_steps,
        log_path=log_path,
        configured_binary=binary,
        _client=client,
        _inspect=attrs,
    )
