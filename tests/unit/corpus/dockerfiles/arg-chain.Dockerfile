ARG GO_VERSION=1.26
ARG ALPINE_VERSION=3.22
ARG BUILDER=golang:${GO_VERSION}-alpine${ALPINE_VERSION}

FROM $BUILDER AS build
WORKDIR /src
COPY . .
RUN go build -o /usr/bin/indexer ./cmd/indexer

FROM alpine:${ALPINE_VERSION}
COPY --from=build /usr/bin/indexer /usr/bin/indexer
ENTRYPOINT ["/usr/bin/indexer"]
