#!/usr/bin/env python3
"""Compiles every locale/**/*.po to its .mo with polib, so a fresh machine needs only Python (no gettext)."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def compile_messages(root=ROOT):
    """Writes a .mo beside each .po under root/locale (always: it takes milliseconds); returns the .po paths."""
    compiled = []
    for po_path in sorted((root / "locale").glob("**/*.po")):
        catalog = polib.pofile(str(po_path))
        # Fuzzy and obsolete entries are left out, as msgfmt does: a guess is not a translation.
        catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        compiled.append(po_path)
    return compiled


if __name__ == "__main__":
    for path in compile_messages():
        print(f"Compiled {path.relative_to(ROOT)}", file=sys.stderr)
