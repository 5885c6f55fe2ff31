"""The image builds of GitHub Actions workflows: each `run:` step's `docker build` (buildx,
podman, buildah) and each `docker/build-push-action` step, per matrix combination, with the
Dockerfile it builds and its build arguments as the job gives them; each `docker buildx bake`
and `docker/bake-action` step as a bake call (its files, targets, overrides and the
environment the job gives it), whose images buildx itself reads (bake_builds).

Values are resolved as the setup-go pins resolve theirs (`${{ env.X }}`, `${{ matrix.x }}`;
`${{ inputs.x }}` is the caller's), then the shell's `$X` from the step's, job's and
workflow's env and what the script itself exports. A value only the running job knows (a step
output, a secret, `$(cat .go-version)`, a name an earlier step writes to `$GITHUB_ENV`) stays
unresolved, with the reason. Jobs under `if: false` and steps whose `if:` is false in a
combination build nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from ...errors import WorkflowError
from ..bake_command import BakeCommand
from ..bake_request import BakeCall, command_bake_call, set_entry
from ..command_words import Word
from ..image_build_command import BuildCommand, Shell
from ..image_build_values import (
    WORKSPACE,
    ImageBuild,
    Resolved,
    build_args,
    checkout_path,
    command_build,
    expand_shell,
    script_variable,
)
from ..versions import read_text
from ..yaml_script_lines import scalar_line_map
from .actions_yaml import (
    action_name,
    dispatch_inputs,
    env_of,
    load_workflow,
    mapping_of,
    node_text,
    run_default,
    workflow_call_inputs,
)
from .expressions import evaluate_if
from .matrix import expand_matrix
from .pins import running_jobs, step_contexts
from .repository import workflow_files
from .setup_go import Scalar, Scope, Unresolved, expand_expressions

_BUILD_PUSH = "docker/build-push-action"
_BAKE = "docker/bake-action"
_WORKSPACE_EXPRESSION = re.compile(r"\$\{\{\s*github\.workspace\s*\}\}", re.IGNORECASE)
_DEFAULT_CONTEXT = "{{defaultContext}}"  # build-push-action's Git context, the checkout's ref
_UNSET = "the build then gets no value for it"
_EXPORTED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:=|<<)")


def workflow_image_builds(
    text: str, file: str, is_file: Callable[[str], bool] = lambda path: False
) -> list[ImageBuild | BakeCall]:
    """Every image build of the workflow `text` (named `file`), once per distinct value; a
    Dockerfile path relative to the checkout root. `is_file(path)` says whether the checkout
    holds that file (a folder's Containerfile, which podman and buildah build before a
    Dockerfile).
    WorkflowError if the YAML is invalid."""
    top = load_workflow(text, file)
    inputs = workflow_call_inputs(top)
    dispatch = dispatch_inputs(top)
    builds: list[ImageBuild | BakeCall] = []
    for name, job_map, steps in running_jobs(top):
        matrix = expand_matrix(job_map.get("strategy"), name)
        folder = run_default(job_map, "working-directory") or run_default(top, "working-directory")
        for combination in matrix.combinations:
            exported: set[str] = set()
            contexts = step_contexts(job_map, env_of(top), matrix, combination)
            for step in steps:
                layers = (env_of(step), env_of(job_map), env_of(top))
                scope = Scope(
                    layers, matrix, combination, name, inputs, "the image build", _UNSET, dispatch
                )
                runs = evaluate_if(step.get("if"), contexts)
                if runs is not False:
                    where = _Step(scope, file, text, frozenset(exported))
                    found = where.builds(step, folder, is_file)
                    if isinstance(runs, str):
                        line = step["if"].start_mark.line + 1
                        found = [replace(b, note=f"may run: {runs} (line {line})") for b in found]
                    builds += found
                exported |= _github_env_names(step)
    return list(dict.fromkeys(builds))


@dataclass(frozen=True)
class _Step:
    """One step in one matrix combination, as its values resolve."""

    scope: Scope
    file: str
    source: str  # the workflow's text
    exported: frozenset[str]  # names earlier steps of the job write to $GITHUB_ENV

    def builds(
        self,
        step: Mapping[str, yaml.Node],
        folder: yaml.ScalarNode | None,
        is_file: Callable[[str], bool],
    ) -> list[ImageBuild | BakeCall]:
        run = step.get("run")
        if isinstance(run, yaml.ScalarNode):
            shell = Shell()
            own = step.get("working-directory")
            folder = own if isinstance(own, yaml.ScalarNode) else folder
            if folder is not None:
                written = self.resolve(_word(folder)).text
                shell.cwd = checkout_path(".", written) if written is not None else None
            return [
                build
                for command in shell.builds(run.value, scalar_line_map(run, self.source), self.file)
                if (build := self._command(command, is_file)) is not None
            ]
        uses = step.get("uses")
        if isinstance(uses, yaml.ScalarNode) and action_name(uses) == _BUILD_PUSH:
            found = self._build_push(uses, step.get("with"))
            return [found] if found is not None else []
        if isinstance(uses, yaml.ScalarNode) and action_name(uses) == _BAKE:
            bake = self._bake_action(uses, step.get("with"))
            return [bake] if bake is not None else []
        return []

    def _command(
        self, command: BuildCommand | BakeCommand, is_file: Callable[[str], bool]
    ) -> ImageBuild | BakeCall | None:
        assigned = dict(command.assigned)
        if isinstance(command, BakeCommand):
            return self._bake(command, assigned)
        found = command_build(
            command,
            lambda word: self.resolve(word, assigned),
            lambda name: self._variable(name, assigned),
            is_file,
        )
        if found is None:
            return None
        return ImageBuild(self.file, command.line, self.scope.job, *found)

    def _build_push(self, uses: yaml.ScalarNode, with_node: yaml.Node | None) -> ImageBuild | None:
        """build-push-action's `context` (default: the Git context, the checkout's root),
        `file` (default `{context}/Dockerfile`), `target` and `build-args` (one per line, each
        read as the action reads a CSV record: quotes removed, commas kept)."""
        options = mapping_of(with_node) if isinstance(with_node, yaml.MappingNode) else {}
        values = {
            key: self.resolve(_word(node)).text
            for key in ("context", "file", "target")
            if isinstance(node := options.get(key), yaml.ScalarNode)
        }
        context = values.get("context", _DEFAULT_CONTEXT)
        if context is None or "://" in context or context.startswith("git@"):
            return None  # only known when the job runs, or another repository
        context = context or _DEFAULT_CONTEXT
        # A Git context's file is in the checkout at the context's subfolder; a path
        # context's file is relative to the workspace, where the action runs buildx.
        git, _, subfolder = context.partition(f"{_DEFAULT_CONTEXT}:")
        if context == _DEFAULT_CONTEXT or not git:
            base = context = subfolder or "."
        else:
            base = "."
        file = values.get("file") if "file" in values else None
        if ("file" in values and file is None) or ("target" in values and not values["target"]):
            return None  # only the job knows which file, or which stage, it builds
        dockerfile = checkout_path(base, file) if file else checkout_path(context, "Dockerfile")
        if dockerfile is None:
            return None
        return ImageBuild(
            self.file,
            uses.start_mark.line + 1,
            self.scope.job,
            dockerfile,
            values.get("target") or "",
            build_args(_list_entries(options.get("build-args")), self.resolve, self._outer),
            passes_args="build-args",
        )

    def _bake(self, command: BakeCommand, assigned: Mapping[str, Word | None]) -> BakeCall:
        """A script's `docker buildx bake` or `docker compose build`, with the step's env."""
        return command_bake_call(
            command,
            (self.file, self.scope.job, command.cwd),
            lambda word: self.resolve(word, assigned),
            lambda name: self._variable(name, assigned),
            self._environment(),
        )

    def _bake_action(self, uses: yaml.ScalarNode, with_node: yaml.Node | None) -> BakeCall | None:
        """bake-action's `files`, `targets` and `set` (a list, one per line or comma
        separated), read where the action reads its definition, with the step's environment;
        `call:` of anything but `build` builds nothing (None)."""
        options = mapping_of(with_node) if isinstance(with_node, yaml.MappingNode) else {}
        call = options.get("call")
        if isinstance(call, yaml.ScalarNode) and node_text(call).strip() not in ("", "build"):
            return None  # `call: check`, `call: outline`: no image
        return BakeCall(
            self.file,
            uses.start_mark.line + 1,
            self.scope.job,
            self._bake_folder(uses, options),
            tuple(self.resolve(word) for word in _csv_words(options.get("files"))),
            tuple(self.resolve(word) for word in _csv_words(options.get("targets"))),
            tuple(set_entry(word, self.resolve) for word in _list_entries(options.get("set"))),
            tuple((n, v) for n, v in self._environment().items() if v is not None),
        )

    def _bake_folder(self, uses: yaml.ScalarNode, options: Mapping[str, yaml.Node]) -> str | None:
        """The folder bake-action reads the definition in: a local `source` (v7: it is the
        working directory), the Git context's subfolder (`{{defaultContext}}:sub`), the
        checkout's root for the Git context (v6 and later read it from the repository, not
        `workdir`), else `workdir` (v5's local default). None for a remote definition or a
        value only the job knows."""
        texts = {
            key: self.resolve(_word(node)).text if isinstance(node, yaml.ScalarNode) else ""
            for key in ("source", "workdir")
            if (node := options.get(key)) is not None
        }
        if None in texts.values():
            return None
        workdir = checkout_path(".", texts.get("workdir") or ".")
        source = texts.get("source") or ""
        if source.startswith(_DEFAULT_CONTEXT):
            return checkout_path(".", source.removeprefix(_DEFAULT_CONTEXT).lstrip(":") or ".")
        if "://" in source or source.startswith("git@"):
            return None  # another repository's definition
        if source:
            return checkout_path(workdir, source) if workdir is not None else None
        major = re.search(r"@v(\d+)", str(uses.value))
        return workdir if major is not None and int(major.group(1)) < 6 else "."

    def _environment(self) -> dict[str, Resolved | None]:
        """The step's environment as the CI file sets it: its, its job's and the workflow's
        env, and the names earlier steps write to $GITHUB_ENV (unknown)."""
        names = {name for layer in self.scope.env for name in layer} | set(self.exported)
        return {name: self._outer(name) for name in sorted(names)}

    def resolve(self, word: Word, assigned: Mapping[str, Word | None] | None = None) -> Resolved:
        """`word` as the job gives it: `${{ }}` expressions first (the runner substitutes
        them into the step), then, where a shell reads it, the shell's expansions with what
        the script `assigned` before it."""
        text = _WORKSPACE_EXPRESSION.sub(WORKSPACE, word.text)
        late = next((n for n in self.exported if re.search(rf"\benv\.{n}\b", text)), None)
        if late is not None:
            return Resolved(None, _exported(late))
        value = expand_expressions(Scalar(text, word.line), self.scope)[0]
        if isinstance(value, Unresolved):
            return Resolved(None, value.reason)
        origins = tuple((named, self.file, line) for named, _, line in value.values)
        if not word.shell:
            return Resolved(value.text, origins=origins)
        expanded = expand_shell(value.text, lambda n: self._variable(n, assigned or {}))
        return replace(expanded, origins=origins + expanded.origins)

    def _variable(self, name: str, assigned: Mapping[str, Word | None]) -> Resolved | None:
        """A shell variable: what the script assigned, else the job's environment."""
        if name == "GITHUB_WORKSPACE":
            return Resolved(WORKSPACE)
        return script_variable(name, assigned, self.resolve, self._outer)

    def _outer(self, name: str) -> Resolved | None:
        """An environment variable of the step: unknown where an earlier step wrote it to
        $GITHUB_ENV, else the step's, job's or workflow's env; None where none sets it."""
        if name in self.exported:
            return Resolved(None, _exported(name))
        return self._env(name)

    def _env(self, name: str) -> Resolved | None:
        node = next((layer[name] for layer in self.scope.env if name in layer), None)
        if not isinstance(node, yaml.ScalarNode):
            return None
        found = self.resolve(_word(node))
        origin = (f"env.{name}", self.file, node.start_mark.line + 1)
        return replace(found, origins=(origin, *found.origins))


def _word(node: yaml.ScalarNode) -> Word:
    return Word(node_text(node), node.start_mark.line + 1)


def _list_entries(node: yaml.Node | None) -> list[Word]:
    """build-args as the action lists them: a record per line, its quotes removed and its
    fields joined again with commas (the action reads build-args with `ignoreComma`)."""
    if not isinstance(node, yaml.ScalarNode):
        return []
    first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    literal = node.style == "|"
    entries = []
    for index, line in enumerate(node_text(node).split("\n")):
        if not line.strip() or line.strip().startswith("#"):
            continue
        fields = next(csv.reader([line.strip()], skipinitialspace=True), [])
        entries.append(Word(",".join(fields).strip(), first + index if literal else first))
    return entries


def _csv_words(node: yaml.Node | None) -> list[Word]:
    """An action's list input (`files`, `targets`): one per line, or comma separated."""
    return [
        Word(field.strip(), entry.line)
        for entry in _list_entries(node)
        for field in next(csv.reader([entry.text], skipinitialspace=True), [])
        if field.strip()
    ]


def _github_env_names(step: Mapping[str, yaml.Node]) -> set[str]:
    """The variables a `run:` step writes to `$GITHUB_ENV` for the steps after it."""
    run = step.get("run")
    if not isinstance(run, yaml.ScalarNode):
        return set()
    return {
        name
        for line in str(run.value).splitlines()
        if "GITHUB_ENV" in line
        for name in _EXPORTED.findall(line.split("GITHUB_ENV", 1)[0])
    }


def _exported(name: str) -> str:
    return f"{name} is written to $GITHUB_ENV by an earlier step, so it is only known when the job runs"


def read_image_builds(root: Path, relative_to: Path) -> list[ImageBuild | BakeCall]:
    """The image builds of every workflow under `root/.github/workflows`, their files and
    Dockerfiles named relative to `relative_to`."""
    try:
        prefix = root.resolve().relative_to(relative_to.resolve()).as_posix()
    except ValueError:
        return []  # a folder outside the rootdir holds no Dockerfile named from it
    builds: list[ImageBuild | BakeCall] = []
    for path, name in workflow_files(root, relative_to):
        text = read_text(path, name, WorkflowError)
        for build in workflow_image_builds(text, name, lambda f: (root / f).is_file()):
            if isinstance(build, BakeCall):  # it runs in a folder of `root`
                folder = checkout_path(prefix, build.workdir) if build.workdir else None
                builds.append(replace(build, workdir=folder))
                continue
            dockerfile = checkout_path(prefix, build.dockerfile)
            if dockerfile is not None:
                builds.append(replace(build, dockerfile=dockerfile))
    return builds
