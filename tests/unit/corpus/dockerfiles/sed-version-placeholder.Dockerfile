FROM golang:1.26.8-alpine AS build
ARG VERSION=dev
WORKDIR /src
COPY . .
# <<VERSION>> is a placeholder in version.go, not a heredoc.
RUN sed -i "s/<<VERSION>>/${VERSION}/" internal/version/version.go && \
    go build -o /out/cli ./cmd/cli
ARG COMMIT

FROM scratch
COPY --from=build /out/cli /cli
ENTRYPOINT ["/cli"]
