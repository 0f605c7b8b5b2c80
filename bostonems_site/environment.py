"""Which settings a process runs: production on a deployment, development on a developer's machine,
without anyone having to remember to say so.

`manage.py` used to default to development settings, so the newsletter worker's systemd unit and
the scheduled-publishing cron line, which named no settings module, ran with DEBUG on and a
per-process cache: scheduled go-live and expiry never purged the page cache the web servers
read, and visitors kept getting the old page. Every production command would need the same
line, and one forgotten line is enough.

So a deployment is recognised by what it has and a developer's checkout has not: its
environment file (`.env` beside manage.py, or the file named by ENV_FILE), which holds the
production configuration and secrets (docs/deployment.md), or a SECRET_KEY in the environment
(development settings have their own key; only production needs one from outside). Then every
command run there (`manage.py ...` from cron, systemd, or an operator's shell, and gunicorn)
runs production settings. A DJANGO_SETTINGS_MODULE set in the environment, or in the file,
still wins: `make run` names the development settings, so it keeps working anywhere.

The file is read as systemd's EnvironmentFile= reads it (KEY=value lines); values already in
the environment win over it.
"""

import os
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT = "bostonems_site.settings.dev"
PRODUCTION = "bostonems_site.settings.production"


def configure(default=DEVELOPMENT):
    """Read the deployment's environment file if there is one, and choose the settings module
    (unless one is named): production on a deployment, else `default`."""
    env_file = Path(os.environ.get("ENV_FILE") or BASE_DIR / ".env")
    deployment = env_file.is_file()
    if deployment:
        environ.Env.read_env(env_file)
    deployment = deployment or bool(os.environ.get("SECRET_KEY"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", PRODUCTION if deployment else default)
