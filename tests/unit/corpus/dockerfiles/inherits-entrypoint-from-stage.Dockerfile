FROM golang:1.26-alpine AS dev
WORKDIR /app
COPY . .
RUN go build -o /app/server .
ENTRYPOINT ["/app/server"]
CMD ["--dev"]

FROM dev AS prod
# A new ENTRYPOINT drops the CMD this stage inherited.
ENTRYPOINT ["/app/server", "--prod"]
