"""Conversation: one turn from text to reply, the same for every front end.

The package's public face, so front ends need not know how it is divided inside:
``service`` (``Conversation``: handle, recognize, run_actions, pending_question), ``understanding``
(the ``Recognizer`` seam: exact match → repairs → explanation), ``state`` (typed dialogue state in
the session store), ``confirmation`` (what needs a yes and what counts as one), ``followups``,
``execution``, ``fallback`` (the cloud seam) and ``result`` (``TurnResult``, the JSON contract).
"""

from assistant.conversation.fallback import ASK_CLOUD_PREFIX, Fallback, FallbackAnswer
from assistant.conversation.result import TurnResult
from assistant.conversation.service import MAX_TEXT_CHARS, Conversation
from assistant.conversation.understanding import NOT_UNDERSTOOD, Recognizer

__all__ = [
    "ASK_CLOUD_PREFIX",
    "MAX_TEXT_CHARS",
    "NOT_UNDERSTOOD",
    "Conversation",
    "Fallback",
    "FallbackAnswer",
    "Recognizer",
    "TurnResult",
]
