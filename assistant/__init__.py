"""Retail assistant: settings, composition root, retrieval, answering, CLI and UI.

Importing this package loads nothing heavy; models and stores are built lazily by
:mod:`assistant.container`.
"""

__version__ = "0.1.0"
