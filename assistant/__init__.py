"""okr-assistant."""
