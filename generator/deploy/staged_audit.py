"""The privacy audit of a staged public build: every file, changed or kept, before it goes live."""

from __future__ import annotations

from generator.deploy import audit
from generator.deploy.needles import Needles
from generator.deploy.output import Staging
from generator.errors import Problem
from generator.pipeline.inputs import Inputs
from generator.pipeline.site import Site


def audit_needles(site: Site, inputs: Inputs) -> Needles:
    """Return what the audit of a build looks for, worked out from its sources alone (not from its output)."""
    return audit.derive(inputs.entries, site.config, inputs.vocabulary, inputs.theme)


def privacy_audit(site: Site, inputs: Inputs, staging: Staging, *, remember: bool = True,
                  needles: Needles | None = None) -> list[Problem]:
    """Return a problem for every piece of private text in the staged build (changed files and kept ones).

    With `remember`, a file with the bytes an audit of the same needles found clean before is not
    searched again (audit_record.py); publishing searches every file. `needles`, when given, are
    those audit_needles returned for this build (worked out while other stages ran).
    """
    files = [(relpath, (staging.folder if relpath in staging.staged else staging.target) / relpath)
             for relpath in sorted(staging.staged | staging.kept)]
    return audit.audit_files(files, staging.target, site, inputs.entries, inputs.vocabulary, inputs.theme,
                             inputs.config.path, remember=remember, needles=needles)
