"""The YAML errors of a compose file (gofacts/compose.py): the override tag gets the same
hint as the reset tag, and a plain syntax error gets no hint about either."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_goimage.gofacts.compose import ComposeError, read_compose


def _refusal(tmp_path: Path, text: str) -> str:
    (tmp_path / "compose.override.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ComposeError) as caught:
        read_compose(tmp_path / "compose.override.yaml", ["api"], {})
    return str(caught.value)


def test_the_override_merge_tag_says_it_needs_merged_files(tmp_path: Path) -> None:
    """An override file written for `docker compose -f a -f b` replaces a mapping whole."""
    text = (
        "services:\n  api:\n    image: svc:1\n    environment: !override\n      LOG_LEVEL: debug\n"
    )
    assert _refusal(tmp_path, text) == (
        "not valid YAML (line 4: could not determine a constructor for the tag '!override' "
        "(compose's merge tags !reset and !override need several compose files merged; name "
        "one file whose services are complete))"
    )


def test_an_unclosed_list_names_its_line_and_no_merge_tag(tmp_path: Path) -> None:
    text = 'services:\n  api:\n    image: svc:1\n    ports: ["8080:8080"\n'
    assert _refusal(tmp_path, text) == (
        "not valid YAML (line 5: expected ',' or ']', but got '<stream end>')"
    )
