"""Offices as an admin changed them in the console, over the organization's offices.yaml."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.db import Base
from storage.models.types import UTCDateTime


class OfficeEdit(Base):
    """One office's fields that differ from offices.yaml (the seed), as saved in the console.

    Office ids come from the YAML and never change here (routing rules and cases refer to
    them). `version` grows by one with every save, so each process can tell cheaply that
    the offices changed (handlers/routing/edits.py)."""

    __tablename__ = "office_edits"

    org_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    office_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # {field: value} in the shape offices.yaml gives it: name, head_title, description,
    # contact, target_days, subjects, names, people.
    changes: Mapped[dict] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
