"""Dockerfile paths shortened to a column's width, so that names that differ stay apart."""

from __future__ import annotations


def _middle_ellipsis(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    # The file name says most about which image this is, so the tail keeps it when it can.
    room = width - 1
    base = text.rsplit("/", 1)[-1]
    tail = max(room - room // 2, min(len(base), room - min(8, room // 3)))
    head = room - tail
    return text[:head] + "…" + text[len(text) - tail :]


def distinct_names(names: list[str], width: int) -> list[str]:
    """Each name within `width` characters, shortened with `…` so that names stay apart.

    A long name that shares its first folder or its file name with another (`scripts/…`,
    `…/Dockerfile`) shows the path part that tells it from the most alike one
    (`…/payments-api/…/Dockerfile`) whenever the usual middle cut would hide that part;
    names cut alike always do. Such names share one form where one form fits them all."""
    short = [_middle_ellipsis(name, width) for name in names]
    if width <= 1:
        return short  # one column holds the cut mark alone: no form can tell names apart
    helped: dict[int, list[str | None]] = {}
    for index, name in enumerate(names):
        if len(name) <= width:
            continue
        others = [other for other in names if other != name]
        alike = [o for o in others if _first(o) == _first(name) or _base(o) == _base(name)]
        collides = any(short[names.index(o)] == short[index] for o in others)
        # A cut that shows where the differing part starts tells the names apart well enough.
        shown = _differing_part(name, alike)[:4] in short[index] if alike else True
        if collides or not shown:
            helped[index] = _around_difference(name, alike or others, width)
    # The most telling form that fits every helped name (the last one always fits).
    form = next(f for f in range(len(_FORMS)) if all(forms[f] for forms in helped.values()))
    for index, forms in helped.items():
        short[index] = forms[form] or short[index]
    return _made_unique(names, short, width)


def _made_unique(names: list[str], short: list[str], width: int) -> list[str]:
    """Names still shown alike are shown in one form that tells the whole group apart: cut
    around where they differ from each other, else their heads, else their tails (`…` marks
    every cut)."""
    for _ in range(len(names)):
        groups: dict[str, list[int]] = {}
        for index, shown in enumerate(short):
            groups.setdefault(shown, []).append(index)
        clashes = [group for group in groups.values() if len(group) > 1]
        if not clashes:
            break
        for group in clashes:
            outside = {shown for i, shown in enumerate(short) if i not in group}
            families = [
                [_window(names[i], [names[j] for j in group if j != i], width) for i in group],
                [_head(names[i], width) for i in group],
                [_tail(names[i], width) for i in group],
            ]
            chosen = next(
                (f for f in families if len(set(f)) == len(f) and not outside & set(f)),
                families[0],
            )
            for index, form in zip(group, chosen, strict=True):
                short[index] = form
    return short


def _head(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def _tail(name: str, width: int) -> str:
    return name if len(name) <= width else "…" + name[len(name) - width + 1 :]


def _window(name: str, others: list[str], width: int) -> str:
    if len(name) <= width:
        return name
    first = min(max(_common_prefix(name, o) for o in others), len(name) - 1)
    start = max(0, min(first, len(name) - (width - 1)))
    cut_tail = start + width - (1 if start else 0) < len(name)
    room = width - (1 if start else 0) - (1 if cut_tail else 0)
    return ("…" if start else "") + name[start : start + room] + ("…" if cut_tail else "")


def _first(name: str) -> str:
    return name.split("/", 1)[0]


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _common_prefix(a: str, b: str) -> int:
    pairs = zip(a, b, strict=False)
    return next((i for i, (x, y) in enumerate(pairs) if x != y), min(len(a), len(b)))


def _difference(name: str, others: list[str]) -> tuple[int, int, int]:
    """Where `name` differs from the most alike of `others`: the first differing character,
    and the start and end of the path components the difference spans."""
    first = min(max(_common_prefix(name, o) for o in others), len(name) - 1)
    tail = max(_common_prefix(name[::-1], o[::-1]) for o in others)
    last = max(len(name) - tail, first + 1)
    start = name.rfind("/", 0, first) + 1
    # `last` is just past the last differing character, which may be the `/` ending a folder.
    end = name.find("/", last - 1)
    return first, start, len(name) if end < 0 else end


def _differing_part(name: str, others: list[str]) -> str:
    _, start, end = _difference(name, others)
    return name[start:end]


# The shortened forms, most telling first: the path from the differing part on (with as much
# of the head as fits), that part and the file name, then the characters from the first
# difference on.
_FORMS = ("from-part", "part-and-base", "part…base", "difference…base", "difference")


def _around_difference(name: str, others: list[str], width: int) -> list[str | None]:
    """`name` in each of `_FORMS` (None where a form does not fit `width` or does not apply)."""
    first, start, end = _difference(name, others)
    base = _base(name)
    part = name[start:end]
    head = width - 1 - (len(name) - start)
    inner = end < len(name) - len(base)  # the difference is in a folder, not the file name
    window = name[first:end][: max(width - 2 - len(base), 3)]
    forms: list[str | None] = [
        name[:head] + "…" + name[start:] if head >= 0 else None,
        f"…/{part}/…/{base}" if inner else None,
        f"…{part}…{base}" if inner else None,
        f"…{window}…{base}" if inner else None,
        "…" + name[first:]
        if len(name) - first <= width - 1
        else "…" + name[first:][: width - 2] + "…",
    ]
    return [form if form is not None and len(form) <= width else None for form in forms]
