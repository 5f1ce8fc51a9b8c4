"""Column headers of an uploaded table: clean spelling, KoBoToolbox/ODK exports (group
paths, metadata columns, the submission id), and duplicate names made unique."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"))
_KOBO_MARKERS = frozenset(
    {"_id", "_uuid", "_submission_time", "_index", "meta/instanceID", "_validation_status"}
)
#: Where a submission's own identifier may be found, best first; it becomes ``source_id``.
_SOURCE_ID = ("_uuid", "meta/instanceID", "meta:instanceID", "meta-instanceID", "instanceID")
_KOBO_META = frozenset(
    {
        "start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
        "phonenumber", "audit", "instanceID", "instanceName", "__version__",
    }
)  # fmt: skip
_CENTRAL_META = frozenset(
    {
        "KEY", "SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent",
        "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion",
    }
)  # fmt: skip
_NAME_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def normalise_header(text: str) -> str:
    """Without BOM or zero-width characters, NFC, single spaces, stripped."""
    return " ".join(unicodedata.normalize("NFC", text.translate(_INVISIBLE)).split())


def kobo_columns(pairs: list[tuple[int, str]]) -> tuple[bool, list[tuple[int, str]]]:
    """For a KoBo or ODK export: question names without group paths, ``source_id`` from the
    submission UUID, and no metadata columns. ``pairs`` are (raw column index, header)."""
    names = {n for _i, n in pairs}
    central = "KEY" in names and bool(names & {"SubmissionDate", "meta-instanceID"})
    # "start" and "end" alone are ordinary column names; together they are ODK metadata.
    if not (central or names & _KOBO_MARKERS or {"start", "end"} <= names):
        return False, pairs
    split = re.compile("[/:-]" if central else "[/:]")
    source = next((k for k in _SOURCE_ID if k in names), None)
    out = []
    for i, name in pairs:
        if name == source:
            out.append((i, "source_id"))
            continue
        if (
            name.startswith("_")
            or name in _KOBO_META
            or name.startswith(("meta/", "meta:", "formhub/"))
            or (central and (name in _CENTRAL_META or name.startswith("meta-")))
        ):
            continue
        parts = split.split(name)
        # Only XML names are paths: labels such as "วัน/เดือน/ปีเกิด" keep their slashes.
        if len(parts) > 1 and all(_NAME_PART.fullmatch(p) for p in parts):
            if name[: -len(parts[-1]) - 1] in names:
                continue  # "groups/women": one option of a select_multiple, split out
            name = parts[-1]
        out.append((i, name))
    return True, out


def unique_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 2
        while candidate in seen:
            candidate, n = f"{name} ({n})", n + 1
        seen.add(candidate)
        out.append(candidate)
    return out
