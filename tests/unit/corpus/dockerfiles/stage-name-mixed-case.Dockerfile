FROM golang:1.26-alpine AS Builder
WORKDIR /src
COPY . .
RUN go build -o /src/notify .
ENTRYPOINT ["/src/notify"]

# BuildKit stores stage names lower-cased, so `builder` names the stage above.
FROM builder
CMD ["--verbose"]
