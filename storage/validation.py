"""pydantic models for the files a clerk or an operator writes, and their mistakes in words.

Every data file (manual entries, offices, routing, organization, key ring) is read through
a model built on `Strict`: no field it does not know, no silent coercion ("1" is not a
number, 44000000 is not a phone text). `problems` turns pydantic's errors into one line a
mistake, naming the field by its path (`documents[0].originals`) in the words a clerk
reads; the caller puts the file and the entry in front.

It lives in storage, the lowest layer, because the key ring (storage/vault) is one of
these files too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

__all__ = [
    "Strict", "ValidationError", "Problem", "problems", "field_path", "refuse",
    "NonEmptyText", "Word", "Words", "at_most", "tuple_of_list", "report", "check_mapping",
]

# A validator's own message, shown as written (pydantic would prefix "Value error, ").
_OURS = "data"


class Strict(BaseModel):
    """A data file's record: unknown fields and coercions are mistakes."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def refuse(message: str) -> PydanticCustomError:
    """The error a validator raises to report `message` as written."""
    return PydanticCustomError(_OURS, message)


def _non_empty(value: str) -> str:
    if not value.strip():
        raise refuse("must not be empty")
    return value


def at_most(limit: int, why: str) -> AfterValidator:
    """A text of at most `limit` characters; `why` tells the clerk the reason."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise refuse(f"{len(value)} characters, at most {limit} ({why})")
        return value

    return AfterValidator(check)


def _word(value: Any) -> Any:
    # YAML reads 1669 or 191 as numbers; in a word list they are words.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


NonEmptyText = Annotated[str, AfterValidator(_non_empty)]
Word = Annotated[str, BeforeValidator(_word), AfterValidator(_non_empty),
                 AfterValidator(str.strip)]


def tuple_of_list(value: Any) -> Any:
    # A YAML list, or nothing at all (`subjects:` left empty).
    if value is None:
        return ()
    return tuple(value) if isinstance(value, list) else value


Words = Annotated[tuple[Word, ...], BeforeValidator(tuple_of_list)]


def field_path(loc: Iterable[int | str]) -> str:
    """("documents", 0, "originals") -> "documents[0].originals"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _kind(value: Any) -> str:
    return type(value).__name__


# What each pydantic error means, in the words of the old hand validators.
_MESSAGES: dict[str, Callable[[dict], str]] = {
    "missing": lambda e: "missing",
    "extra_forbidden": lambda e: "unknown field (a typo?)",
    "string_type": lambda e: (f"expected text, got {_kind(e['input'])} {e['input']!r}"
                              " (put numbers such as phone numbers in quotes)"),
    "list_type": lambda e: f"expected a list, got {_kind(e['input'])}",
    "tuple_type": lambda e: f"expected a list, got {_kind(e['input'])}",
    "dict_type": lambda e: f"expected a mapping of fields, got {_kind(e['input'])}",
    "model_type": lambda e: f"expected a mapping of fields, got {_kind(e['input'])}",
    "int_type": lambda e: f"expected a whole number, got {e['input']!r}",
    "float_type": lambda e: f"expected a number, got {e['input']!r}",
    "bool_type": lambda e: f"expected true or false, got {e['input']!r}",
    "greater_than_equal": lambda e: f"expected at least {e['ctx']['ge']}, got {e['input']!r}",
    "greater_than": lambda e: f"expected more than {e['ctx']['gt']}, got {e['input']!r}",
    "too_short": lambda e: (f"needs at least {e['ctx']['min_length']} item(s), "
                            f"has {e['ctx']['actual_length']}"),
    "literal_error": lambda e: f"{e['input']!r} is not one of {e['ctx']['expected']}",
}
# Key material must never be quoted back: the same errors without the input.
_BLIND: dict[str, str] = {
    "string_type": "expected text", "dict_type": "expected an object",
    "model_type": "expected an object", "bool_type": "expected true or false",
}


@dataclass(frozen=True)
class Problem:
    """Where in the record (pydantic's location) and what is wrong there."""

    path: tuple[int | str, ...]
    message: str

    @property
    def field(self) -> str:
        return field_path(self.path)


def problems(error: ValidationError, *, quote_input: bool = True) -> list[Problem]:
    """Each mistake of `error` as a Problem. With quote_input False no message repeats
    what the file said (the key ring: its text is key material)."""
    out = []
    for e in error.errors(include_url=False):
        kind = e["type"]
        if kind == _OURS:
            message = e["msg"]
        elif not quote_input:
            message = _BLIND.get(kind) or (
                _MESSAGES[kind]({**e, "input": "…"}) if kind in _MESSAGES else e["msg"])
        elif kind in _MESSAGES:
            message = _MESSAGES[kind](e)
        else:
            message = e["msg"]
        out.append(Problem(tuple(_visible(e["loc"])), message))
    return out


def report(error: ValidationError, where: str) -> str:
    """Each mistake of `error` on a line of its own: `where: field 'path': message`."""
    return "\n".join(f"{where}: field {p.field!r}: {p.message}" for p in problems(error))


def check_mapping(raw: Any, where: str, validate: Callable[[dict], Any], *,
                  error: type[Exception] = ValueError,
                  expected: str = "a mapping of fields") -> Any:
    """`validate(raw)` for a file read as a YAML mapping; `error` naming `where` and the
    field of each mistake otherwise."""
    if not isinstance(raw, dict):
        raise error(f"{where}: expected {expected}")
    try:
        return validate(raw)
    except ValidationError as err:
        raise error(report(err, where)) from None


def _visible(loc: Iterable[int | str]) -> Iterable[int | str]:
    # pydantic names the branch of a function validator in the location; a clerk does
    # not need it.
    return (part for part in loc if not (isinstance(part, str) and part.startswith(
        ("function-", "[", "constrained-"))))
