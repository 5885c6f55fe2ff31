"""Building images: Engine-API and buildx BuildKit builds, trace decoding, failure diagnosis,
the build context, git tracking, build arguments, the MinIO image."""
