"""Machine-readable files of a build: robots.txt and the sitemap. Site in, bytes out."""

from __future__ import annotations

from xml.sax.saxutils import escape

from generator.pages import PlannedPage
from generator.site import Site
from generator.urls import absolute


def robots_txt(site: Site) -> bytes:
    """Return robots.txt: the journal asks every crawler to stay away."""
    if site.audience == "journal":
        return b"User-agent: *\nDisallow: /\n"
    sitemap = absolute(site.config.base_url, "/sitemap.xml")
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap}\n".encode()


def sitemap_xml(site: Site, planned: list[PlannedPage]) -> bytes:
    """Return the sitemap of every listed page (never unlisted or noindex ones)."""
    lastmod = {p.url: p.date for p in (*site.listed, *site.pages) if p.date}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for item in planned:
        if item.context.get("noindex") or not item.path.endswith(".html") or item.path == "404.html":
            continue
        lines.append(f"  <url><loc>{escape(absolute(site.config.base_url, item.url))}</loc>")
        if item.url in lastmod:
            lines.append(f"    <lastmod>{lastmod[item.url].date().isoformat()}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()
