# The image ko would build, written out: the binary at /ko-app/<name>,
# kodata/ at KO_DATA_PATH, a Chainguard static base.
FROM golang:1.26.8 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /ko-app/webhook ./cmd/webhook

FROM cgr.dev/chainguard/static:latest
ENV KO_DATA_PATH=/var/run/ko
COPY cmd/webhook/kodata /var/run/ko
COPY --from=build /ko-app/webhook /ko-app/webhook
ENTRYPOINT ["/ko-app/webhook"]
