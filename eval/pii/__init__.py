"""The PII detection benchmark: labelled sentences from templates, scored per entity type."""
