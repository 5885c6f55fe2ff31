# A team base image: the triggers run in the Dockerfiles built FROM this one.
FROM golang:1.26
WORKDIR /go/src/app
ONBUILD ARG APP_VERSION
ONBUILD COPY . .
ONBUILD RUN go install -ldflags "-X main.version=${APP_VERSION}" ./...
CMD ["app"]
