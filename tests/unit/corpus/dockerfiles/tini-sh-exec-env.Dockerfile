FROM alpine:3.22
RUN apk --no-cache add ca-certificates tini
ENV RUN_BINARY=/bin/poller
ADD build/bin/poller /bin/poller
# The shell expands RUN_BINARY from the image's environment.
ENTRYPOINT ["/sbin/tini", "--", "sh", "-c", "exec $RUN_BINARY"]
