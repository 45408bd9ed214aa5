r"""What XeLaTeX dumps into a format: the preamble, with two things a format loses kept.

XeTeX refuses to ``\dump`` a native (OpenType) font, and a preamble selects
some whatever the template says: the class's ``\normalsize`` and fontspec's
``\strongfontdeclare`` select Latin Modern in the ``TU`` encoding, and
mylatexformat itself loads every shape to "preload" them. The templates load
their own fonts below the boundary (``_base/document.tex.j2``), so these are
the only native fonts a dump meets. While the format is made:

- mylatexformat's preloading is switched off;
- a ``TU`` font selected while the packages load is a TFM stand-in at the
  same size (a font must exist for ``\selectfont`` to switch to), and just
  before the dump its name is forgotten, so a run loads the real font the
  first time it selects it: the one selected at the boundary is selected
  again as the run starts, as it was in a run without the format.

And a format does not hold the main vertical list: what packages put there
while they load (hyperref's and the backend's ``\special``\ s for xdvipdfmx:
the PDF version, its configuration, the default colour) would be missing
from the first page. It is shipped into a box just before the dump (boxes
are dumped) and put back on the list as a run from the format starts.

So a run from the format is in the state of a run without it at the
boundary line, and gives the same PDF bytes (tests compare them). Only the
dumped text changes: a document's ``.tex`` is the same with or without the
format.
"""

from __future__ import annotations

#: Before the document: no preloading, stand-ins for native fonts.
_BEFORE = r"""\makeatletter
\let\MYLATEX@fontpreloading\relax
\let\cvpress@extractfont\extract@font
\def\cvpress@standins{}
\edef\cvpress@TU{\detokenize{TU}}
\def\extract@font{%
  \edef\cvpress@encoding{\detokenize\expandafter{\f@encoding}}%
  \ifx\cvpress@encoding\cvpress@TU
    \global\expandafter\font\font@name=cmr10 at \f@size pt\relax
    \xdef\cvpress@standins{\cvpress@standins\global\let\font@name\relax}%
    \font@name\relax
    \csname \f@encoding+\f@family\endcsname
    \csname\curr@fontshape\endcsname\relax
  \else\expandafter\cvpress@extractfont\fi}
\makeatother
"""

#: Just before the boundary: the stand-ins forgotten, the main vertical list kept in a box
#: that the run unpacks (mylatexformat calls ``\MYLATEX@opens`` when it reaches the boundary).
_AT_BOUNDARY = r"""\makeatletter
\let\extract@font\cvpress@extractfont
\cvpress@standins
\newbox\cvpress@kept
\begingroup\output{\global\setbox\cvpress@kept\box\@cclv}\hbox{}\penalty-\@M\endgroup
\g@addto@macro\MYLATEX@opens{\unvbox\cvpress@kept\setbox\z@\lastbox\unskip\selectfont}
\makeatother
"""


def source(preamble: str, boundary: str) -> str:
    """The text XeLaTeX dumps for ``preamble`` (which ends with the ``boundary`` line)."""
    at = preamble.rindex(boundary)
    return _BEFORE + preamble[:at] + _AT_BOUNDARY + preamble[at:]
