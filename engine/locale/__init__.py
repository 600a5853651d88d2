"""pop's message catalogs: the translations (<lang>/LC_MESSAGES/*.po) and, compiled from them,
one module per language (compiled_<lang>.py)."""
