"""The Go versions GitHub Actions workflows pin: every `actions/setup-go` step, and every
golang image a job runs in (`container:`) or a step runs (`uses: docker://golang:...`).

A workflow is read the way GitHub Actions reads it:

- scalars by the YAML 1.2 core schema, numbers turned back into text as the runner does
  (`actions_yaml`);
- `strategy.matrix` expanded into its combinations, `exclude` then `include` applied as Actions
  applies them (`matrix`);
- a step's `if:` evaluated per combination where it is simple; anything else may run, and the
  pin says so (`expressions`);
- a setup-go pin counts only where its job runs the Go toolchain on the module
  (`building_jobs`), and not where a later setup-go step puts another Go first on PATH
  before any step runs it; otherwise the pin is returned with `ignored` set and the reason;
- a `go-version` range read as npm semver reads it, pinned at the newest Go it admits
  (`semver_range`, `newest_go`);
- `go-version-file` followed into the checkout, a go.mod read as the action's major version
  reads it (`version_files`);
- a golang `container:` image counts where a step runs the Go toolchain on the module before a
  setup-go step puts another Go first on PATH, a `docker://golang` step where its own command
  does, GOTOOLCHAIN in their env read as a Dockerfile's (`containers`);
- each image build (`docker build`, build-push-action) with its Dockerfile and build
  arguments, which ci_build_pins compares with this run's build (`image_builds`).
"""

from .image_builds import read_image_builds
from .pins import workflow_jobs, workflow_pins
from .repository import read_workflows, workflow_files
from .version_files import follow_go_version_files

__all__ = [
    "follow_go_version_files",
    "read_image_builds",
    "read_workflows",
    "workflow_files",
    "workflow_jobs",
    "workflow_pins",
]
