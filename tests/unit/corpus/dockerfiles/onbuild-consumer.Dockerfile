# The old golang:onbuild images did COPY, go get and go install on their own.
FROM golang:1.8-onbuild
EXPOSE 8080
