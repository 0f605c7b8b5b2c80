"""The W3C Nu HTML Checker (vnu), the validator behind validator.w3.org/nu, run locally from
the `vnu-jar` npm package (package.json; `npm ci` installs it) on the JVM. Starting the JVM
takes seconds, so all the documents of a test session go to one run."""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

VNU_JAR = Path(
    os.environ.get("VNU_JAR") or settings.BASE_DIR / "node_modules/vnu-jar/build/dist/vnu.jar"
)


def missing_validator():
    """Why the checker can't run here, or None when it can."""
    if shutil.which("java") is None:
        return "java not found (apt-get install -y default-jre-headless)"
    if not VNU_JAR.exists():
        return f"{VNU_JAR} not found (npm ci)"
    return None


def html_errors(documents):
    """`documents` maps a label (the URL and state) to its HTML; returns one line per error,
    'label line N: message (“extract”)'. Warnings are advice, not errors, and are left out."""
    with tempfile.TemporaryDirectory() as folder:
        labels = {}
        for number, (label, html) in enumerate(documents.items()):
            path = Path(folder) / f"{number:04}.html"
            path.write_text(html, encoding="utf-8")
            labels[path.name] = label
        result = subprocess.run(
            ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always"]
            + sorted(str(Path(folder) / name) for name in labels),
            capture_output=True,
            text=True,
            check=True,
            timeout=600,
        )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{labels.get(Path(m.get('url', '')).name, m.get('url'))} line {m.get('lastLine')}: "
        f"{m['message']} (“{m.get('extract', '').strip()}”)"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]
