FROM golang:1.26-bookworm AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
COPY . .
RUN grep -q "go1.26" <<< "$(go version)"
ARG LDFLAGS="-s -w"
RUN go build -ldflags "$LDFLAGS" -o /out/proxy .

FROM debian:bookworm-slim
COPY --from=build /out/proxy /usr/bin/proxy
ENTRYPOINT ["/usr/bin/proxy"]
