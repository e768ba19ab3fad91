"""okr-assistant."""

import os

# No pydantic plugins: looking them up scans the entry points of every installed distribution, which costs
# `okr` tens of milliseconds at start-up. Set PYDANTIC_DISABLE_PLUGINS yourself to choose otherwise.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

# The reader and the reviewer compiled with mypyc, when a build matching the sources is present (see
# assistant.native); otherwise, and with OKR_NATIVE=0, plain Python.
from assistant.native import install as _install_native

_install_native()
