# TODO: containerise the service once the API is stable.
# FROM golang:1.26-alpine
