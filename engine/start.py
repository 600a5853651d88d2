"""The ``pop`` command's first lines, run before anything else is imported."""

import gc


def main() -> None:
    """Run the command line with the collector set for a short-lived process.

    A start imports some 300 modules (click's alone allocate tens of thousands of objects),
    and with Python's default threshold of 700 the cyclic collector runs some fifty times
    before a command does anything, rescanning what every import kept: 5 to 10 ms of each
    start, a tenth of ``pop run``. What a command leaves behind is freed by reference counting;
    the collector still runs, every 50 000 new objects instead of every 700.
    """
    gc.set_threshold(50_000, 10, 10)
    from engine.cli import main as run

    run()
