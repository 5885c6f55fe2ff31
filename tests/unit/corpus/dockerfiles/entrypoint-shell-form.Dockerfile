FROM golang:1.26-alpine AS build-env
ADD . /src
RUN cd /src && go build -o goapp

FROM alpine:3.22
WORKDIR /app
COPY --from=build-env /src/goapp /app/
# Shell form: the CMD below is never passed to goapp.
ENTRYPOINT ./goapp
CMD ["--port", "8080"]
