FROM golang:1.26-alpine AS base
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download

FROM base AS build
COPY . .
RUN go build -o /out/billing ./cmd/billing

FROM build AS test
RUN go test ./...

FROM base AS final
COPY --from=build /out/billing /usr/local/bin/billing
CMD ["/usr/local/bin/billing"]
