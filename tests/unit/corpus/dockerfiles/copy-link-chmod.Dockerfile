# syntax=docker/dockerfile:1.7
FROM golang:1.26 AS build
WORKDIR /src
COPY --link go.mod go.sum ./
RUN go mod download
COPY --link . .
RUN CGO_ENABLED=0 go build -o /out/tunnel .

FROM gcr.io/distroless/static-debian12
COPY --link --from=build --chmod=0755 /out/tunnel /usr/bin/tunnel
ENTRYPOINT ["/usr/bin/tunnel"]
