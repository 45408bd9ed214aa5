"""Releases: git helpers, the résumé changelog, the release directory."""
