FROM golang:1.26 AS build
WORKDIR /workspace
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -o /workspace/server ./cmd/server

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /workspace/server ./server
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["./server"]
