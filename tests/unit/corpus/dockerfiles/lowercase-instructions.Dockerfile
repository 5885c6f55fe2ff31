from golang:1.26-alpine as build
workdir /src
copy . .
run go build -o /out/chat .

from alpine:3.22
copy --from=build /out/chat /usr/bin/chat
expose 2222
entrypoint ["/usr/bin/chat"]
