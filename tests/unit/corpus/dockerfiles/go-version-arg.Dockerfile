ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-alpine AS builder
RUN apk add --no-cache git make
WORKDIR /build
COPY . .
RUN make build

FROM alpine:3.22
COPY --from=builder /build/bin/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
