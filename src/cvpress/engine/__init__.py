"""Running TeX: which engines exist, the sandbox, processes, the pass loop, logs, formats."""
