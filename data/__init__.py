"""The organization's content: offices, service manual, vocabulary, and the Thai texts people read.

Everything here is data a clerk can edit without touching code.
"""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
MESSAGES_DIR = DATA_DIR / "messages"
DEFAULT_ORG_DIR = DATA_DIR / "orgs" / "thungpho"
