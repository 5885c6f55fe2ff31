# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.6.1 AS xx

FROM --platform=$BUILDPLATFORM golang:1.26-alpine3.22 AS build
COPY --from=xx / /
ARG TARGETPLATFORM
RUN apk add --no-cache clang lld
WORKDIR /src
COPY . .
RUN xx-go --wrap && CGO_ENABLED=0 go build -o /out/agent ./cmd/agent && xx-verify /out/agent

FROM alpine:3.22
COPY --from=build /out/agent /usr/bin/agent
ENTRYPOINT ["agent"]
