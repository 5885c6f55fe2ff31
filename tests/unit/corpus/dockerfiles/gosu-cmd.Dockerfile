FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/mailer ./cmd/mailer

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends gosu \
 && rm -rf /var/lib/apt/lists/* && useradd --system mailer
COPY --from=build /usr/local/bin/mailer /usr/local/bin/mailer
CMD ["gosu", "mailer", "mailer", "--smtp=:2525"]
