"""Observability: OpenTelemetry traces (ingest, pseudonymize, retrieve, generate, validate), no personal data."""
