"""Error types of the Rasa server's add-ons (imported by the channels and the tracker store alike)."""
from __future__ import annotations


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store's database cannot be reached: the message is answered with an apology, and nothing
    falls back to a tracker kept only in memory (which would lose the conversation silently)."""
