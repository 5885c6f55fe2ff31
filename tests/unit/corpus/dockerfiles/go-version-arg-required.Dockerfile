# No default on purpose: CI must pass --build-arg GO_VERSION.
ARG GO_VERSION
FROM golang:${GO_VERSION}-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /bin/app .

FROM alpine:3.22
COPY --from=build /bin/app /bin/app
ENTRYPOINT ["/bin/app"]
