"""Decode the `moby.buildkit.trace` progress messages of the Engine API's BuildKit builds.

Each message is a base64 protobuf `moby.buildkit.v1.StatusResponse`. Only the few fields we
show are decoded, with a small wire-format reader, so no protobuf runtime is needed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Vertex:
    """One build step as BuildKit reports it ("[build 5/8] RUN go build ...")."""

    digest: str
    name: str = ""
    cached: bool = False
    started: float | None = None
    completed: float | None = None
    error: str = ""


@dataclass
class VertexLog:
    """Output a step wrote (stdout = 1, stderr = 2)."""

    vertex: str
    stream: int
    data: bytes


@dataclass
class StatusResponse:
    vertexes: list[Vertex] = field(default_factory=list)
    logs: list[VertexLog] = field(default_factory=list)


class TraceDecodeError(ValueError):
    """The bytes are not a StatusResponse."""


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise TraceDecodeError("truncated varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise TraceDecodeError("varint too long")


def _fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """Yield (field number, value) pairs; length-delimited values as bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(buf, pos)
            if pos + length > len(buf):
                raise TraceDecodeError("truncated field")
            yield number, buf[pos : pos + length]
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise TraceDecodeError(f"unsupported wire type {wire}")


def _timestamp(buf: bytes) -> float:
    seconds = nanos = 0
    for number, value in _fields(buf):
        if number == 1 and isinstance(value, int):
            seconds = value
        elif number == 2 and isinstance(value, int):
            nanos = value
    return seconds + nanos / 1e9


def _text(value: int | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else ""


def decode_status(buf: bytes) -> StatusResponse:
    """Decode one StatusResponse (vertexes = 1, logs = 3)."""
    response = StatusResponse()
    for number, value in _fields(buf):
        if not isinstance(value, bytes):
            continue
        if number == 1:
            vertex = Vertex(digest="")
            for n, v in _fields(value):
                if n == 1:
                    vertex.digest = _text(v)
                elif n == 3:
                    vertex.name = _text(v)
                elif n == 4:
                    vertex.cached = bool(v)
                elif n == 5 and isinstance(v, bytes):
                    vertex.started = _timestamp(v)
                elif n == 6 and isinstance(v, bytes):
                    vertex.completed = _timestamp(v)
                elif n == 7:
                    vertex.error = _text(v)
            response.vertexes.append(vertex)
        elif number == 3:
            log = VertexLog(vertex="", stream=1, data=b"")
            for n, v in _fields(value):
                if n == 1:
                    log.vertex = _text(v)
                elif n == 3 and isinstance(v, int):
                    log.stream = v
                elif n == 4 and isinstance(v, bytes):
                    log.data = v
            response.logs.append(log)
    return response
