# Build the reporting service.
# escape=`
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build \
    -o /out/report .

FROM alpine:3.22
COPY --from=build /out/report /report
ENTRYPOINT ["/report"]
