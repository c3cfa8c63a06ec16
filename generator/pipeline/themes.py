"""Load a theme (with its parents and the site's overrides) and render planned pages with Jinja."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from types import CodeType
from urllib.parse import urlsplit

import jinja2

from generator.config import THEME_NAME, SiteConfig
from generator.errors import Problem, error
from generator.pipeline.pages import PlannedPage
from generator.pipeline.links import LINKS, page_links, relative_url
from generator.units import MONTH_NAMES, long_date, short_date
from generator.urls import absolute

SHIPPED_THEMES = Path(__file__).resolve().parent.parent / "themes"  # inside the package: a wheel carries them
MAX_THEME_DEPTH = 5
FINGERPRINTED = (".css", ".js")  # static files written under a name that carries a hash of their bytes


@dataclass(frozen=True, slots=True)
class Theme:
    """A resolved theme: its folders, most specific first."""

    name: str  # the theme named in site.toml
    folders: tuple[Path, ...]  # the theme, then its parents
    template_dirs: tuple[Path, ...]  # site templates/ first, then each theme's templates/
    static_dirs: tuple[Path, ...]  # site static/ first, then each theme's static/
    settings: Mapping[str, Any]  # merged theme.toml of the chain (child wins)
    chain: tuple[str, ...] = ()  # the theme's name, then its parents' names, matching folders


@dataclass(frozen=True, slots=True)
class StaticFile:
    """A static file as the build writes it: the site's static/ wins over the themes'."""

    source: Path  # the file that wins, in the site's static/ or a theme's
    output: str  # output path in the build, e.g. static/css/footfall.5d41402abc.css


def find_theme_folder(name: str, cfg: SiteConfig) -> Path | None:
    """Return the folder of a theme: the site's own themes/ first, then the shipped ones."""
    for base in (cfg.root / "themes", SHIPPED_THEMES):
        if (base / name / "templates").is_dir():
            return base / name
    return None


def load_theme(cfg: SiteConfig) -> tuple[Theme | None, list[Problem]]:
    """Resolve the configured theme and the themes it extends."""
    folders: list[Path] = []
    names: list[str] = []
    settings: dict[str, Any] = {}
    name: str | None = cfg.theme
    while name:
        folder = find_theme_folder(name, cfg)
        if folder is None or len(folders) >= MAX_THEME_DEPTH or folder in folders:
            return None, [_chain_problem(name, folder, folders, cfg)]
        folders.append(folder)
        names.append(name)
        data, problems = _read_theme_toml(folder)
        if problems:
            return None, problems
        settings = _merge(data, settings)
        name = data.get("extends")
    templates = (cfg.root / "templates", *(f / "templates" for f in folders))
    statics = (cfg.root / "static", *(f / "static" for f in folders))
    return Theme(cfg.theme, tuple(folders), tuple(p for p in templates if p.is_dir()),
                 tuple(p for p in statics if p.is_dir()), settings, tuple(names)), []


def _chain_problem(name: str, folder: Path | None, chain: list[Path], cfg: SiteConfig) -> Problem:
    """Return the problem with a theme chain: a theme not found, a loop, or too many levels."""
    if folder is None:
        return error(cfg.path, None, f"theme {name!r} not found", f"themes live in {cfg.root / 'themes'} or {SHIPPED_THEMES}")
    if folder in chain:
        return error(folder / "theme.toml", None, f"theme {name!r} extends itself in a loop", "remove one `extends`")
    return error(chain[-1] / "theme.toml", None, f"themes extend each other more than {MAX_THEME_DEPTH} levels deep")


def _read_theme_toml(folder: Path) -> tuple[dict[str, Any], list[Problem]]:
    """Read a theme's theme.toml (optional)."""
    path = folder / "theme.toml"
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return {}, [error(path, None, f"theme.toml is not valid TOML: {exc}")]
    parent = data.get("extends")
    if parent is not None and not (isinstance(parent, str) and THEME_NAME.fullmatch(parent)):
        return {}, [error(path, None, f"`extends` must be the name of a theme, not {parent!r}",
                          'use letters, digits, - and _ only, e.g. extends = "default"')]
    return data, []


def _merge(parent: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """Return parent settings overridden by the child's, table by table."""
    merged = dict(parent)
    for key, value in child.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def static_files(theme: Theme) -> dict[str, StaticFile]:
    """Return every static file by its path inside static/ (site first, then the theme chain)."""
    sources: dict[str, Path] = {}
    for folder in reversed(theme.static_dirs):
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if path.is_file() and not any(part.startswith(".") for part in name.split("/")):
                sources[name] = path
    return {name: StaticFile(path, "static/" + _output_name(name, path)) for name, path in sorted(sources.items())}


def _output_name(name: str, path: Path) -> str:
    """Return the name a static file is written under: CSS and JS carry a hash of their bytes."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or f".{suffix}" not in FINGERPRINTED:
        return name
    return f"{stem}.{fingerprint(path.read_bytes())}.{suffix}"


def fingerprint(data: bytes) -> str:
    """Return a short hash of a file's bytes, for cache-busting file names."""
    return hashlib.sha256(data).hexdigest()[:10]


def template_loader(theme: Theme) -> jinja2.BaseLoader:
    """Return a loader: plain names resolve site first, then the chain; "<theme>/<name>" names one theme."""
    by_theme = {name: jinja2.FileSystemLoader(str(folder / "templates"))
                for name, folder in zip(theme.chain, theme.folders)}
    return jinja2.ChoiceLoader([jinja2.FileSystemLoader([str(p) for p in theme.template_dirs]),
                                jinja2.PrefixLoader(by_theme)])


class ThemeTemplate(jinja2.Template):
    """A Jinja template whose macro modules, imported without context, still link from the page rendered.

    Jinja keeps one module per template for such imports; this keeps one per link start (a
    handful: one per folder depth), made with the page's `Links` as its only variable.
    """

    _link_modules: dict[Any, jinja2.environment.TemplateModule]

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: CodeType, globals: Any,
                  uptodate: Callable[[], bool] | None = None) -> jinja2.Template:
        """Create the template with no module made yet."""
        template = super().from_code(environment, code, globals, uptodate)
        template._link_modules = {}  # type: ignore[attr-defined]
        return template

    def _get_default_module(self, ctx: jinja2.runtime.Context | None = None) -> jinja2.environment.TemplateModule:
        """Return the module of an import without context, made for the importing page's links."""
        links = ctx.get(LINKS) if ctx is not None else None
        if links is None:
            return super()._get_default_module(ctx)
        assert ctx is not None
        extra = {k: ctx.parent[k] for k in ctx.globals_keys - self.globals.keys()}  # as Jinja does
        if extra:
            return self.make_module({**extra, LINKS: links})
        found = self._link_modules.get(links)
        if found is None:
            found = self._link_modules[links] = self.make_module({LINKS: links})
        return found


class ThemeEnvironment(jinja2.Environment):
    """A Jinja environment for one site: its templates know where the site lives (for root-relative links)."""

    template_class = ThemeTemplate
    base_path = "/"  # the path of the site's base URL


def make_environment(theme: Theme, cfg: SiteConfig, static: Mapping[str, StaticFile] | None = None,
                     compiled: jinja2.BytecodeCache | None = None,
                     kind: type[ThemeEnvironment] = ThemeEnvironment) -> ThemeEnvironment:
    """Return the Jinja environment for a theme: autoescaped, strict, with Footfall's filters.

    `compiled` keeps compiled templates between runs (see CompiledTemplates); `kind` is the
    environment class (the speed layer brings its own).
    """
    env = kind(
        loader=template_loader(theme),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, auto_reload=False,  # a build makes a new environment when a template changes
        bytecode_cache=compiled,
    )
    env.base_path = urlsplit(cfg.base_url).path
    env.filters.update(date=format_date, isodate=iso_date, month_name=month_name,
                       absolute=lambda url: absolute(cfg.base_url, url))
    env.filters["rel"] = relative_url
    env.globals["asset"] = asset_function(static_files(theme) if static is None else static)
    return env


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by an earlier run, kept in the site's cache folder, so that a small build skips compiling.

    Jinja checks each template's source before using its compiled code. The folder is named after
    Footfall's code stamp (which covers Jinja), so compiled code never outlives the code that made
    it; the folders of other stamps are removed. A file that cannot be written is simply not kept.
    """

    def __init__(self, cache_dir: Path, code: str) -> None:
        base = cache_dir / "templates"
        self.folder = base / code[:16]
        super().__init__(str(self.folder))
        _remove_others(base, self.folder)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Read a compiled template if there is one (a file where the folder goes means there is none)."""
        try:
            super().load_bytecode(bucket)
        except OSError:
            pass

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Write a compiled template, making the folder first; skip it when the disk says no."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _remove_others(base: Path, keep: Path) -> None:
    """Remove the folders under base besides keep (compiled templates of other code)."""
    try:
        others = [p for p in base.iterdir() if p != keep and p.is_dir()]
    except OSError:
        return
    for folder in others:
        shutil.rmtree(folder, ignore_errors=True)


def asset_function(static: Mapping[str, StaticFile]) -> Any:
    """Return the `asset(name)` template function: the URL of a static file, fingerprinted, relative."""

    @jinja2.pass_context
    def asset(context: jinja2.runtime.Context, name: str) -> str:
        """Return the relative URL of static/<name> as this build writes it."""
        found = static.get(name.lstrip("/").removeprefix("static/"))
        if found is None:
            raise jinja2.TemplateRuntimeError(f"asset({name!r}): no such file in the theme's or the site's static/")
        return relative_url(context, "/" + found.output)

    return asset


def format_date(value: datetime | None, style: str = "long") -> str:
    """Return a date like "14 March 2026" (long) or "14 Mar" (short)."""
    if value is None:
        return ""
    return short_date(value) if style == "short" else long_date(value)


def iso_date(value: datetime | None) -> str:
    """Return an ISO 8601 timestamp for <time datetime> and feeds."""
    return value.isoformat() if value else ""


def month_name(number: int) -> str:
    """Return the English name of a month number."""
    return MONTH_NAMES[number - 1]


def render_page(env: jinja2.Environment, planned: PlannedPage, shared: Mapping[str, Any]) -> str:
    """Render one planned page to HTML, its links starting where the page sits."""
    template = env.get_template(planned.template)
    base_path = env.base_path if isinstance(env, ThemeEnvironment) else "/"
    links = page_links(planned.url, bool(planned.context.get("root_relative")), base_path)
    return template.render({**shared, **planned.context, "page_url": planned.url, LINKS: links})


def template_problem(exc: Exception, planned: PlannedPage) -> Problem:
    """Return a Problem naming the template file and line of a Jinja error."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not filename:
        filename, line = _template_frame(exc)
    path = Path(filename) if filename else None
    message = getattr(exc, "message", None) or str(exc)
    return error(path, line, f"template error while rendering {planned.url}: {message}",
                 f"fix the template {planned.template}")


def _template_frame(exc: Exception) -> tuple[str | None, int | None]:
    """Return the template file and line of the innermost template frame of a traceback."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".j2")) and Path(name).is_file():
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


__all__ = ["CompiledTemplates", "StaticFile", "Theme", "load_theme", "make_environment", "render_page", "static_files", "template_problem"]
