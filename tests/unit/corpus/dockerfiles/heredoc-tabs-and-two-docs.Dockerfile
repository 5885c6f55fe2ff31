# syntax=docker/dockerfile:1.7
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN <<-EOT sh
	set -e
	go build -o /out/queue ./cmd/queue
	EOT

FROM alpine:3.22
COPY <<CONF <<ENVFILE /etc/queue/
listen: :8080
CONF
QUEUE_MODE=prod
ENVFILE
ARG QUEUE_USER=queue
RUN adduser -D "$QUEUE_USER"
COPY --from=build /out/queue /usr/local/bin/queue
USER ${QUEUE_USER}
ENTRYPOINT ["queue", "--config", "/etc/queue/CONF"]
