# GoReleaser copies the prebuilt binary in; the default command prints help.
FROM alpine:3.22
RUN apk --no-cache add ca-certificates tzdata
WORKDIR /root/
COPY ctl .
ENTRYPOINT ["./ctl"]
CMD ["--help"]
