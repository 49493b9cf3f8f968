"""Vector index: the port and its Qdrant adapter."""
