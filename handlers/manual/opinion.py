"""Does a question ask for an opinion or a shopping tip rather than a public service?

"ยี่ห้อไหนดี", "ร้านไหนอร่อย", "ซื้อที่ไหนถูก", "ขายอะไรดี": which brand, which shop,
where it is cheap, what sells. No office answers these, yet they often share a word with
a service (หลอดไฟ with the street-light repair, ถังขยะ with the garbage service,
ร้านเสริมสวย with the health-hazard licence) and so reach that entry's candidates. Such a
question's answer is taken one step less sure (a card becomes candidates, candidates
become "I don't know" with the handoff to staff): a real service question that happens to
say "อันไหนดี" still has its entry offered when it matched strongly.

Matched on the question's tokens (after segmentation and typo mending), never on
substrings: ถูก alone is also "correct" and "hit" (ถูกต้อง, ถูกหวย), ดี alone is
everywhere, so the cues are a word or two in a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

# A single token that asks for a judgement no office gives.
OPINION_WORDS = frozenset("""
ยี่ห้อ ยี่ห้อไหน ร้านไหน อร่อย ฝีมือดี กำไร คุ้ม คุ้มไหม
""".split())

# Two tokens in a row: "which one / what ... is good", "where ... cheap".
OPINION_PAIRS = frozenset({
    ("ไหน", "ดี"), ("อะไร", "ดี"), ("ที่ไหน", "ถูก"), ("ร้าน", "ไหน"),
})


# "How many ... is best" (กี่ตัวต่อไร่ดี, กี่วัตต์ดี): กี่ and ดี at most this many
# tokens apart.
HOW_MANY_IS_BEST = 3


def asks_opinion(tokens: Sequence[str]) -> bool:
    """Whether the question asks which product, shop, choice or amount is best."""
    if any(t in OPINION_WORDS for t in tokens):
        return True
    if any(pair in OPINION_PAIRS for pair in pairwise(tokens)):
        return True
    return any(t == "กี่" and "ดี" in tokens[i + 1:i + 1 + HOW_MANY_IS_BEST]
               for i, t in enumerate(tokens))
