FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /out/storage ./cmd/storage

FROM alpine:3.22
RUN apk add --no-cache su-exec && adduser -D -H storage
COPY --from=build /out/storage /usr/local/bin/storage
ENTRYPOINT ["su-exec", "storage:storage"]
CMD ["/usr/local/bin/storage", "serve"]
