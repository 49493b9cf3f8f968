"""Privacy boundary: PII detection, keyed pseudonyms, the encrypted re-identification vault, data-subject rights.

Not wired yet (issue "Privacy"): until it is, ingestion indexes text as parsed, so only test corpora with
fictional personal data may be ingested.
"""
