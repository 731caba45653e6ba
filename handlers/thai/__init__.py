"""Thai text understanding shared by the handlers: cleaning, word segmentation, synonyms.

Nothing here knows about a particular service manual or routing table; callers bring
their own vocabulary through `add_words` and their own synonym tables.
"""

from handlers.thai.text import (
    Synonyms,
    add_words,
    clean,
    extra_words,
    syllables,
    tokenize,
    word_syllables,
)

__all__ = [
    "Synonyms", "add_words", "clean", "extra_words", "syllables", "tokenize", "word_syllables",
]
