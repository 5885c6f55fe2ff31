ARG BUILDER_IMAGE=golang:1.26.8-alpine
ARG RUNTIME_IMAGE=alpine:3.22

FROM ${BUILDER_IMAGE} AS build
WORKDIR /src
COPY . .
RUN go build -o /out/gateway ./cmd/gateway

FROM ${RUNTIME_IMAGE}
RUN adduser -D -u 10001 gateway
COPY --from=build /out/gateway /usr/local/bin/gateway
USER gateway
ENTRYPOINT ["/usr/local/bin/gateway"]
