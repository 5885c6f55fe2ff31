# Cross-compile on the builder's own platform, as the Docker docs recommend.
FROM --platform=$BUILDPLATFORM golang:1.26-alpine AS build
ARG TARGETOS
ARG TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /bin/svc .

FROM scratch
COPY --from=build /bin/svc /svc
ENTRYPOINT ["/svc"]
