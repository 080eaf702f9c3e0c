"""Cautions: short, neutral, sourced notes about names people confuse with a listed program.

Narconon is not a mutual-help program and is never listed as one (nor as a meeting type); its name is close
to Narcotics Anonymous and Nar-Anon. A page shows the note with groups/includes/caution.html (Django) or
from this data (the search page's Jinja2 templates): `caution_for(query)` gives the note whose keyword the
query names as a whole word, so "narconon" finds it and "narc", "narcotics" or "nar-anon" never do.
"""

import re

from django.utils.translation import gettext_lazy as _

CAUTIONS = {
    "narconon": {
        "keywords": ("narconon",),
        "title": _("Narconon is not Narcotics Anonymous or Nar-Anon"),
        "text": _(
            "Narconon is a fee-charging residential drug-rehabilitation program that uses L. Ron Hubbard's methods "
            "and is part of a Church of Scientology social-programs sector. It is not a peer-led mutual-help "
            "fellowship, and it is not Narcotics Anonymous or Nar-Anon, so this directory does not list it. "
            "Health authorities in Quebec refused to certify one of its centres in 2012, and deaths at its "
            "Oklahoma centre led to investigations the same year."
        ),
        # Program slugs of the programs people confuse it with: their pages are linked from the note.
        "see": ("na", "nar-anon"),
        "sources": [
            {
                "publisher": "NCADD, Addiction Medicine Update",
                "title": "Finding Your Place in Mutual Help Groups",
                "date": "undated",
                "url": "https://ncadd.us/blogs/finding-your-place-in-mutual-help-groups",
                "quote": "Narconon (not to be confused with Narcotics Anonymous or Nar-Anon) originated out of the "
                "Church of Scientology",
            },
            {
                "publisher": "NBC News, Rock Center",
                "title": "Drug rehabilitation program linked to Scientology under fire after deaths",
                "date": "August 2012",
                "url": "https://www.nbcnews.com/nightly-news/drug-rehabilitation-program-linked-scientology-under-fire-after-deaths-flna941551",
                "quote": "Narconon says it is a non-medical rehabilitation program.",
            },
            {
                "publisher": "Tampa Bay Times (J. Childs, T. C. Tobin)",
                "title": "",
                "date": "2012-08-16",
                "url": "http://www.mapinc.org/drugnews/v12/n411/a04.html",
                "quote": "Four deaths at Narconon's signature treatment facility in eastern Oklahoma have prompted "
                "local law enforcement and health officials to investigate the center and its program.",
            },
            {
                "publisher": "Radio-Canada",
                "title": "L'Agence de la santé confirme la fermeture du Centre Narconon de Trois-Rivières",
                "date": "2012-04-17",
                "url": "https://ici.radio-canada.ca/nouvelle/557833/narconon-avenir-incertain",
                "quote": "ces pratiques pourraient représenter un danger pour la santé ou la sécurité des résidents",
                "lang": "fr",
            },
        ],
    },
}


def caution_for(query):
    """The caution whose keyword the query names as a whole word (case-insensitive), or None."""
    words = set(re.findall(r"[\w-]+", (query or "").casefold()))
    for caution in CAUTIONS.values():
        if words.intersection(caution["keywords"]):
            return caution
    return None
