"""Build the public site from scratch into a new folder, for publishing: no shortcut of any kind.

It is the plain clean build (generator/pipeline/build.py): every entry found and read again,
every page rendered, every image and share card made anew (into a scratch folder that goes
away), nothing taken from the cache or a snapshot, no file of an earlier build kept. The privacy
audit runs over the finished files before they count as built.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.deploy.output import Staging, UnsafePath
from generator.deploy.staged_audit import privacy_audit
from generator.errors import Problem, has_errors
from generator.outputs import redirects
from generator.pipeline.build import CleanBuild, build_files
from generator.pipeline.inputs import Inputs, read_inputs
from generator.pipeline.result import BuildResult


def build_fresh(root: Path, folder: Path) -> BuildResult:
    """Build the public site of the site at root into folder, which must not exist yet; audit it first.

    On any problem the folder is left out (nothing is built).
    """
    result = BuildResult("public", output_dir=folder)
    inputs = read_inputs(root, result)  # finds and parses every entry: no cache
    if inputs is None:
        return result
    with tempfile.TemporaryDirectory(prefix="footfall-fresh-") as scratch:
        with result.timed("build"):
            made = build_files(inputs, "public", Path(scratch), card_workers=None)
        result.problems.extend(made.problems)
        result.entries, result.pages = (len(made.site.posts) if made.site else 0), made.pages
        if not has_errors(result.problems):
            _write(made, inputs, result)
    return result


def _write(made: CleanBuild, inputs: Inputs, result: BuildResult) -> None:
    """Stage every file, audit them all, then make the folder; on problems, make nothing."""
    assert result.output_dir is not None and made.site is not None
    staging = Staging(result.output_dir, protected=(inputs.config.content_dir,))
    try:
        staging.begin()
        with result.timed("files"):
            for relpath, data in sorted(made.files.items()):
                staging.add(relpath, data)
        with result.timed("audit"):
            result.problems.extend(privacy_audit(made.site, inputs, staging, remember=False))
    except UnsafePath as exc:
        result.problems.append(Problem(None, None, str(exc)))
    if has_errors(result.problems):
        staging.abandon()
        return
    with result.timed("output"):
        staging.commit()
        redirects.record_urls(made.site)  # what is published is in the URL ledger (outputs/redirects.py)
    result.written = len(staging.staged)
    result.changed = sorted(staging.staged)
