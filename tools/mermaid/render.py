"""Draw Mermaid text as SVG and PNG with Mermaid itself, in headless Chromium, offline.

    python tools/mermaid/render.py DIAGRAM.mmd OUT.png        # or OUT.svg
    pop packs graph vdab | python tools/mermaid/render.py - docs/vdab-lifecycle.png

Needs ``chromium`` (or ``$CHROMIUM``) and ``npm install --no-package-lock`` in this folder
(mermaid's ``dist/mermaid.min.js`` is loaded from ``node_modules``, never from the network).
Used to make the pictures in ``docs/``; not needed to run or test pop.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>body{{margin:0;background:white}}</style></head>
<body><div id="out"></div>
<script src="{script}"></script>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "strict", theme: "default",
                     fontFamily: "DejaVu Sans, Arial, sans-serif"}});
mermaid.render("diagram", {text}).then(
  (r) => {{ document.getElementById("out").innerHTML = r.svg; document.title = "done"; }},
  (e) => {{ document.getElementById("out").textContent = "ERROR " + e; }});
</script></body></html>
"""


def chromium() -> str:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)  # type: ignore[return-value]
    sys.exit("render.py: no chromium found (set CHROMIUM)")


def run_browser(*args: str) -> str:
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--allow-file-access-from-files", "--hide-scrollbars",
               "--virtual-time-budget=20000", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        sys.exit(f"render.py: chromium failed: {result.stderr[-2000:]}")
    return result.stdout


def render_svg(text: str, work: Path) -> str:
    script = HERE / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    if not script.is_file():
        sys.exit(f"render.py: {script} is missing: run npm install --no-package-lock in {HERE}")
    page = work / "render.html"
    page.write_text(PAGE.format(script=script.as_uri(), text=json.dumps(text)), encoding="utf-8")
    dom = run_browser("--dump-dom", page.as_uri())
    match = re.search(r"<svg.*</svg>", dom, re.S)
    if not match:
        error = re.search(r"ERROR[^<]*", dom)
        sys.exit(f"render.py: Mermaid did not draw it: {error.group(0) if error else dom[-500:]}")
    svg = match.group(0)
    # an SVG file needs a namespace for <br> inside labels (HTML in foreignObject)
    return re.sub(r"<br>", "<br/>", svg)


def render_png(svg: str, work: Path, out: Path, scale: float = 1.5) -> None:
    box = re.search(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"', svg)
    width, height = (int(float(box.group(3))) + 2, int(float(box.group(4))) + 2) if box else (
        1200, 1600)
    page = work / "png.html"
    sized = re.sub(r'style="max-width: [\d.]+px;?"', f'width="{width}" height="{height}"', svg,
                   count=1)
    page.write_text('<!doctype html><html><head><meta charset="utf-8"><style>'
                    'body{margin:0;background:white}</style></head><body>'
                    f"{sized}</body></html>", encoding="utf-8")
    run_browser(f"--window-size={width},{height}", f"--force-device-scale-factor={scale}",
                f"--screenshot={out}", page.as_uri())


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        sys.exit(__doc__)
    source, target = argv
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    out = Path(target)
    if out.suffix not in (".png", ".svg"):
        sys.exit("render.py: write a .png or an .svg file")
    with tempfile.TemporaryDirectory() as tmp:
        svg = render_svg(text, Path(tmp))
        if out.suffix == ".svg":
            out.write_text(svg + "\n", encoding="utf-8")
        else:
            render_png(svg, Path(tmp), out.resolve())
    print(f"written: {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
