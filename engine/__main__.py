"""``python -m engine`` runs the ``pop`` command line."""

from engine.cli import main

main()
