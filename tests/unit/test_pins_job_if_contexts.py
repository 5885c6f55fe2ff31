"""A job's own `if:` sees only the contexts GitHub gives it there (gofacts/workflows/pins.py).

GitHub's context-availability table lists `github, needs, vars, inputs` for `jobs.<job_id>.if`:
no `env` and no `matrix`, which exist only once the job runs. A job condition on them is not
decided from the workflow's env; the job's pin counts, as for any condition only known when
the workflow runs.
"""

from __future__ import annotations

from tests.unit.workflow_pin_rows import Row, rows


def test_a_job_if_on_the_workflow_env_does_not_leave_the_job_out() -> None:
    """The workflow env says DEPLOY is 'false', but a job's `if:` cannot read env: the job is
    not left out on that value, and its setup-go pin counts."""
    text = """\
env:
  DEPLOY: 'false'
jobs:
  release:
    if: env.DEPLOY == 'true'
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go build ./...
"""
    assert rows(text) == [Row(10, "release", "1.26.8", "1.26.8", "1.26.8")]


def test_a_job_if_that_is_false_by_itself_still_leaves_the_job_out() -> None:
    """`github.event_name == 'push' && false` is false whatever the event: the job never runs."""
    text = """\
jobs:
  release:
    if: github.event_name == 'push' && false
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: '1.26.8'
      - run: go build ./...
"""
    assert rows(text) == []
