"""cvpress: YAML résumé data -> validated model -> escaped, templated LaTeX -> checked PDFs.

Stages (one direction of flow): load -> validate/model -> select -> texify ->
render -> engines -> check -> publish; ``build`` runs them per variant.
Imports are lazy: ``cvpress --help`` must not pay for pydantic or Jinja.
"""

__version__ = "0.1.0"
