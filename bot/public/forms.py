"""What the tip and tracking forms accept, and the Thai message for what they refuse.

Each error names the field it belongs to, so the page shows it beside what was typed.
Limits on files are the complaint pipeline's own (handlers/cases/evidence.py): a tip
on the web takes what a complaint over LINE takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.cases import evidence as evidence_rules
from handlers.texts import text

TIP_KINDS = ("corruption", "grievance", "suggestion")
DESCRIPTION_LIMIT = 3000
SHORT_LIMIT = 300
ADD_LIMIT = 3000
COMMENT_LIMIT = 1000
ALLOWED_FILE_TYPES = ("application/pdf",)


@dataclass
class Upload:
    content: bytes
    content_type: str
    filename: str


@dataclass
class Checked:
    values: dict[str, str]
    files: list[Upload] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _clean(value: str | None) -> str:
    # Keep the citizen's line breaks; drop NULs and surrounding blanks.
    return (value or "").replace("\x00", "").replace("\r\n", "\n").strip()


def _length(checked: Checked, name: str, label_key: str, limit: int) -> None:
    value = checked.values.get(name, "")
    if len(value) > limit:
        checked.errors[name] = text("public_error_too_long", field=text(label_key),
                                    limit=limit, length=len(value))


def read_uploads(files, checked: Checked, name: str = "files") -> None:
    """Read and check the uploaded files (`files`: werkzeug FileStorage objects)."""
    problems = []
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > evidence_rules.MAX_FILES:
        problems.append(text("public_error_file_count", count=evidence_rules.MAX_FILES))
    for storage in chosen[: evidence_rules.MAX_FILES]:
        content = storage.read(evidence_rules.MAX_BYTES + 1)
        shown = _display_name(storage.filename)
        if len(content) > evidence_rules.MAX_BYTES:
            problems.append(text("public_error_file_size", name=shown,
                                 size=_mb(storage, content), mb=evidence_rules.MAX_MB))
            continue
        if not content:
            continue
        kind = evidence_rules.sniff_content_type(content)
        if evidence_rules.media_kind(kind) == "file" and kind not in ALLOWED_FILE_TYPES:
            problems.append(text("public_error_file_type", name=shown))
            continue
        checked.files.append(Upload(content, kind, shown))
    if problems:
        checked.errors[name] = " ".join(problems)


def _mb(storage, content: bytes) -> str:
    size = storage.content_length or len(content)
    storage.stream.seek(0, 2)
    size = max(size, storage.stream.tell())
    return f"{size / (1024 * 1024):.1f}"


def _display_name(filename: str) -> str:
    # Only the last part of the name, short: never a path from the sender's machine.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name[:80]


# The answers to the question asked when routing is unsure whether a tip accuses an
# official (issue 14): kept as typed, "" when not asked.
ACCUSATION_ANSWERS = {"yes": True, "no": False}


def check_tip(form, files) -> Checked:
    names = ("kind", "description", "location", "when", "who", "contact", "accusation")
    checked = Checked({n: _clean(form.get(n)) for n in names})
    if checked.values["accusation"] not in ("", *ACCUSATION_ANSWERS):
        checked.values["accusation"] = ""
    if checked.values["kind"] not in TIP_KINDS:
        checked.errors["kind"] = text("public_error_kind")
        checked.values["kind"] = ""
    if not checked.values["description"]:
        checked.errors["description"] = text("public_error_required",
                                             field=text("public_tip_description"))
    else:
        _length(checked, "description", "public_tip_description", DESCRIPTION_LIMIT)
    for name in ("location", "when", "who", "contact"):
        _length(checked, name, f"public_tip_{name}", SHORT_LIMIT)
    read_uploads(files, checked)
    return checked


def check_addition(form, files) -> Checked:
    checked = Checked({"info": _clean(form.get("info"))})
    _length(checked, "info", "public_track_add_text", ADD_LIMIT)
    read_uploads(files, checked)
    if not checked.errors and not checked.values["info"] and not checked.files:
        checked.errors["info"] = text("public_track_add_nothing")
    return checked


def check_rating(form) -> Checked:
    checked = Checked({"score": _clean(form.get("score")), "comment": _clean(form.get("comment"))})
    if checked.values["score"] not in ("1", "2", "3", "4", "5"):
        checked.errors["score"] = text("public_error_score")
    _length(checked, "comment", "public_rate_comment", COMMENT_LIMIT)
    return checked
