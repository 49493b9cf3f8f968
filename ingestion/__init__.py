"""Ingestion: parse documents of many formats, chunk them by structure, and keep the index in step with the files."""
