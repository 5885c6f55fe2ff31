"""The shell lexer (gofacts/shell_lexer.py) over scripts that mix quoting, expansions,
operators, comments and here-documents: each token's text (quotes removed), whether it is
known only at run time, where it stands, and the line the lexer ends on; or the reason a
script is refused. The scripts were chosen so that every rule of the lexer decides at least
one of them."""

from __future__ import annotations

import pytest

from pytest_goimage.gofacts.shell_lexer import Lexer, Unbalanced


def tokens(script: str) -> list[str] | str:
    try:
        lexer = Lexer(script)
        found = lexer.run()
    except Unbalanced as refused:
        return f"Unbalanced: {refused}"
    shown = []
    for token in found:
        if token.operator:
            shown.append(f"op {token.text!r} line {token.line} at {token.start}:{token.end}")
        else:
            kind = "args" if token.args else "dynamic" if token.dynamic else "word"
            shown.append(
                f"{kind} {token.text!r} from {token.raw!r} line {token.line} "
                f"at {token.start}:{token.end}"
            )
    return [*shown, f"ends on line {lexer.line}"]


SCRIPTS = [
    (
        "\"a\\\nb\"\n$(date)\n$-\n<<A\n1\nA\n<<B\n2\nB\n\n$@\n'q r'",
        [
            "word 'ab' from '\"a\\\\\\nb\"' line 1 at 0:6",
            "op '\\n' line 2 at 0:0",
            "dynamic '$(date)' from '$(date)' line 3 at 7:14",
            "op '\\n' line 3 at 0:0",
            "dynamic '$-' from '$-' line 4 at 15:17",
            "op '\\n' line 4 at 0:0",
            "op '<<' line 5 at 18:20",
            "word 'A' from 'A' line 5 at 20:21",
            "op '\\n' line 5 at 0:0",
            "op '<<' line 8 at 26:28",
            "word 'B' from 'B' line 8 at 28:29",
            "op '\\n' line 8 at 0:0",
            "op '\\n' line 11 at 0:0",
            "args '$@' from '$@' line 12 at 35:37",
            "op '\\n' line 12 at 0:0",
            "word 'q r' from \"'q r'\" line 13 at 38:43",
            "ends on line 13",
        ],
    ),
    (
        "a\\ b${HOME}<<-X\n\t\tX\n$%'q r'",
        [
            "dynamic 'a b${HOME}' from 'a\\\\ b${HOME}' line 1 at 0:11",
            "op '<<-' line 1 at 11:14",
            "word 'X' from 'X' line 1 at 14:15",
            "op '\\n' line 1 at 0:0",
            "word '$%q r' from \"$%'q r'\" line 3 at 20:27",
            "ends on line 3",
        ],
    ),
    (
        'a#b "multi\nline" \\\n 12>x "a\\$b"',
        [
            "word 'a#b' from 'a#b' line 1 at 0:3",
            "word 'multi\\nline' from '\"multi\\nline\"' line 1 at 4:16",
            "op '>' line 3 at 22:23",
            "word 'x' from 'x' line 3 at 23:24",
            "word 'a$b' from '\"a\\\\$b\"' line 3 at 25:31",
            "ends on line 3",
        ],
    ),
    (
        "# comment\n$!\n`unclosed\n<<'E'\nx\nE\n",
        "Unbalanced: a ` opened on line 3 never closes",
    ),
    (
        '12>x\n"`x`"\n>>log\n"~"\n<<-EOF\n\tbody\n\tEOF\n',
        [
            "op '>' line 1 at 2:3",
            "word 'x' from 'x' line 1 at 3:4",
            "op '\\n' line 1 at 0:0",
            "dynamic '`x`' from '\"`x`\"' line 2 at 5:10",
            "op '\\n' line 2 at 0:0",
            "op '>>' line 3 at 11:13",
            "word 'log' from 'log' line 3 at 13:16",
            "op '\\n' line 3 at 0:0",
            "word '~' from '\"~\"' line 4 at 17:20",
            "op '\\n' line 4 at 0:0",
            "op '<<-' line 5 at 21:24",
            "word 'EOF' from 'EOF' line 5 at 24:27",
            "op '\\n' line 5 at 0:0",
            "ends on line 8",
        ],
    ),
    (
        '\n $% # comment a\\ b "a\\"b" echo',
        ["op '\\n' line 1 at 0:0", "word '$%' from '$%' line 2 at 2:4", "ends on line 2"],
    ),
    (
        '\n$HOME"${x}y"2>&1"unclosed"a\\"b"',
        'Unbalanced: a " quote never closes (line 2)',
    ),
    (
        "<<EOF\nbody\nEOF\n",
        [
            "op '<<' line 1 at 0:2",
            "word 'EOF' from 'EOF' line 1 at 2:5",
            "op '\\n' line 1 at 0:0",
            "ends on line 4",
        ],
    ),
    (
        '"a\\"b"',
        ["word 'a\"b' from '\"a\\\\\"b\"' line 1 at 0:6", "ends on line 1"],
    ),
    (
        '$(unclosed |& \n "multi\nline" $(echo $(pwd))',
        "Unbalanced: a $( opened on line 1 never closes",
    ),
    (
        "${@} ${@} $*",
        [
            "args '${@}' from '${@}' line 1 at 0:4",
            "args '${@}' from '${@}' line 1 at 5:9",
            "dynamic '$*' from '$*' line 1 at 10:12",
            "ends on line 1",
        ],
    ),
    (
        "$HOME",
        ["dynamic '$HOME' from '$HOME' line 1 at 0:5", "ends on line 1"],
    ),
    (
        '"a\\`b"\n\\\n\nx=1\n>|f\n$_x9\n"a\\qb"',
        [
            "word 'a`b' from '\"a\\\\`b\"' line 1 at 0:6",
            "op '\\n' line 1 at 0:0",
            "op '\\n' line 3 at 0:0",
            "word 'x=1' from 'x=1' line 4 at 10:13",
            "op '\\n' line 4 at 0:0",
            "op '>|' line 5 at 14:16",
            "word 'f' from 'f' line 5 at 16:17",
            "op '\\n' line 5 at 0:0",
            "dynamic '$_x9' from '$_x9' line 6 at 18:22",
            "op '\\n' line 6 at 0:0",
            "word 'a\\\\qb' from '\"a\\\\qb\"' line 7 at 23:29",
            "ends on line 7",
        ],
    ),
    (
        "$(date)",
        ["dynamic '$(date)' from '$(date)' line 1 at 0:7", "ends on line 1"],
    ),
    (
        "<<'E'\nx\nE\n",
        [
            "op '<<' line 1 at 0:2",
            "word 'E' from \"'E'\" line 1 at 2:5",
            "op '\\n' line 1 at 0:0",
            "ends on line 4",
        ],
    ),
    (
        "<<'E'\nx\nE\n\n'unclosed\n$$\n$-",
        "Unbalanced: a ' quote opened on line 5 never closes",
    ),
    (
        "echo",
        ["word 'echo' from 'echo' line 1 at 0:4", "ends on line 1"],
    ),
    (
        '$(echo $(pwd)) "a\\\\b" ~ "a\\\nb"',
        [
            "dynamic '$(echo $(pwd))' from '$(echo $(pwd))' line 1 at 0:14",
            "word 'a\\\\b' from '\"a\\\\\\\\b\"' line 1 at 15:21",
            "dynamic '~' from '~' line 1 at 22:23",
            "word 'ab' from '\"a\\\\\\nb\"' line 1 at 24:30",
            "ends on line 2",
        ],
    ),
    (
        '"`x`"',
        ["dynamic '`x`' from '\"`x`\"' line 1 at 0:5", "ends on line 1"],
    ),
    (
        '2>&1\n"`x`"\n$@\n${HOME}\n<<-X\n\t\tX\n',
        [
            "op '>&' line 1 at 1:3",
            "word '1' from '1' line 1 at 3:4",
            "op '\\n' line 1 at 0:0",
            "dynamic '`x`' from '\"`x`\"' line 2 at 5:10",
            "op '\\n' line 2 at 0:0",
            "args '$@' from '$@' line 3 at 11:13",
            "op '\\n' line 3 at 0:0",
            "dynamic '${HOME}' from '${HOME}' line 4 at 14:21",
            "op '\\n' line 4 at 0:0",
            "op '<<-' line 5 at 22:25",
            "word 'X' from 'X' line 5 at 25:26",
            "op '\\n' line 5 at 0:0",
            "ends on line 7",
        ],
    ),
    (
        '"`x`"\n||\n`date`\n\'unclosed\n<in',
        "Unbalanced: a ' quote opened on line 4 never closes",
    ),
    (
        '$(echo $(pwd))"a\\$b">|f\\\n||${unclosed',
        "Unbalanced: a ${ opened on line 2 never closes",
    ),
    (
        "2>&1",
        ["op '>&' line 1 at 1:3", "word '1' from '1' line 1 at 3:4", "ends on line 1"],
    ),
    (
        "$#\n<<E\nno end\n&>>f\n$$\n$HOME\n<<-X\n\t\tX\n",
        [
            "dynamic '$#' from '$#' line 1 at 0:2",
            "op '\\n' line 1 at 0:0",
            "op '<<' line 2 at 3:5",
            "word 'E' from 'E' line 2 at 5:6",
            "op '\\n' line 2 at 0:0",
            "ends on line 9",
        ],
    ),
    (
        "<<E\nno end",
        [
            "op '<<' line 1 at 0:2",
            "word 'E' from 'E' line 1 at 2:3",
            "op '\\n' line 1 at 0:0",
            "ends on line 3",
        ],
    ),
]


@pytest.mark.parametrize(("script", "expected"), SCRIPTS)
def test_a_script_lexes_into_words_and_operators_where_they_stand(
    script: str, expected: list[str] | str
) -> None:
    assert tokens(script) == expected


def test_a_line_continued_inside_double_quotes_counts_as_a_line() -> None:
    """`exec /app` is on line 3: the quoted word spans lines 1 and 2 (it read 0 and 2)."""
    assert tokens('echo "a\\\nb"\nexec /app') == [
        "word 'echo' from 'echo' line 1 at 0:4",
        "word 'ab' from '\"a\\\\\\nb\"' line 1 at 5:11",
        "op '\\n' line 2 at 0:0",
        "word 'exec' from 'exec' line 3 at 12:16",
        "word '/app' from '/app' line 3 at 17:21",
        "ends on line 3",
    ]


@pytest.mark.parametrize(
    ("script", "word"),
    [
        ('HOST="$(echo "$URL" | sed "s/)//")"', 'HOST=$(echo "$URL" | sed "s/)//")'),
        ("X=$(echo 'a)b')", "X=$(echo 'a)b')"),
        ('X=$(echo "$(echo "(")")', 'X=$(echo "$(echo "(")")'),
        ('X=${A:-"}"}', 'X=${A:-"}"}'),
        ("X=`echo \\` x`", "X=`echo \\` x`"),
        ("X=$(echo \\))", "X=$(echo \\))"),
    ],
)
def test_a_quoted_or_escaped_closer_inside_a_substitution_does_not_end_it(
    script: str, word: str
) -> None:
    """`sh` and `dash` run these; the lexer stopped at the first `)` or `}` and then refused
    the script for a quote that never closed."""
    found = tokens(script + "\nexec /app")
    assert found[0] == f"dynamic {word!r} from {script!r} line 1 at 0:{len(script)}", found
    assert found[-2:] == [
        f"word '/app' from '/app' line 2 at {len(script) + 6}:{len(script) + 10}",
        "ends on line 2",
    ]


@pytest.mark.parametrize(
    "substitution",
    [
        "X=$(\n  # it's a comment\n  echo hi\n)",
        "X=$( echo a # b ) paren\n)",
        "X=$(cat <<EOF\nit's here )\nEOF\n)",
        "X=$(cat <<-'END'\n\tit's here )\n\tEND\n)",
        'X="$(printf \'%s\' "a" # it\'s\n)"',
        "X=$(echo a#b ${#A})",  # not comments: inside a word, and a length
        "X=$(echo $(date +%s)#b $((1))#x)",  # nor after a substitution: the word goes on
        "X=$(echo x\\\n#y)",  # nor after a continued line
        "X=$(cat <<E'O'F\nit's )\nEOF\n)",  # a delimiter partly quoted is EOF
    ],
)
def test_a_comment_or_here_document_inside_a_substitution_is_skipped(substitution: str) -> None:
    """dash and bash run these; an apostrophe or a `)` in a comment or a here-document body
    is text there."""
    found = tokens(substitution + "\nexec /app")
    assert found[-3:-1] == [
        f"word 'exec' from 'exec' line {substitution.count(chr(10)) + 2} at "
        f"{len(substitution) + 1}:{len(substitution) + 5}",
        f"word '/app' from '/app' line {substitution.count(chr(10)) + 2} at "
        f"{len(substitution) + 6}:{len(substitution) + 10}",
    ], found


def test_substitutions_nested_past_a_hundred_are_refused_not_a_recursion_error() -> None:
    deep = "X=" + "$(" * 1200 + ")" * 1200 + "\nexec /app"
    assert tokens(deep) == "Unbalanced: substitutions nest more than 100 deep"
    fifty = "X=" + '"$(' * 50 + ')"' * 50 + "\nexec /app"
    assert tokens(fifty)[-2].startswith("word '/app' from '/app' line 2")
