# Used by goreleaser's dockers: section; the binary is built outside and
# placed in the context, so nothing here compiles Go.
FROM scratch
COPY mytool /mytool
ENTRYPOINT ["/mytool"]
