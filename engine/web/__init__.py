"""``pop serve``: the web face of pop (:mod:`engine.web.app`)."""
