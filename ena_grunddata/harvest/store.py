"""The embedded harvest store: one folder, one last-good snapshot per source, written atomically.

    STORE/
      store.json                  format marker {"format": "ena-grunddata-harvest-store", "version": 1}
      sources/<slug>/snapshot.nt  the last good harvest, canonical sorted N-Triples (byte-identical when unchanged)
      sources/<slug>/meta.json    URL, time, ETag/Last-Modified, hashes, counts, status, warnings
      sources/<slug>/entities.json  IRI -> description hash of every standalone entity (for the next comparison)
      attempts/<slug>.json        the latest attempt, successful or not (status, time, error)

A source folder is replaced in one rename (stage, then swap), so a failed fetch or parse, an interrupted run or
a refused shrink never touches the last good snapshot; only attempts/<slug>.json records the failure.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

from rdflib import Graph

from ..atomic import atomic_directory, atomic_write
from ..errors import InputError
from ..load import Document, Limits, parse_document
from ..load.safety import load_json


STORE_FORMAT = {"format": "ena-grunddata-harvest-store", "version": 1}


def slug_for(location: str, name: str | None = None) -> str:
    """A folder name for a source: its configured name, else a readable part of the location plus a hash."""
    if name:
        cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
        if cleaned:
            return cleaned[:80]
    readable = re.sub(r"^[a-z+]+://", "", location)
    readable = re.sub(r"[^A-Za-z0-9._-]+", "-", readable).strip("-.")[:60] or "source"
    return f"{readable}-{hashlib.sha256(location.encode('utf-8')).hexdigest()[:8]}"


class Store:
    def __init__(self, root):
        self.root = Path(root)

    def open(self) -> Store:
        """Create the folder on first use; refuse a folder that holds something else."""
        marker = self.root / "store.json"
        try:
            if self.root.exists() and not self.root.is_dir():
                raise InputError("the store is not a folder", where=str(self.root))
            if self.root.is_dir() and any(self.root.iterdir()) and not marker.exists():
                raise InputError("this folder is not a harvest store (no store.json); choose an empty or new "
                                 "folder with --store", where=str(self.root))
            (self.root / "sources").mkdir(parents=True, exist_ok=True)
            (self.root / "attempts").mkdir(exist_ok=True)
            if not marker.exists():
                atomic_write(marker, json.dumps(STORE_FORMAT, indent=2) + "\n")
        except OSError as error:
            raise InputError(f"cannot use the store: {error.strerror or error}", where=str(self.root)) from None
        return self

    def source_dir(self, slug: str) -> Path:
        return self.root / "sources" / slug

    def meta(self, slug: str) -> dict | None:
        """The stored meta of a source; None only when the source has never been harvested.

        A missing, unreadable or corrupt meta.json next to a snapshot must not make the source look new (that
        would skip the shrink guard and replace the last good snapshot): its counts are rebuilt from the snapshot.
        A snapshot that cannot be read either raises InputError, so nothing replaces it unnoticed.
        """
        folder = self.source_dir(slug)
        path = folder / "meta.json"
        meta = None
        try:
            meta = load_json(path.read_text("utf-8"))  # a JsonProblem (nesting, numbers) is a ValueError
        except (OSError, ValueError, UnicodeError):
            pass
        if isinstance(meta, dict) and _usable_counts(meta.get("counts")):
            return meta
        if not (folder / "snapshot.nt").exists() and not path.exists():
            return None
        return self._recovered_meta(slug)

    def _recovered_meta(self, slug: str) -> dict:
        from .changes import entity_hashes

        try:
            graph = self.snapshot_graph(slug)
        except (OSError, InputError) as error:
            raise InputError("the stored meta.json is unreadable and so is the last snapshot "
                             f"({getattr(error, 'message', None) or getattr(error, 'strerror', None) or error}); "
                             "move the source's folder away to start afresh",
                             where=str(self.source_dir(slug))) from None
        if graph is None:
            raise InputError("the stored meta.json is unreadable and there is no snapshot next to it; move the "
                             "source's folder away to start afresh", where=str(self.source_dir(slug)))
        counts = {"triples": len(graph), "entities": len(entity_hashes(graph))}
        return {"counts": counts, "recovered": True}  # no validators: the next fetch is a full one

    def snapshot_graph(self, slug: str) -> Graph | None:
        path = self.source_dir(slug) / "snapshot.nt"
        if not path.exists():
            return None
        data = path.read_bytes()
        if not data.strip():
            return Graph()  # a source that was empty when harvested
        document = Document(name=str(path), data=data, format="ntriples",
                            base="https://relative.invalid/snapshot")
        return parse_document(document, Limits(max_input_bytes=1 << 62, timeout=None))

    def entity_hashes(self, slug: str) -> dict | None:
        """The stored entity hashes; recomputed from the snapshot when the file is missing or unreadable, or was
        written with an older definition of the hash (so an upgrade reports no changes that did not happen)."""
        from .changes import HASH_VERSION, harvested_from_ntriples

        path = self.source_dir(slug) / "entities.json"
        if (self.meta(slug) or {}).get("hash_version") == HASH_VERSION:
            try:
                hashes = load_json(path.read_text("utf-8"))
                if isinstance(hashes, dict):
                    return hashes
            except (OSError, ValueError):
                pass
        snapshot = self.source_dir(slug) / "snapshot.nt"
        try:
            data = snapshot.read_bytes()
        except OSError:
            return None
        try:
            return harvested_from_ntriples(data).hashes
        except (SyntaxError, ValueError):
            return None  # an unreadable snapshot means no usable previous state

    def write(self, slug: str, snapshot, meta: dict, hashes: dict) -> None:
        """Replace the source's folder with a new snapshot (bytes, or a binary file read from its start), its
        entity hashes and meta in one rename."""
        with atomic_directory(self.source_dir(slug)) as staging:
            if isinstance(snapshot, (bytes, bytearray)):
                (staging / "snapshot.nt").write_bytes(snapshot)
            else:
                snapshot.seek(0)
                with open(staging / "snapshot.nt", "wb") as handle:
                    shutil.copyfileobj(snapshot, handle, 1 << 20)
            (staging / "entities.json").write_text(json.dumps(hashes, indent=0, sort_keys=True) + "\n", "utf-8")
            (staging / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")

    def write_meta(self, slug: str, meta: dict) -> None:
        atomic_write(self.source_dir(slug) / "meta.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    def record_attempt(self, slug: str, attempt: dict) -> None:
        atomic_write(self.root / "attempts" / f"{slug}.json",
                     json.dumps(attempt, indent=2, ensure_ascii=False) + "\n")


def _usable_counts(counts) -> bool:
    return isinstance(counts, dict) and all(isinstance(counts.get(key), int) and not isinstance(counts.get(key), bool)
                                            and counts.get(key) >= 0 for key in ("triples", "entities"))


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()
