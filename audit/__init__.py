"""Audit trail: one hash-chained, verifiable record per query, retention, erasure, OpenTelemetry (issue "Audit")."""
