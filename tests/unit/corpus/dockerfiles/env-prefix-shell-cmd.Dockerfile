FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM alpine:3.22
COPY --from=build /app /app
CMD env GODEBUG=http2client=0 /app
