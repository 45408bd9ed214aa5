"""From validated values to a ``.tex`` document: escaping, templates, words per language."""
