# syntax=docker/dockerfile:1
FROM golang:1.26-alpine AS build
RUN apk add --no-cache git openssh-client
ENV GOPRIVATE=github.com/acme/*
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=secret,id=netrc,target=/root/.netrc \
    --mount=type=ssh \
    go mod download
COPY . .
RUN --mount=type=secret,id=sentry_dsn,env=SENTRY_DSN \
    go build -ldflags "-X main.sentry=$SENTRY_DSN" -o /out/orders ./cmd/orders

FROM scratch
COPY --from=build /out/orders /orders
ENTRYPOINT ["/orders"]
