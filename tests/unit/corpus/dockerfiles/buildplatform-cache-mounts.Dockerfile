FROM --platform=${BUILDPLATFORM} golang:1.26.8-bookworm AS build
WORKDIR /go/src/example.com/relay
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT
ENV GOOS=${TARGETOS} GOARCH=${TARGETARCH}
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build,id=gobuild-${TARGETPLATFORM} \
    GOARM=${TARGETVARIANT#v} CGO_ENABLED=0 go build -o /relay .

FROM --platform=$TARGETPLATFORM gcr.io/distroless/static-debian12
COPY --from=build /relay /usr/local/bin/relay
CMD ["/usr/local/bin/relay"]
