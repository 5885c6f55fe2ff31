"""The Docker engine: connection, labels and sweeps, containers, image reading, MinIO, the
service and its health, run folders, locks and polling."""
