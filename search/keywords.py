"""Keyword search: every word must be in the meeting's name or notes, or name its program, group or place.

A word's programs, groups and places are looked up first, in their own (small, or trigram-indexed) tables,
and the meeting is then matched by their ids. A condition that joins four tables and tests each row of the
join cannot use any index: a rare word ("Springfield", a group's name) then read every meeting. With ids,
PostgreSQL combines indexes (the trigram indexes of migration 0008 on names and notes, the foreign keys'
indexes on the ids) and reads only the matching meetings.

A word that names very many places or groups (a common word: "hope", "church") keeps the join for that
part instead of a list of thousands of ids; such a word matches so many meetings that the search reads
them in index order and stops after a page (search.paging.read_in_start_order), where the join is cheap.
"""

import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from meetings.querysets import has_type
from search import vocabulary
from search.meaning import meaning_of

MAX_WORDS = 8
# Above this many places (or groups) for a word, match them by the join instead of by a list of ids.
MAX_IDS = 1000
# What a word names changes when volunteers add places or groups; a minute late is good enough, as for
# the counts of results (search.paging).
WORD_CACHE_SECONDS = 60


def keyword_condition(text):
    """The Q for a keyword search: each of its first MAX_WORDS words must match, by its meaning where the
    vocabulary gives it one (search.meaning), else as text: "narconon" shows its note and finds no meeting."""
    condition = Q()
    for word, meant in _meanings(text):
        condition &= word_condition(word) if meant is None else meant
    return condition


def matched_as_text(text):
    """Whether a word of the search is matched as text, found by the trigram indexes and the ids it names;
    a word matched by its meaning is a condition on types and programs, which the clock index holds."""
    return any(meant is None for _word, meant in _meanings(text))


def _meanings(text):
    """(word, the condition of its meaning or None) for each of the first MAX_WORDS words."""
    return [(word, meaning_condition(meaning_of(word))) for word in text.split()[:MAX_WORDS]]


def meaning_condition(meaning):
    """Meetings of any of a Meaning's types or programs (None when the database holds none of them): read from
    the meeting's own type ids and program id, which the clock index holds."""
    if meaning is None:
        return None
    type_ids, program_ids = vocabulary.type_ids_by_code(), vocabulary.program_ids_by_slug()
    types = [type_ids[code] for code in meaning.types if code in type_ids]
    programs = [program_ids[slug] for slug in meaning.programs if slug in program_ids]
    if not types and not programs:
        return None
    condition = Q(program_id__in=programs) if programs else Q(pk__in=[])
    for type_id in types:
        condition |= has_type(type_id)
    return condition


def word_condition(word):
    """The word in the meeting's name or notes, or naming its program, group or place (by id where few)."""
    named = named_by(word)
    condition = in_name_or_notes(word)
    if named["program"]:
        condition |= Q(program_id__in=named["program"])
    if named["group"] is None:
        condition |= Q(group__name__icontains=word)
    elif named["group"]:
        condition |= Q(group_id__in=named["group"])
    if named["location"] is None:
        condition |= (
            Q(location__name__icontains=word)
            | Q(location__city__icontains=word)
            | Q(location__region__name__icontains=word)
        )
    elif named["location"]:
        condition |= Q(location_id__in=named["location"])
    return condition


def in_name_or_notes(word):
    """The word in the meeting's name or notes: on SQLite from its trigram full-text table (migration 0009),
    which needs three characters or more; elsewhere icontains, which PostgreSQL answers from trigram indexes."""
    if connection.vendor == "sqlite" and len(word) >= 3:
        # A quoted FTS5 string is matched as a substring by the trigram tokenizer, case aside.
        phrase = '"' + word.replace('"', '""') + '"'
        return Q(pk__in=RawSQL("SELECT rowid FROM meeting_text WHERE meeting_text MATCH %s", [phrase]))
    return Q(name__icontains=word) | Q(notes__icontains=word)


def named_by(word):
    """{"program", "group", "location": [ids]} of what the word names; None where there are too many."""
    key = "keyword-ids:" + hashlib.sha256(word.casefold().encode()).hexdigest()
    named = cache.get(key)
    if named is None:
        named = _look_up(word)
        cache.set(key, named, WORD_CACHE_SECONDS)
    return named


def _look_up(word):
    from groups.models import Group, Program
    from meetings.models import Location, Region

    programs = list(
        Program.objects.filter(Q(name__icontains=word) | Q(short_name__iexact=word)).values_list("pk", flat=True)
    )
    groups = _at_most(Group.objects.filter(name__icontains=word))
    regions = _at_most(Region.objects.filter(name__icontains=word))
    locations = None
    if regions is not None:
        places = Q(name__icontains=word) | Q(city__icontains=word)
        if regions:
            places |= Q(region_id__in=regions)
        locations = _at_most(Location.objects.filter(places))
    return {"program": programs, "group": groups, "location": locations}


def _at_most(queryset):
    ids = list(queryset.order_by().values_list("pk", flat=True)[: MAX_IDS + 1])
    return ids if len(ids) <= MAX_IDS else None
