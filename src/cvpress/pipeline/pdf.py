"""One lock for PDFium, which is not thread-safe.

Variants are built (and so checked and previewed) from parallel threads; every
use of pypdfium2 in cvpress holds this lock.
"""

from __future__ import annotations

import threading

LOCK = threading.Lock()
