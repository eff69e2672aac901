"""``make site``: the lessons as a static website, with their outputs, for reading without running.

Each lesson notebook is executed by Sphinx with myst-nb into HTML, figures and printed text in
place. A panel cannot work on a static page, so while the site is built a lesson's panel shows the
text interface's view instead: the statements the panel asks about and each field's choices with
their definitions, never the key's answers or rationales. Worksheets and solutions are left out,
so no page gives a graded answer away. Offline: nothing is fetched.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..core.plan import LESSONS
from ..storage.location import ANSWERS_DIR_ENV, SITE_ENV

#: How the folder the site is built in is named (the test checks no page shows it to a reader).
BUILD_FOLDER_PREFIX = "attribution-lab-site-"

#: The notebooks the site shows, in the order of its contents: the lessons, then the instructors' two.
EXTRA_NOTEBOOKS = ("10_instructor_class_report.ipynb", "11_making_a_case.ipynb")

CONF = """
project = "Attribution Lab"
extensions = ["myst_nb"]
nb_execution_mode = "force"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_merge_streams = True
html_theme = "alabaster"
html_title = "Attribution Lab: who said this, and how would you know?"
html_theme_options = {"page_width": "1180px", "sidebar_width": "240px"}
html_static_path = ["_static"]
html_css_files = ["site.css"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
suppress_warnings = ["mystnb.unknown_mime_type"]
"""


def site_notebooks(root: Path) -> list[Path]:
    """The notebooks the site shows, in order (those that exist in ``root``/notebooks)."""
    folder = root / "notebooks"
    lessons = sorted(p for p in folder.glob("0*.ipynb"))
    return [*lessons, *(folder / name for name in EXTRA_NOTEBOOKS if (folder / name).is_file())]


def _index(notebooks: list[Path]) -> str:
    minutes = sum(item.minutes for item in LESSONS)
    lines = ["# Attribution Lab", "",
             "A teaching module on source attribution in the news: who said this, through whom did it reach",
             "me, and how much should I trust it? These pages show the lessons as they run, for reading",
             "without installing anything. To answer the questions, open the notebooks in JupyterLab",
             "(`make lab`) or on Binder: the panels there check each answer against the answer key.",
             f"The lessons take about {minutes} minutes in all.", "",
             "```{toctree}", ":maxdepth: 1", ""]
    lines += [f"notebooks/{p.stem}" for p in notebooks]
    lines += ["```", ""]
    return "\n".join(lines)


def build_site(root: Path, out: Path) -> Path:
    """Build the site of the module in ``root`` into ``out`` (replaced); returns its index page.

    Raises RuntimeError with Sphinx's output when the build fails (a lesson cell that raises fails it).
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    with tempfile.TemporaryDirectory(prefix=BUILD_FOLDER_PREFIX) as work:
        source = Path(work) / "source"
        (source / "notebooks").mkdir(parents=True)
        notebooks = site_notebooks(root)
        for notebook in notebooks:
            shutil.copy2(notebook, source / "notebooks" / notebook.name)
        # the kernels save answers as a student's would: into a folder of the build, not a student's file
        (source / "exercises").mkdir()
        (source / "conf.py").write_text(CONF, encoding="utf-8")
        (source / "_static").mkdir()
        # printed text is 88 characters wide: small enough type to fit, and wrapped rather than cut
        (source / "_static" / "site.css").write_text("pre { font-size: 0.78em; white-space: pre-wrap; }\n", encoding="utf-8")
        (source / "index.md").write_text(_index(notebooks), encoding="utf-8")
        env = dict(os.environ, **{SITE_ENV: "1", ANSWERS_DIR_ENV: str(Path(work) / "answers"),
                                  "MPLBACKEND": "agg"})
        build = Path(work) / "html"
        # The notebooks run on every core (sphinx -j: a failed build still names the notebook).
        run = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-j", "auto", str(source), str(build)],
                             capture_output=True, text=True, env=env, timeout=1800)
        if run.returncode != 0:
            raise RuntimeError(f"the site did not build:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(build, out)
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    """``python -m attribution_lab.authoring.site [ROOT] [OUT]``: build the site, print its index page."""
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path.cwd()
    out = Path(args[1]) if len(args) > 1 else root / "site"
    try:
        page = build_site(root, out)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps({"index": str(page)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
