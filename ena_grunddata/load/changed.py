"""`validate --changed-only REF`: only the files changed since a git ref, plus the files they lean on.

Changed means: in `git diff --name-only REF...HEAD` (committed on this branch since it left REF), in
`git diff --name-only HEAD` (staged or not yet staged), or untracked and not ignored. Deleted files are skipped.

"Plus what they reference" is kept simple and local: a file in the SAME folder as a changed file is added when the
changed file names it (its file name appears in the text) or mentions an IRI that the sibling describes as a subject
(e.g. the dataset file points at a publisher described in agents.ttl beside it). One step only, never across folders.
URLs and standard input are not files in git: they are always validated.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ..errors import UsageError
from . import Limits, expand_sources, is_url, read_document, subject_lines


def changed_sources(sources, ref: str, *, cwd: str | None = None, limits: Limits | None = None) -> list[str]:
    """Every file to validate (changed ones and what they lean on), in the order of `sources`."""
    files = expand_sources(sources, follow_symlinks=bool(limits and limits.follow_symlinks))
    chosen = {member for group in changed_groups(sources, ref, cwd=cwd, limits=limits) for member in group}
    return [f for f in files if f in chosen]


def changed_groups(sources, ref: str, *, cwd: str | None = None, limits: Limits | None = None) -> list[list[str]]:
    """One group per changed file: the file itself, then the files beside it that it refers to."""
    files = expand_sources(sources, follow_symlinks=bool(limits and limits.follow_symlinks))
    changed = changed_paths(ref, cwd)
    selected = [f for f in files if f == "-" or is_url(f) or resolved(f) in changed]
    groups = []
    for source in selected:
        group = [source]
        if source != "-" and not is_url(source):
            text = Path(source).read_text(encoding="utf-8", errors="replace")
            for sibling in files:
                if sibling in group or sibling == "-" or is_url(sibling):
                    continue
                if Path(sibling).parent.resolve() == Path(source).parent.resolve() and \
                        references(text, sibling, limits or Limits()):
                    group.append(sibling)
        groups.append(group)
    return groups


def references(text: str, sibling: str, limits: Limits) -> bool:
    if Path(sibling).name in text:
        return True
    try:
        document = read_document(sibling, limits=limits)
    except Exception:  # an unreadable sibling is not a reference; validating it would fail on its own anyway
        return False
    return any(iri and iri in text for iri in subject_lines(document))


def changed_paths(ref: str, cwd: str | None = None) -> set[Path]:
    top = Path(git(["rev-parse", "--show-toplevel"], cwd, ref).strip())
    names = set()
    names.update(git(["diff", "--name-only", "--diff-filter=d", f"{ref}...HEAD", "--"], cwd, ref).splitlines())
    names.update(git(["diff", "--name-only", "--diff-filter=d", "HEAD", "--"], cwd, ref).splitlines())
    names.update(git(["ls-files", "--others", "--exclude-standard", "--full-name"], cwd, ref).splitlines())
    return {(top / name).resolve() for name in names if name}


def git(arguments: list[str], cwd: str | None, ref: str) -> str:
    try:
        done = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise UsageError("--changed-only needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError("--changed-only: git did not answer within 60 s") from None
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or ["git failed"])[-1]
        if "not a git repository" in why:
            raise UsageError("--changed-only works inside a git repository (this folder is not one)")
        raise UsageError(f"--changed-only {ref}: {why}")
    return done.stdout


def resolved(path: str) -> Path:
    return Path(path).resolve()
