FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /bin/inventory ./cmd/inventory

FROM alpine:3.22
COPY --from=build /bin/inventory /bin/inventory
HEALTHCHECK --interval=10s --timeout=3s CMD ["/bin/inventory", "healthcheck"]
ENTRYPOINT ["/bin/inventory"]
CMD ["serve"]
