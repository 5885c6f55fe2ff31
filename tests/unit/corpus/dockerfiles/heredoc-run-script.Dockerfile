# syntax=docker/dockerfile:1
FROM golang:1.26.8-alpine AS build
WORKDIR /src
COPY . .
RUN <<EOF
set -eu
go mod download
CGO_ENABLED=0 go build -o /out/daemon ./cmd/daemon
EOF

FROM alpine:3.22
COPY <<EOF /etc/daemon/README
FROM golang:1.19 images are no longer supported.
ARG and ENV lines here are text, not instructions.
EOF
COPY --from=build /out/daemon /usr/sbin/daemon
ENTRYPOINT ["/usr/sbin/daemon"]
