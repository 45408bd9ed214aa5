"""Other renderings of a build: exports (JSON Resume, Markdown, text) and PNG previews."""
