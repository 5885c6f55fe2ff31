FROM golang:1.26-alpine AS build
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/ledger ./cmd/ledger

FROM alpine:3.22
COPY --from=build /usr/local/bin/ledger /usr/local/bin/ledger
COPY docker-entrypoint.sh /usr/local/bin/
# The script is not in this file: what it finally runs cannot be read here.
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["ledger"]
