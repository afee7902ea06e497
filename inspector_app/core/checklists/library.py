"""Loading checklist files, checking their quotes against the standards, and finding them by id."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from inspector_app.core.checklists.models import Checklist
from inspector_app.core.errors import InputError, NotFoundError, Problem
from inspector_app.core.fileformat import line_for, parse_text, read_text, validate_data
from inspector_app.core.i18n import tr
from inspector_app.core.paths import forms_dir, resources_dir

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


@lru_cache(maxsize=16)
def _standard_text(file: str) -> str | None:
    path = resources_dir() / "standards" / file
    return _squash(path.read_text(encoding="utf-8")) if path.is_file() else None


def quote_problems(checklist: Checklist, file: str, lines: dict) -> list[Problem]:
    """Every cited quote must stand verbatim (whitespace aside) in the cited standard."""
    problems = []
    for s_index, section in enumerate(checklist.sections):
        for i_index, item in enumerate(section.items):
            loc = ("sections", s_index, "items", i_index, "source", "quote")
            text = _standard_text(item.source.file)
            if text is None:
                problems.append(Problem(file, line_for(lines, loc[:-1]), ".".join(map(str, loc[:-1])),
                                        tr("unknown standard file {name}", name=item.source.file)))
            elif _squash(item.source.quote) not in text:
                problems.append(Problem(file, line_for(lines, loc), ".".join(map(str, loc)),
                                        tr("quote not found verbatim in {name}", name=item.source.file)))
    return problems


def duplicate_code_problems(data: object, file: str, lines: dict) -> list[Problem]:
    """Point at the second use of an item code (the model alone can only blame the whole 'sections')."""
    problems: list[Problem] = []
    seen: set[str] = set()
    sections = data.get("sections") if isinstance(data, dict) else None
    for s_index, section in enumerate(sections if isinstance(sections, list) else []):
        items = section.get("items") if isinstance(section, dict) else None
        for i_index, item in enumerate(items if isinstance(items, list) else []):
            code = item.get("code") if isinstance(item, dict) else None
            if not isinstance(code, str):
                continue
            if code in seen:
                loc = ("sections", s_index, "items", i_index, "code")
                problems.append(Problem(file, line_for(lines, loc), ".".join(map(str, loc)),
                                        tr("item code {code} is used twice", code=code)))
            seen.add(code)
    return problems


def content_hash(checklist: Checklist) -> str:
    """SHA-256 of the checklist's canonical JSON: inspections pin the exact rules they were scored with."""
    canonical = json.dumps(checklist.model_dump(mode="json"), ensure_ascii=False, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_checklist(path: Path, check_quotes: bool = True) -> Checklist:
    """Load and fully validate one checklist file, or raise InputError listing every problem."""
    name = str(path)
    parsed = parse_text(read_text(path), name)
    duplicates = duplicate_code_problems(parsed.data, name, parsed.lines)
    if duplicates:
        raise InputError(duplicates)
    checklist = validate_data(Checklist, parsed.data, name, parsed.lines)
    if check_quotes:
        problems = quote_problems(checklist, name, parsed.lines)
        if problems:
            raise InputError(problems)
    return checklist


CACHE_FILE = "checklists.json"
CACHE_VERSION = 1
# what this process already validated, by cache key: a second workspace in one process (training mode, the
# office beside the laptop, a test) reads the same forms without parsing YAML and checking quotes again
_VALIDATED: dict[str, list[dict[str, str]]] = {}


def _cache_key(files: list[Path]) -> list:
    """What the cached result depends on: the form files, the standards their quotes were checked
    against, and the app's version (the format may change with it)."""
    from inspector_app import __version__

    standards = sorted((resources_dir() / "standards").glob("*.txt"))
    return [CACHE_VERSION, __version__,
            *[[str(f), f.stat().st_size, f.stat().st_mtime_ns] for f in [*files, *standards]]]


@dataclass
class ChecklistLibrary:
    """All checklists available on this machine, newest version of each id, with load problems kept aside."""

    checklists: dict[str, Checklist] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def load(cls, *folders: Path, include_training: bool = False, cache_dir: Path | None = None
             ) -> "ChecklistLibrary":
        """Every checklist in `folders` (newest version of each id); bad files are kept aside as problems.

        With `cache_dir`, the validated result is kept as JSON and reused while no form file (nor a standard)
        changed: start-up then skips YAML parsing and quote checks. The cache is JSON re-validated by the
        models, never code, so a tampered cache file can at worst be refused.
        """
        files = []
        for folder in folders or (forms_dir(),):
            for path in sorted(folder.rglob("*.yaml")):
                if include_training or "training" not in path.relative_to(folder).parts[:-1]:
                    files.append(path)
        key = _cache_key(files) if cache_dir else None
        if cache_dir and json.dumps(key) in _VALIDATED:
            library = cls._from_entries(_VALIDATED[json.dumps(key)])
            if not (cache_dir / CACHE_FILE).exists():
                library._to_cache(cache_dir, key)
            return library
        cached = cls._from_cache(cache_dir, key) if cache_dir else None
        if cached is not None:
            return cached
        library = cls()
        for path in files:
            try:
                checklist = load_checklist(path)
            except InputError as exc:
                library.problems.extend(exc.problems)
                continue
            current = library.checklists.get(checklist.id)
            if current is None or checklist.version > current.version:
                library.checklists[checklist.id] = checklist
                library.paths[checklist.id] = path
        if cache_dir and not library.problems:
            library._to_cache(cache_dir, key)
        return library

    @classmethod
    def _from_cache(cls, cache_dir: Path, key: list) -> "ChecklistLibrary | None":
        try:
            data = json.loads((cache_dir / CACHE_FILE).read_text(encoding="utf-8"))
            if data.get("key") != key:
                return None
            library = cls._from_entries(data["checklists"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, stale or damaged: load from the files
        _VALIDATED[json.dumps(key)] = data["checklists"]
        return library

    @classmethod
    def _from_entries(cls, entries: list[dict[str, str]]) -> "ChecklistLibrary":
        library = cls()
        for entry in entries:
            checklist = Checklist.model_validate_json(entry["json"])
            library.checklists[checklist.id] = checklist
            library.paths[checklist.id] = Path(entry["path"])
        return library

    def _to_cache(self, cache_dir: Path, key: list) -> None:
        data = {"key": key, "checklists": [{"path": str(self.paths[c.id]), "json": c.model_dump_json()}
                                           for c in self.checklists.values()]}
        _VALIDATED[json.dumps(key)] = data["checklists"]
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = cache_dir / (CACHE_FILE + ".tmp")
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cache_dir / CACHE_FILE)
        except OSError:
            pass  # a cache is an optimisation: a read-only data folder still works

    def get(self, checklist_id: str) -> Checklist:
        try:
            return self.checklists[checklist_id]
        except KeyError:
            raise NotFoundError(tr("No checklist with id {id}", id=checklist_id)) from None

    def __iter__(self):
        return iter(sorted(self.checklists.values(), key=lambda c: c.id))

    def __len__(self) -> int:
        return len(self.checklists)
