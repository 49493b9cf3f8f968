"""Retrieval: access control (role -> audiences) and the searcher."""
