"""Credentials given to a program as a command-line option, as build steps and entrypoints
write them: `--db-password s3cr3t`, `mysql -uroot -ps3cr3t`, `sshpass -p s3cr3t`,
`redis-cli -a s3cr3t`, `docker login -p s3cr3t`, `curl -u admin:s3cr3t`,
`openssl ... -passin pass:s3cr3t`, `redis-server --requirepass s3cr3t`. Only the value is the
secret (the `secret` groups), and only a literal one: `--password "$DB_PASSWORD"`, `-p` alone (a prompt), `--password-stdin`, a
placeholder (`<password>`, `{{.Password}}`, `%PASS%`) hold none."""

from __future__ import annotations

import re

# A literal value of at least 4 characters: quoted (the quotes are not part of it) or a bare
# word that starts with no option dash, variable, placeholder or redirection.
_LITERAL = (
    r"""(?:'(?P<secret_single>(?![$%{*<])[^'$]{4,})'"""
    r'''|"(?P<secret_double>(?![$%{*<])[^"$`\\]{4,})"'''
    r"""|(?P<secret>(?![-$%{*<>`])[^\s'"$`;&|()<>\\]{4,}))"""
)
# Up to this many characters between a program's name and its option: the scan stays linear
# on a long line that names the program often.
_BETWEEN = r"[^;&|\n]{0,200}?"

# A long option named after the credential it takes (`--password`, `--db-password`,
# `--api-key`, `--client-secret`, `--vault-token`), with its value after a space or `=`; not a
# switch about one (`--no-password`, `--ask-password`, `--with-token`, `--password-stdin`), and
# not `--secret`, BuildKit's reference to a secret (`--secret id=npmrc,src=.npmrc`).
_LONG_OPTION = (
    r"(?<![\w-])--(?!(?:no|ask|prompt|with|skip|use|read|show|print|reset|generate|disabled|"
    r"disable|empty|allow-empty|random|require|max|min)-)"
    r"(?:[a-z0-9]+-)*(?:password|passwd|token|api-?key|client-secret|secret-key)"
    r"(?:\s+|=)" + _LITERAL
)
_PROGRAM_OPTIONS = {
    # MySQL and MariaDB's clients take the password attached: `-p` alone asks for it.
    # The client as the command run, not a word elsewhere (`go build -tags mysql -pgo=auto`).
    # A build log's line begins `#8 0.214 `.
    r"(?:^|[;&|(]|\s-c|\bRUN|#\d+ \d+\.\d+)\s*(?:[A-Za-z_]\w*=\S*\s+)*(?:\S*/)?"
    r"(?:mysql|mysqladmin|mysqldump|mysqlimport|mariadb|mariadb-admin|mariadb-dump)\b"
    + _BETWEEN
    + r"\s-p"
    + _LITERAL: "a MySQL client's -p",
    r"\bsshpass\s+-p\s*" + _LITERAL: "sshpass -p",
    r"\bredis-cli\b" + _BETWEEN + r"\s(?:-a|--pass)\s+" + _LITERAL: "redis-cli -a",
    r"\b(?:docker|podman|buildah|skopeo|helm|crane|oras)\s+(?:registry\s+)?login\b"
    + _BETWEEN
    + r"\s-p\s*"
    + _LITERAL: "a registry login's -p",
    # curl's `-u user:password`; `-u user` alone asks for it, `-u "$USER:$PASS"` holds none.
    r"\bcurl\b"
    + _BETWEEN
    + r"""\s(?:-u\s*|--user[\s=])['"]?(?![$%{*<])[^\s:'"$`]+:"""
    + r"""(?P<secret>(?![$%{*<])[^\s'"$`;&|()<>\\]{4,})""": "curl -u",
    # Redis's password settings, on its command line and as it logs or reads its config.
    # Not Redis's shipped comment (`# requirepass foobared`), nor a sed expression's `/`.
    r"""(?<![\w#-])(?<!#\s)(?:--)?(?:requirepass|masterauth)\s+"""
    + _LITERAL.replace(r"()<>\\]{4,}", r"()<>\\/]{4,}"): "Redis's requirepass",
    # OpenSSL's `pass:` source (`-passin`, `-passout`, `-pass`, pkcs12's `-password`), quoted
    # with its spaces or bare; `env:VAR` and `file:PATH` name where the secret is instead.
    r"""(?<![\w-])-pass(?:in|out|word)?\s+(?:'pass:(?P<secret_single>[^'$]{4,})'"""
    r'''|"pass:(?P<secret_double>[^"$`\\]{4,})"'''
    r"""|['"]?pass:(?P<secret>[^\s'"$`]{4,}))""": "openssl -pass",
}

# (kind, pattern) pairs in SECRET_VALUES' form: what a history line, an ENV value or an
# output is searched for.
OPTION_CREDENTIALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a password given as a command-line option", re.compile(_LONG_OPTION, re.I)),
    *(
        (f"a password given with {how}", re.compile(pattern))  # `-P3306` is a port
        for pattern, how in _PROGRAM_OPTIONS.items()
    ),
)
