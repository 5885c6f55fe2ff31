# syntax=docker/dockerfile:1.7
# check=skip=JSONArgsRecommended
FROM golang:1.26.8 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /bin/api .

FROM gcr.io/distroless/static-debian12
COPY --from=build /bin/api /bin/api
ENTRYPOINT /bin/api
