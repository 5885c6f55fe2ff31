FROM golang AS build
WORKDIR /go/src/app
COPY . .
RUN go build -o /go/bin/app .

FROM golang:alpine AS lint
RUN go vet ./...

FROM golang:latest AS test
RUN go test ./...

FROM alpine:3.22
COPY --from=build /go/bin/app /app
CMD ["/app"]
