"""The parts behind ``assistant.parse``: decoding, limits, YAML/JSON trees, and the Markdown/text reader.

Import from ``assistant.parse``; the modules here are private to it, but for ``models.trusted``, which the
reviewer shares.
"""
