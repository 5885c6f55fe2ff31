# syntax=docker/dockerfile:1
ARG GO_VERSION=1.26.8
FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /out/metrics .

FROM scratch
COPY --from=build /out/metrics /metrics
ENTRYPOINT ["/metrics"]
