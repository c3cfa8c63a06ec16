"""The privacy audit of a staged public build: every file, changed or kept, before it goes live."""

from __future__ import annotations

from generator.deploy import audit
from generator.deploy.output import Staging
from generator.errors import Problem
from generator.pipeline.inputs import Inputs
from generator.pipeline.site import Site


def privacy_audit(site: Site, inputs: Inputs, staging: Staging, *, remember: bool = True) -> list[Problem]:
    """Return a problem for every piece of private text in the staged build (changed files and kept ones).

    With `remember`, a file with the bytes an audit of the same needles found clean before is not
    searched again (audit_record.py); publishing searches every file.
    """
    files = [(relpath, (staging.folder if relpath in staging.staged else staging.target) / relpath)
             for relpath in sorted(staging.staged | staging.kept)]
    return audit.audit_files(files, staging.target, site, inputs.entries, inputs.vocabulary, inputs.theme,
                             inputs.config.path, remember=remember)
