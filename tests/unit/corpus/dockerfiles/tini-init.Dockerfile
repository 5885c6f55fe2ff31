FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/scheduler ./cmd/scheduler

FROM alpine:3.22
RUN apk add --no-cache tini
COPY --from=build /out/scheduler /usr/local/bin/scheduler
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["/usr/local/bin/scheduler", "--interval=30s"]
