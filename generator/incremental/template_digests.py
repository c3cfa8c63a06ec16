"""Digests of templates with everything they extend, include or import, resolved as the environment does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
import jinja2.meta

from generator.incremental.digest import hash_text


def _name_or_none(value: object) -> bool:
    """Return True for what a list of template references may hold: a name, or None."""
    return value is None or isinstance(value, str)


class TemplateDigests:
    """Digests of templates with everything they extend, include or import, resolved as the environment does."""

    def __init__(self, env: jinja2.Environment, known: Mapping[str, Any] | None = None) -> None:
        """`known` may give the references found in earlier runs (see `known`), to skip parsing those templates."""
        self.env = env
        #: digest of a template's source -> the names it references (None: a computed name), parsed once ever
        self.known: dict[str, list[str | None]] = {key: refs for key, refs in (known or {}).items()
                                                   if isinstance(refs, list) and all(_name_or_none(r) for r in refs)}
        self.learned = False  # whether `known` gained a template this run (and is worth keeping)
        self.used: set[str] = set()  # the keys of `known` this run looked up
        self._sources: dict[str, tuple[str, str] | None] = {}  # name -> (file, source) or None when missing
        self._refs: dict[str, set[str | None]] = {}
        self._digests: dict[str, str] = {}

    def digest(self, name: str) -> str:
        """Return the digest of a template and every template it reaches."""
        if name not in self._digests:
            parts = []
            for used in sorted(self._closure(name)):
                found = self._source(used)
                parts.append(f"{used}={found[0]}:{hash_text(found[1])}" if found else f"{used}=missing")
            self._digests[name] = hash_text(*parts)
        return self._digests[name]

    def references(self) -> dict[str, list[str | None]]:
        """Return the references of the templates this run looked at, by source digest, to give a later run."""
        return {key: self.known[key] for key in self.used if key in self.known}

    def _closure(self, name: str) -> set[str]:
        """Return the names of a template and all it references; every template when a name is computed."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            refs = self._references(current)
            if None in refs:
                return set(self.env.list_templates())
            todo.extend(r for r in refs if r is not None)
        return seen

    def _references(self, name: str) -> set[str | None]:
        """Return the template names one template references (None for a computed name)."""
        if name not in self._refs:
            found = self._source(name)
            key = hash_text(found[1]) if found else ""
            self.used.add(key)
            if found and key not in self.known:
                try:
                    self.known[key] = list(jinja2.meta.find_referenced_templates(self.env.parse(found[1])))
                except jinja2.TemplateSyntaxError:
                    self.known[key] = []
                self.learned = True
            self._refs[name] = set(self.known[key]) if found else set()
        return self._refs[name]

    def _source(self, name: str) -> tuple[str, str] | None:
        """Return (file, source) of a template as the environment's loader finds it, or None."""
        if name not in self._sources:
            try:
                assert self.env.loader is not None
                source, filename, _ = self.env.loader.get_source(self.env, name)
                self._sources[name] = (filename or name, source)
            except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
                self._sources[name] = None
        return self._sources[name]
