"""Go string quoting (strconv.Quote and strconv.Unquote), as build settings use it.

Strings are decoded with surrogateescape so bytes that are not UTF-8 survive a round trip.
"""

from __future__ import annotations

import unicodedata

_SIMPLE_ESCAPES = {
    "a": 0x07,
    "b": 0x08,
    "f": 0x0C,
    "n": 0x0A,
    "r": 0x0D,
    "t": 0x09,
    "v": 0x0B,
    "\\": 0x5C,
    '"': 0x22,
}
_QUOTE_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_QUOTE_ESCAPES.update({"\v": "\\v", "\\": "\\\\", '"': '\\"'})


class QuoteError(ValueError):
    pass


def decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def quoted_prefix(s: str) -> str:
    """Return the leading Go quoted string of ``s`` (double- or back-quoted), as written."""
    quote = s[0]
    if quote == "`":
        end = s.find("`", 1)
        if end < 0:
            raise QuoteError("unterminated raw string")
        return s[: end + 1]
    i = 1
    while i < len(s):
        c = s[i]
        if c == '"':
            return s[: i + 1]
        if c == "\n":
            break
        i += 2 if c == "\\" else 1
    raise QuoteError("unterminated string")


def unquote(q: str) -> str:
    """Decode one complete Go double- or back-quoted string literal."""
    if len(q) < 2 or q[0] != q[-1] or q[0] not in '"`':
        raise QuoteError("not a quoted string")
    body = q[1:-1]
    if q[0] == "`":
        if "`" in body:
            raise QuoteError("backquote inside raw string")
        return body.replace("\r", "")
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c in '"\n':
            raise QuoteError("bad character in string")
        if c != "\\":
            out += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        if i + 1 >= len(body):
            raise QuoteError("dangling backslash")
        e = body[i + 1]
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
            i += 2
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2 : i + 2 + width]
            if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise QuoteError("bad hex escape")
            value = int(digits, 16)
            if e == "x":
                out.append(value)
            else:
                if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                    raise QuoteError("escape is not a valid code point")
                out += chr(value).encode("utf-8")
            i += 2 + width
        elif e in "01234567":
            digits = body[i + 1 : i + 4]
            if len(digits) != 3 or not all(d in "01234567" for d in digits):
                raise QuoteError("bad octal escape")
            value = int(digits, 8)
            if value > 0xFF:
                raise QuoteError("octal escape out of range")
            out.append(value)
            i += 4
        else:
            raise QuoteError("unknown escape")
    return decode(bytes(out))


def _go_is_print(ch: str) -> bool:
    # Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
    return ch == " " or unicodedata.category(ch)[0] in "LMNPS"


def quote(s: str) -> str:
    """Quote ``s`` the way Go's strconv.Quote does (ASCII escapes, \\x for non-UTF-8 bytes)."""
    parts = ['"']
    for ch in s:
        cp = ord(ch)
        if ch in _QUOTE_ESCAPES:
            parts.append(_QUOTE_ESCAPES[ch])
        elif 0xDC80 <= cp <= 0xDCFF:  # a byte that was not valid UTF-8
            parts.append(f"\\x{cp - 0xDC00:02x}")
        elif _go_is_print(ch):
            parts.append(ch)
        elif cp < 0x80:
            parts.append(f"\\x{cp:02x}")
        elif cp < 0x10000:
            parts.append(f"\\u{cp:04x}")
        else:
            parts.append(f"\\U{cp:08x}")
    parts.append('"')
    return "".join(parts)


def key_needs_quotes(key: str) -> bool:
    return not key or any(c in key for c in '= \t\r\n"`')


def value_needs_quotes(value: str) -> bool:
    return any(c in value for c in ' \t\r\n"`')
