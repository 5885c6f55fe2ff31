# The version comes from CI (--build-arg GO_VERSION=...), with a fallback.
ARG GO_VERSION
FROM golang:${GO_VERSION:-1.26}-bookworm AS build
WORKDIR /app
COPY . .
RUN go build -o /app/bin/worker ./cmd/worker

FROM debian:bookworm-slim
COPY --from=build /app/bin/worker /usr/bin/worker
CMD ["worker"]
