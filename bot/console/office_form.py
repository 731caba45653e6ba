"""The office form of the console: an office as the texts a clerk types, and those texts
checked back into the fields `handlers.routing.edits.save_edit` takes. No Flask here.

Word lists are one word or phrase a line. Every problem is a text key with its values,
kept per form field, so the page shows it beside what was typed.
"""

from __future__ import annotations

from handlers.routing.edits import fields_of
from handlers.routing.offices import KINDS, Office

TEXT_LIMITS = {"name": 150, "head_title": 150, "description": 1000, "phone": 100,
               "place": 300}
REQUIRED = ("name", "head_title")
WORD_LISTS = ("subjects", "names", "people")
WORD_LIMIT = 80
WORDS_PER_LIST = 400
MAX_DAYS = 365
CONTACT_FIELDS = ("phone", "place")  # what offices.yaml has; other keys are kept as they are

Problem = tuple[str, dict]  # (text key, values)


def days_field(kind: str) -> str:
    return f"days_{kind}"


FORM_FIELDS = (*TEXT_LIMITS, *WORD_LISTS, *(days_field(k) for k in KINDS))


def typed_from(office: Office) -> dict[str, str]:
    """The form's texts for `office` as it is now."""
    typed = {
        "name": office.name,
        "head_title": office.head_title,
        "description": office.description,
        "phone": office.contact.get("phone", ""),
        "place": office.contact.get("place", ""),
    }
    for name in WORD_LISTS:
        typed[name] = "\n".join(getattr(office, name))
    for kind in KINDS:
        typed[days_field(kind)] = str(office.target_days.get(kind, ""))
    return typed


def typed_from_form(form) -> dict[str, str]:
    """What the browser sent, as typed (line ends made plain); absent fields are empty."""
    return {name: (form.get(name) or "").replace("\r\n", "\n") for name in FORM_FIELDS}


def _words(typed: str) -> tuple[list[str], list[Problem]]:
    words: list[str] = []
    problems: list[Problem] = []
    for line in typed.split("\n"):
        word = " ".join(line.split())
        if not word or word in words:
            continue
        if len(word) > WORD_LIMIT:
            problems.append(("console_office_error_word_too_long",
                             {"word": word[:WORD_LIMIT] + "…", "limit": WORD_LIMIT}))
        elif not any(ch.isalnum() for ch in word):
            problems.append(("console_office_error_word_no_letters", {"word": word}))
        else:
            words.append(word)
    if len(words) > WORDS_PER_LIST:
        problems.append(("console_office_error_too_many_words", {"limit": WORDS_PER_LIST}))
    return words, problems


def _days(typed: str) -> tuple[int | None, list[Problem]]:
    value = typed.strip()
    if value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_DAYS:
        return int(value), []
    return None, [("console_office_error_days", {"max": MAX_DAYS})]


def parse(typed: dict[str, str], office: Office) -> tuple[dict, dict[str, list[Problem]]]:
    """(the fields to save, problems by form field). Save only when there are no problems."""
    problems: dict[str, list[Problem]] = {}
    clean: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        value = " ".join(typed.get(name, "").split()) if name != "description" else (
            typed.get(name, "").strip())
        if name in REQUIRED and not value:
            problems.setdefault(name, []).append(("console_office_error_required", {}))
        elif len(value) > limit:
            problems.setdefault(name, []).append(("console_office_error_too_long",
                                                  {"limit": limit}))
        clean[name] = value
    if not (clean["phone"] or clean["place"]):
        problems.setdefault("phone", []).append(("console_office_error_contact", {}))

    values = fields_of(office)
    values.update({name: clean[name] for name in ("name", "head_title", "description")})
    contact = {k: v for k, v in office.contact.items() if k not in CONTACT_FIELDS}
    contact.update({k: clean[k] for k in CONTACT_FIELDS if clean[k]})
    values["contact"] = contact
    for name in WORD_LISTS:
        words, found = _words(typed.get(name, ""))
        values[name] = words
        if found:
            problems[name] = found
    for kind in KINDS:
        days, found = _days(typed.get(days_field(kind), ""))
        values["target_days"][kind] = days
        if found:
            problems[days_field(kind)] = found
    return values, problems


def field_of_conflict(category: str, phrase: str, values: dict) -> str:
    """The form field that holds a word the router found claimed twice."""
    by_category = {"subject": "subjects", "name": "names", "people": "people"}
    if category in by_category:
        return by_category[category]
    return "names" if phrase in values.get("names", []) else "people"  # an executive's title
