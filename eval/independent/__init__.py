"""The independent PII evaluation: Faker values of seven locales in varied document shapes, scored through the
product path, and the leak scan of a data dir. Kept apart from :mod:`eval.pii` (the recognizers' own templates)."""
