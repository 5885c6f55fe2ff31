"""The Docker engine: connection, labels and sweeps, containers, image reading, MinIO, the
service, run folders, locks and polling."""
