"""Stream the whole directory's Meeting Guide feed to nowhere; print meetings and bytes. Used by
generate_bench.py to measure the export's time and peak memory in a process of its own."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")

import django  # noqa: E402 -- after the path and settings above

django.setup()

from interop.meeting_guide import feed_chunks  # noqa: E402
from meetings.models import Meeting  # noqa: E402

size = sum(len(chunk.encode()) for chunk in feed_chunks(Meeting.objects.all(), base_url="https://example.org/"))
print(f"{Meeting.objects.listed().count()} meetings, {size} bytes")
