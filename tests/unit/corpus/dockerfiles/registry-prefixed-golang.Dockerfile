FROM docker.io/library/golang:1.26.8-bookworm AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM mirror.gcr.io/library/golang:1.26 AS vet
RUN go vet ./...

FROM registry.internal:5000/golang:1.26-alpine AS ci
RUN go test ./...

FROM golangci/golangci-lint:v2.1 AS lint
RUN golangci-lint run

FROM debian:bookworm-slim
COPY --from=build /out/app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
