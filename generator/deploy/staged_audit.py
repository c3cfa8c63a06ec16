"""The privacy audit of a staged public build: every file, changed or kept, before it goes live."""

from __future__ import annotations

import os

from generator.deploy import audit
from generator.deploy.output import Staging
from generator.errors import Problem
from generator.pipeline.inputs import Inputs
from generator.pipeline.site import Site


def audit_sought(inputs: Inputs) -> audit.Sought:
    """Return what the audit of a build looks for, worked out from its sources alone (not from its output)."""
    return audit.seek(inputs.entries, inputs.config, inputs.vocabulary, inputs.theme)


def privacy_audit(site: Site, inputs: Inputs, staging: Staging, *, remember: bool = True,
                  sought: audit.Sought | None = None) -> list[Problem]:
    """Return a problem for every piece of private text in the staged build (changed files and kept ones).

    With `remember`, a file with the bytes an audit of the same needles found clean before is not
    searched again (audit_record.py); publishing searches every file. `sought`, when given, is what
    audit_sought returned for this build (worked out while other stages ran).
    """
    return StagedAudit(site, inputs, staging, remember=remember, sought=sought).problems()


class StagedAudit:
    """The audit of a staged build in two parts: the live files kept so far (while Pagefind indexes), then the rest.

    A kept file is the live one, which the build never writes: searched once, it needs no second
    look. Every other file is searched when the build is staged whole (problems), as it is then.
    """

    def __init__(self, site: Site, inputs: Inputs, staging: Staging, *, remember: bool = True,
                 sought: audit.Sought | None = None) -> None:
        self.staging = staging
        self.audit = audit.FileAudit(staging.target, site, inputs.entries, inputs.vocabulary, inputs.theme,
                                     remember=remember, sought=sought)
        self.searched: dict[str, str] = {}  # output path -> the file searched for it

    def check_kept(self) -> None:
        """Search the live files the build kept so far (not those it staged: they may be staged again)."""
        live = f"{self.staging.target}{os.sep}"
        self._check([(relpath, live + relpath) for relpath in sorted(self.staging.kept - self.staging.staged)])

    def problems(self) -> list[Problem]:
        """Search every file not searched as it is now, then return a problem per finding, in the order of the files."""
        present = sorted(self.staging.staged | self.staging.kept)
        staged, live = f"{self.staging.folder}{os.sep}", f"{self.staging.target}{os.sep}"  # text: far cheaper than Paths
        files = [(relpath, (staged if relpath in self.staging.staged else live) + relpath) for relpath in present]
        self._check([(relpath, file) for relpath, file in files if self.searched.get(relpath) != file])
        return self.audit.problems(present)

    def _check(self, files: list[tuple[str, str]]) -> None:
        """Search some files."""
        self.audit.check(files)
        self.searched.update(files)
