"""Retake docs/screenshots/: the first screen of each main page type at 1280 and 375 px, from a
running site with the seed content (e.g. `make run`), with the system's Chromium. Colours are
reduced to 128 so the PNGs stay small in the repository.

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

PAGES = {
    "home": "/",
    "division": "/divisions/field-operations/",
    "gallery": "/videos/",
    "video": "/videos/schools-honored-for-life-saving-equipment/",
    "news": "/news/",
    "sign-up": "/sign-up/",
}
VIEWPORTS = {1280: 1000, 375: 1100}  # width: height
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(base_url):
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for width, height in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            for name, path in PAGES.items():
                page.goto(base_url + path)
                page.wait_for_load_state("networkidle")
                out = OUT / f"{name}-{width}.png"
                page.screenshot(path=str(out))
                image = Image.open(out).convert("RGB")
                image.quantize(colors=128, dither=Image.Dither.NONE).save(out, optimize=True)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
