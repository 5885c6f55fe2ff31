# Built with --target: dev for local work, release for CI.
FROM golang:1.26-alpine AS dev
RUN go install github.com/air-verse/air@latest
WORKDIR /app
COPY . .
CMD ["air", "-c", ".air.toml"]

FROM dev AS build
RUN CGO_ENABLED=0 go build -o /out/web ./cmd/web

FROM gcr.io/distroless/static-debian12:nonroot AS release
COPY --from=build /out/web /web
ENTRYPOINT ["/web"]

FROM golang:1.26-alpine AS debug
RUN go install github.com/go-delve/delve/cmd/dlv@latest
COPY --from=build /out/web /web
ENTRYPOINT ["dlv", "exec", "/web", "--headless", "--listen=:2345", "--"]
