"""The shared core: domain types, errors, text helpers, the ports several packages use, the pseudonym token format,
rank fusion, tracing and the process environment.

It imports nothing else of the project, and every layer may import it. The layers, top to bottom: front doors (CLI,
server, UI) > ``eval`` > application (``assistant``) > ``ingestion`` > ``audit`` > ``privacy`` > core
(enforced by ``tests/unit/test_layers.py``).
"""
