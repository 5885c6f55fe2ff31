FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /out/cache ./cmd/cache

FROM alpine:3.22
ARG RUNAS=10001
RUN adduser -D -u "${RUNAS}" cache
COPY --from=build --chown=${RUNAS} /out/cache /home/cache/cache
USER ${RUNAS}
WORKDIR /home/cache
ENTRYPOINT ["./cache"]
