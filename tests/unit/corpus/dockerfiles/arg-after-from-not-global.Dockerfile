FROM alpine:3.22 AS base
ARG GO_VERSION=1.26

# Mistake seen in the wild: GO_VERSION is declared inside a stage, so this
# FROM expands it to nothing.
FROM golang:${GO_VERSION}-alpine AS build
RUN go version
