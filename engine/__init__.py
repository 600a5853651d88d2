"""pop: POP-gesprekken as guided, rule-checked conversations driven by content packs.

The public surface for plugin authors is :data:`hookimpl` (see ``engine.hookspecs``).
"""

__version__ = "0.1.0"

__all__ = ["__version__", "hookimpl"]


def __getattr__(name: str) -> object:  # no typing here: `pop` starts by importing this
    """``hookimpl`` made on first use: pluggy is not needed to start the command line."""
    if name == "hookimpl":
        import pluggy

        marker = pluggy.HookimplMarker("pop")
        globals()["hookimpl"] = marker
        return marker
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
