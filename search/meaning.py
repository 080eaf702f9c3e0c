"""What a typed word means to the search: a kind of room (meeting types), a program, or a short note.

The words are data (fixtures/search_keywords.json, beside the meeting types), read once per process. A word
that names a kind of room finds meetings of those types or programs instead of being matched as text
("methadone" finds medication-friendly meetings, not meetings whose notes say "methadone"); a word that
names a caution (groups.cautions: "narconon") shows its note and filters nothing. Codes and slugs the
database does not hold are ignored.
"""

import functools
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from groups.cautions import caution_for

VOCABULARY_FILE = Path(settings.BASE_DIR) / "fixtures" / "search_keywords.json"


@dataclass(frozen=True)
class Meaning:
    types: tuple  # MeetingType codes: a meeting of any of them
    programs: tuple  # Program slugs: a meeting of any of them


def fold(word):
    """A word as the vocabulary keys it: case and accents aside, a trailing possessive dropped."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = plain.strip('.,;:!?¿¡"“”()')
    return plain.removesuffix("'s").removesuffix("’s")


@functools.cache
def _vocabulary():
    data = json.loads(VOCABULARY_FILE.read_text(encoding="utf-8"))
    meanings = {
        fold(word): Meaning(tuple(entry.get("types", ())), tuple(entry.get("programs", ())))
        for entry in data["meanings"]
        for word in entry["words"]
    }
    return meanings


def meaning_of(word):
    """The word's Meaning, or None for a word matched as text."""
    return _vocabulary().get(fold(word))


def note_of(word):
    """The caution the word names ("narconon": groups.cautions), or None."""
    return caution_for(fold(word))


def notes_in(text):
    """The cautions the words of a keyword search name, each once."""
    found = []
    for word in (text or "").split():
        note = note_of(word)
        if note is not None and note not in found:
            found.append(note)
    return found
