# escape=`
ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-nanoserver-ltsc2022 AS build
WORKDIR C:\src
COPY . .
RUN go build `
    -o C:\out\agent.exe .

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=build C:\out\agent.exe C:\agent.exe
ENTRYPOINT ["C:\\agent.exe"]
