"""The stages per variant: build, incremental cache, dates, error location, check, publish."""
