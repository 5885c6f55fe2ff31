"""pytest-goimage: container image acceptance tests for Go services."""
