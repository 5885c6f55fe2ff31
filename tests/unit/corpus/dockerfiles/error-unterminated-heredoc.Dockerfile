# syntax=docker/dockerfile:1
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN <<EOF
go build -o /out/app .
EOT
FROM scratch
COPY --from=build /out/app /app
