# A distro image with the Go toolchain copied in from the official image.
FROM alpine:3.22 AS build
COPY --from=golang:1.26-alpine /usr/local/go /usr/local/go
ENV PATH="/usr/local/go/bin:${PATH}"
WORKDIR /src
COPY . .
RUN go build -o /out/scanner .

FROM alpine:3.22
COPY --from=build /out/scanner /usr/bin/scanner
ENTRYPOINT ["/usr/bin/scanner"]
