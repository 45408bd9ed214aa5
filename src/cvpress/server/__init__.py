"""The build server: a resident, pre-imported cvpress that ``cvpress build`` forks for each request.

Python's start-up (imports, pydantic building its validators, Jinja) is most
of an edit build; a process that has done it once and forks a copy of itself
per request takes it off the path. See ``docs/engines-and-speed.md``, "The
build server", for the whole design; the modules:

- :mod:`.place`: where servers listen (a private folder) and the fingerprint
  of the code a server runs, which names its socket;
- :mod:`.wire`: the messages between a client, a server and its children;
- :mod:`.client`: what ``cvpress build`` does when a server is there;
- :mod:`.daemon`: the server process (warm-up, accept, fork, reap, idle exit);
- :mod:`.child`: a forked child taking on the client's process state;
- :mod:`.control`: ``cvpress server start|stop|status`` and the automatic start.

Everything a client imports (``place``, ``wire``, ``client``) uses the
standard library's built-in modules only, so that asking a server costs
less than starting Python's larger modules would.
"""
