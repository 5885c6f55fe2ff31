ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-alpine AS build
# Only global ARGs reach FROM lines: this one is scoped to the build stage.
ARG GO_VERSION=1.22
RUN echo "stage sees ${GO_VERSION}"

FROM golang:${GO_VERSION}-alpine AS test
RUN go version
