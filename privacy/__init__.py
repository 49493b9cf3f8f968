"""Privacy boundary: PII detection, keyed pseudonyms, the encrypted re-identification vault, data-subject rights."""
