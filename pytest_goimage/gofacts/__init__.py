"""Pure readers of Go and container facts: ELF and Go build info, Go version pins, Dockerfiles
and their discovery, workflows, the program a command runs, secrets, layers, sizes. No Docker
here (a test says so)."""
