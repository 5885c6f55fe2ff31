FROM gcr.io/distroless/static:nonroot
COPY --from=alpine:3.22 /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY exporter /usr/bin/exporter
USER 65534:65534
ENTRYPOINT ["/usr/bin/exporter"]
CMD ["serve", "--listen=:9100"]
