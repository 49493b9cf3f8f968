"""Answering: turns retrieved chunks into a cited answer or a refusal."""
