"""The privacy audit of a staged public build: every file, changed or kept, before it goes live."""

from __future__ import annotations

import os

from generator.deploy import audit
from generator.deploy.output import Staging
from generator.errors import Problem
from generator.pipeline.inputs import Inputs
from generator.pipeline.site import Site


def audit_sought(site: Site, inputs: Inputs) -> audit.Sought:
    """Return what the audit of a build looks for, worked out from its sources alone (not from its output)."""
    return audit.seek(inputs.entries, site.config, inputs.vocabulary, inputs.theme)


def privacy_audit(site: Site, inputs: Inputs, staging: Staging, *, remember: bool = True,
                  sought: audit.Sought | None = None) -> list[Problem]:
    """Return a problem for every piece of private text in the staged build (changed files and kept ones).

    With `remember`, a file with the bytes an audit of the same needles found clean before is not
    searched again (audit_record.py); publishing searches every file. `sought`, when given, is what
    audit_sought returned for this build (worked out while other stages ran).
    """
    staged, live = f"{staging.folder}{os.sep}", f"{staging.target}{os.sep}"  # joined as text: far cheaper than a Path each
    files = [(relpath, (staged if relpath in staging.staged else live) + relpath)
             for relpath in sorted(staging.staged | staging.kept)]
    return audit.audit_files(files, staging.target, site, inputs.entries, inputs.vocabulary, inputs.theme,
                             inputs.config.path, remember=remember, sought=sought)
