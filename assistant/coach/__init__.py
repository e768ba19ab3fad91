"""The coach's parts; the public API is ``assistant.coaching``."""
