# escape=`

FROM golang:1.26-windowsservercore-ltsc2022 AS build
WORKDIR C:\src
COPY . .
RUN go build `
    -o C:\out\collector.exe `
    .\cmd\collector

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY --from=build C:\out\collector.exe C:\app\collector.exe
ENTRYPOINT ["C:\\app\\collector.exe"]
