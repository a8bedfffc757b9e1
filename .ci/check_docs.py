"""Check a built documentation site: an executed gallery, plots, offline.

Usage (CI runs it right after the Sphinx build, see ``docs/README.md``)::

    python .ci/check_docs.py docs/_build/html

It fails (exit status 1, one line per problem) when

* a gallery example's thumbnail is sphinx-gallery's placeholder (the
  example was not executed, or drew nothing);
* a gallery example's page shows no figure, unless the example is declared
  figure-less in ``FIGURE_LESS`` below;
* the "Reports and plots" page embeds no image;
* any page references an external script, stylesheet or font (an
  ``http(s)://`` or ``//`` address): the site must work offline.

It needs matplotlib and sphinx-gallery, both in the ``docs`` extra.
"""

import argparse
import html.parser
import os
import re
import struct
import sys
import tempfile
from pathlib import Path

# Gallery examples (file names without ``.py``) allowed to draw no figure.
FIGURE_LESS = frozenset()
GALLERY = "auto_examples"
# Pages that must embed at least one image, relative to the site root.
PAGES_WITH_IMAGES = ("user_guide/reports.html",)

EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# ``url(...)`` and ``@import "..."`` in CSS.
CSS_URL = re.compile(
    r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)['"]""", re.IGNORECASE
)
# <link rel=...> kinds that load a resource into the page.
RESOURCE_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon"}


class _Page(html.parser.HTMLParser):
    """The scripts, links, images and inline styles of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.links, self.images, self.styles = [], [], [], []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            rels = set(attrs.get("rel", "").lower().split())
            if rels & RESOURCE_RELS or attrs.get("as") == "font":
                self.links.append(attrs["href"])
        elif tag == "img":
            self.images.append((attrs.get("src", ""), attrs.get("class", "")))
        elif tag == "style":
            self._in_style = True
        for key, value in attrs.items():
            if key == "style":
                self.styles.append(value)

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def parse_page(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def external_css_urls(text):
    """The external addresses that a piece of CSS loads (fonts, imports)."""
    found = [a or b for a, b in CSS_URL.findall(text)]
    return [url for url in found if EXTERNAL.match(url)]


def check_offline(site):
    """Problems: pages or stylesheets that load something from the network."""
    problems = []
    for path in sorted(site.rglob("*.html")):
        page = parse_page(path)
        rel = path.relative_to(site)
        for url in page.scripts:
            if EXTERNAL.match(url):
                problems.append(f"{rel}: external script {url}")
        for url in page.links:
            if EXTERNAL.match(url):
                problems.append(f"{rel}: external stylesheet or font {url}")
        for url in external_css_urls("\n".join(page.styles)):
            problems.append(f"{rel}: inline style loads {url}")
    for path in sorted(site.rglob("*.css")):
        for url in external_css_urls(
            path.read_text(encoding="utf-8", errors="replace")
        ):
            problems.append(f"{path.relative_to(site)}: loads {url}")
    return problems


def _png_size(path):
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


def is_placeholder(thumbnail):
    """Whether a thumbnail is sphinx-gallery's "no image" placeholder.

    sphinx-gallery makes it by scaling its ``no_image.png`` to the thumbnail
    size; the same scaling here gives the image to compare with, pixel by
    pixel.
    """
    import matplotlib.image
    import numpy as np
    import sphinx_gallery
    from sphinx_gallery.utils import scale_image

    size = _png_size(thumbnail)
    if size is None:
        return False
    static = Path(sphinx_gallery.__file__).parent / "_static"
    with tempfile.TemporaryDirectory() as tmp:
        reference = Path(tmp) / "placeholder.png"
        scale_image(str(static / "no_image.png"), str(reference), *size)
        if reference.read_bytes() == thumbnail.read_bytes():
            return True
        ref, img = (
            matplotlib.image.imread(reference),
            matplotlib.image.imread(thumbnail),
        )
    return ref.shape == img.shape and bool(np.allclose(ref, img, atol=1 / 255))


def check_gallery(site, figure_less=FIGURE_LESS):
    """Problems: examples not executed, or executed without a figure."""
    index = site / GALLERY / "index.html"
    if not index.is_file():
        return [f"{index.relative_to(site)} is missing: no example gallery"]
    problems = []
    thumbnails = [
        src
        for src, _ in parse_page(index).images
        if re.search(r"sphx_glr_.*_thumb\.\w+$", src)
    ]
    if not thumbnails:
        problems.append(f"{GALLERY}/index.html shows no example thumbnails")
    for src in thumbnails:
        name = re.search(r"sphx_glr_(.*)_thumb\.\w+$", src).group(1)
        thumbnail = (index.parent / src).resolve()
        if not thumbnail.is_file():
            problems.append(f"{name}: thumbnail {src} is missing")
        elif is_placeholder(thumbnail):
            problems.append(
                f"{name}: the thumbnail is sphinx-gallery's placeholder (the "
                "example was not executed, or drew no figure)"
            )
        page = site / GALLERY / f"{name}.html"
        if not page.is_file():
            problems.append(f"{name}: page {page.relative_to(site)} is missing")
            continue
        figures = [
            src
            for src, cls in parse_page(page).images
            if re.search(r"\bsphx-glr-(single|multi)-img\b", cls)
        ]
        if not figures and name not in figure_less:
            problems.append(
                f"{name}: the example shows no figure (declare it in "
                "FIGURE_LESS of .ci/check_docs.py if it is meant to draw none)"
            )
        for src in figures:
            if not (page.parent / src).resolve().is_file():
                problems.append(f"{name}: figure {src} is missing")
    return problems


def check_images(site, pages=PAGES_WITH_IMAGES):
    """Problems: pages that should show plots and embed no (existing) image."""
    problems = []
    for rel in pages:
        path = site / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
            continue
        images = [src for src, _ in parse_page(path).images if src]
        local = [
            src
            for src in images
            if not EXTERNAL.match(src) and (path.parent / src).resolve().is_file()
        ]
        if not local:
            problems.append(f"{rel} embeds no image")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built HTML, docs/_build/html")
    args = parser.parse_args(argv)
    site = args.site
    if not (site / "index.html").is_file():
        parser.error(f"{site} has no index.html; build the documentation first")
    problems = check_gallery(site) + check_images(site) + check_offline(site)
    for problem in problems:
        print(problem, file=sys.stderr)
    n_pages = sum(1 for _ in site.rglob("*.html"))
    if problems:
        print(f"check_docs: {len(problems)} problem(s) in {site}", file=sys.stderr)
        return 1
    print(f"check_docs: {site} is fine ({n_pages} pages)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.exit(main())
