FROM golang:1.26-alpine AS build
RUN apk add --no-cache \
    # git fetches private modules
    git \
    # make drives the build
    make \
    ca-certificates
WORKDIR /src
COPY . .
RUN make \

    build
ARG EXTRA_TAGS

FROM alpine:3.22
COPY --from=build /src/bin/feeder /usr/local/bin/feeder
ENTRYPOINT ["/usr/local/bin/feeder"]
