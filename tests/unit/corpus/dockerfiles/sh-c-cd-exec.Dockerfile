FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /srv/app .

FROM alpine:3.22
COPY --from=build /srv /srv
COPY templates /srv/templates
ENTRYPOINT ["sh", "-c", "cd /srv && exec ./app"]
