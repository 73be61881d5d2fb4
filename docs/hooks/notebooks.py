"""An MkDocs hook: each notebook in ``docs/notebooks/`` shown as a page of the site.

The notebooks are committed without outputs (the tests execute them), so the page is the
notebook's prose and code in order, with a link to download the notebook itself. The page
``notebooks/<name>.md`` is made in memory when the site is built and never committed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

DOCS = Path(__file__).resolve().parents[1]


def notebook_markdown(path: Path) -> str:
    """A notebook's Markdown cells as they are and its code cells as Python blocks."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"]).strip("\n")
        if not source:
            continue
        if cell["cell_type"] == "markdown":
            parts.append(source)
        elif cell["cell_type"] == "code":
            parts.append(f"```python\n{source}\n```")
    note = (
        f'!!! note "A notebook"\n'
        f"    This page is the notebook [`{path.name}`]({path.name}) (download it and run it "
        f'in Jupyter: `pip install "sroi[notebook]"`). The tests run it top to bottom and '
        f"check its figures, so every cell works as shown."
    )
    if parts and parts[0].startswith("# "):
        title, _, rest = parts[0].partition("\n")
        parts[0] = f"{title}\n\n{note}\n{rest}"
    else:
        parts.insert(0, note)
    return "\n\n".join(parts) + "\n"


def on_files(files: Files, config: Any) -> Files:
    """Add a page for every notebook (MkDocs calls this before it reads the nav)."""
    for path in sorted((DOCS / "notebooks").glob("*.ipynb")):
        page = f"notebooks/{path.stem}.md"
        files.append(File.generated(config, page, content=notebook_markdown(path)))
    return files
