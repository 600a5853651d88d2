"""``python -m engine`` runs the ``pop`` command line."""

from engine.start import main

main()
