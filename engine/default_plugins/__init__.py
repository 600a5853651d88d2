"""pop's own plugins: the built-in packs, checks and formats, registered like anyone's."""
