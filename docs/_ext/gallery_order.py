"""Order of the example gallery: the quickstart first, then by file name."""

FIRST = ("quickstart.py",)


class QuickstartFirst:
    """A sphinx-gallery ``within_subsection_order`` sort key."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        rank = FIRST.index(filename) if filename in FIRST else len(FIRST)
        return (rank, filename)

    def __repr__(self):
        return f"<{type(self).__name__}>"
