FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 \
    go build -o /out/bot .

FROM alpine:3.22
COPY --from=build /out/bot /bot
ENTRYPOINT ["/bot"]
