"""Chainlit chat UI."""
