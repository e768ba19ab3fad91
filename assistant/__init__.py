"""okr-assistant."""

import os

# No pydantic plugins: looking them up scans the entry points of every installed distribution, which costs
# `okr` tens of milliseconds at start-up. Set PYDANTIC_DISABLE_PLUGINS yourself to choose otherwise.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
