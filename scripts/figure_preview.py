"""Render figure keyframes side by side to a PNG, for authors to check poses.

    .venv/bin/python scripts/figure_preview.py KEY [KEY ...] --out sheet.png

Each row is one figure: its keyframes as stills, then the still frame, then the
right-side mirror. Needs Chromium (apt-get install chromium).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from backcare.content import FIGURES_DIR
from backcare.core.figure import Figure, frame_points, load_figures, render_svg


def keyframe_svg(figure: Figure, index: int) -> str:
    still = figure.model_copy(update={"still": index})
    return render_svg(still, animated=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("keys", nargs="*", help="pose keys (default: all)")
    parser.add_argument("--out", default="figures.png")
    args = parser.parse_args()
    figures = load_figures(FIGURES_DIR)
    keys = args.keys or sorted(figures)
    rows = []
    for key in keys:
        figure = figures[key]
        frame_points(figure, figure.pose_at(0))
        cells = [keyframe_svg(figure, i) for i in range(len(figure.keyframes))]
        cells.append(render_svg(figure, animated=False, mirrored=True))
        rows.append(f"<h3>{key}</h3><div class=row>{''.join(cells)}</div>")
    html = (
        "<style>body{font:12px sans-serif;margin:8px}.row{display:flex;gap:6px}"
        "svg{width:200px;height:150px}h3{margin:6px 0 2px}</style>" + "".join(rows)
    )
    with tempfile.TemporaryDirectory() as tmp:
        page_path = Path(tmp) / "sheet.html"
        page_path.write_text(html)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 400})
            page.goto(page_path.as_uri())
            page.screenshot(path=args.out, full_page=True)
            browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
