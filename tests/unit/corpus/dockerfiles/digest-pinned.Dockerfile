# Renovate keeps the tag readable and the digest exact.
FROM golang:1.26.8-alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM alpine:3.22@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
