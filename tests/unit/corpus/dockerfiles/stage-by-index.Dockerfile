FROM golang:1.26
WORKDIR /go/src/hello
COPY hello.go .
RUN CGO_ENABLED=0 go build -o hello hello.go

FROM alpine:3.22
COPY --from=0 /go/src/hello/hello /usr/local/bin/hello
CMD ["hello"]
