"""`make docs`: the notebooks, with their stored outputs (plots, players, tables), as a static HTML site.

Users read the notebooks as the documentation; Quarto (what `nbdev_docs` needs) cannot be installed here, so the site is
nbconvert's HTML, one page per notebook, and an index in notebook order (the overview first). Directive lines (`#| ...`)
and `#| hide` cells are left out, as nbdev's own docs do. The server serves the site at /guide/ when it has been built.

    python -m kick_app.docs --nbs nbs --out _docs
"""
import argparse, html, json, re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

OVERVIEW = "index.ipynb"   # the project's overview notebook (README.md is made from it)

def notebook_order(nbs:Path)->list: # the notebooks to publish: the overview, then 00_core, 01_..., 12_service, 12a_...
    numbered = sorted(p for p in nbs.glob("*.ipynb") if not p.name.startswith("_") and p.name != OVERVIEW)
    return ([nbs / OVERVIEW] if (nbs / OVERVIEW).is_file() else []) + numbered

def title_and_summary(nb)->tuple: # (the first "# " heading, the "> " line under it), for the index
    for cell in nb.cells:
        if cell.cell_type != "markdown": continue
        title = re.search(r"^# (.+)$", cell.source, re.M)
        summary = re.search(r"^> (.+)$", cell.source, re.M)
        if title: return title.group(1).strip(), (summary.group(1).strip() if summary else "")
    return "", ""

def for_readers(nb):
    "`nb` without `#| hide` cells and without directive lines."
    cells = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            if re.match(r"#\|\s*hide\b", cell.source): continue
            cell.source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("#|")).strip("\n")
            if not cell.source and not cell.get("outputs"): continue
        cells.append(cell)
    nb.cells = cells
    return nb

def page_name(path:Path)->str: return "overview.html" if path.name == OVERVIEW else path.stem + ".html"

def build_site(nbs:Path, # folder of the notebooks
               out:Path  # the site's folder (created; its pages replaced)
              )->list:   # the pages written, in index order
    "Render every published notebook to `out/<name>.html` and write `out/index.html` linking them in order."
    out.mkdir(parents=True, exist_ok=True)
    exporter, rows, pages = HTMLExporter(template_name="lab"), [], []
    for path in notebook_order(nbs):
        nb = nbformat.read(path, as_version=4)
        title, summary = title_and_summary(nb)
        body, _ = exporter.from_notebook_node(for_readers(nb), resources={"metadata": {"name": title or path.stem}})
        (out / page_name(path)).write_text(body, encoding="utf-8")
        pages.append(page_name(path))
        rows.append(f"<li><a href='{page_name(path)}'><code>{html.escape(path.stem)}</code> {html.escape(title)}</a>"
                    f"<br><small>{html.escape(summary)}</small></li>")
    index = ("<!doctype html><html><head><meta charset='utf-8'><title>kick_nbdev guide</title>"
             "<style>body{font:16px/1.5 sans-serif;max-width:52em;margin:2em auto;padding:0 1em}li{margin:.6em 0}</style>"
             "</head><body><h1>kick_nbdev: the notebooks</h1><p>The library's source, documentation and tests, in the order "
             f"of its ideas. The REST API's reference is at <a href='../docs'>/docs</a>.</p><ol start='0'>{''.join(rows)}</ol>"
             "</body></html>")
    (out / "index.html").write_text(index, encoding="utf-8")
    (out / "pages.json").write_text(json.dumps(pages))
    return pages

def main(argv=None):
    parser = argparse.ArgumentParser(description="Render the notebooks (with their outputs) to a static HTML site.")
    parser.add_argument("--nbs", default="nbs", help="the notebooks' folder (default nbs)")
    parser.add_argument("--out", default="_docs", help="the site's folder (default _docs)")
    args = parser.parse_args(argv)
    pages = build_site(Path(args.nbs), Path(args.out))
    print(f"{len(pages)} pages + index.html in {args.out}/")

if __name__ == "__main__":
    main()
