"""The Go versions a GitLab CI pipeline pins: the golang image of every job that runs.

The pipeline is read the way GitLab composes it (`pipeline_yaml`): `.gitlab-ci.yml` with its
local includes, `!reference` tags, `extends` and YAML merge keys. Each job's image is
resolved with its variables and every `parallel: matrix` combination, and counts only where
the job's scripts run the Go toolchain on the module (`image_pins`).
"""

from .image_pins import gitlab_ci_jobs, read_gitlab_ci
from .pipeline_yaml import GITLAB_CI_FILE

__all__ = ["GITLAB_CI_FILE", "gitlab_ci_jobs", "read_gitlab_ci"]
