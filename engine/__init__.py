"""pop: POP-gesprekken as guided, rule-checked conversations driven by content packs.

The public surface for plugin authors is :data:`hookimpl` (see ``engine.hookspecs``).
"""

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("pop")

__all__ = ["__version__", "hookimpl"]
