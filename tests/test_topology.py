"""The site as deployed (docs/deployment.md): nginx with the shipped configuration in front of two
gunicorn nodes with production settings, the newsletter worker and Redis, over the test
database, started once for this module (testing/topology.py). Visitors talk to
nginx over HTTPS; an editor (a `manage.py shell` with the nodes' environment, so purges go out
as they do in production) changes content; nodes are killed, restarted and stopped under load.

The loads run wrk with 32 connections for 20 s around a kill -9, as the deployment's target
says: requests in flight when the node dies, while nginx skips it, and once nginx tries it
again. The rolling restart runs the load exactly as long as the two restarts take.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from django.conf import settings

from testing.mail_server import MailServer
from testing.servers import (
    IN_CI,
    NGINX_SITE,
    ROOT,
    Nginx,
    database_url,
    nginx_missing,
    rotating_paths_script,
    start_together,
    wrk,
)
from testing.topology import Topology

pytestmark = pytest.mark.topology

SIGNUP_LIMIT = 3
LOCKOUT_AFTER = 3
# Two visitors on their own machines: loopback has a whole /8, and nginx sees each address.
ALICE, BOB, CAROL = "127.0.0.2", "127.0.0.3", "127.0.0.4"
# nginx retries a node that failed after this long: fail_timeout (5 s in
# deploy/nginx/bostonems.conf), which nginx counts in whole seconds.
NODE_RETRY_SECONDS = 6
PUBLIC_PAGES = ["/", "/divisions/field-operations/", "/videos/"]


def _require_nginx():
    if missing := nginx_missing():
        message = f"nginx or one of its modules is missing ({missing})"
        if IN_CI:
            pytest.fail(f"{message}: .ci/run installs them; CI must run this test.")
        pytest.skip(message)


# --- The shipped files, without running anything -----------------------------------------------


def test_the_shipped_nginx_configuration_passes_nginx_t(tmp_path):
    _require_nginx()
    nginx = Nginx(tmp_path, [8001, 8002], tmp_path / "static", tmp_path / "media")
    assert "test is successful" in nginx.test_config()
    # What the test ran is the shipped file, with only addresses and paths replaced.
    shipped = [line for line in NGINX_SITE.read_text().splitlines() if "listen [::]" not in line]
    rendered = nginx.site_path.read_text().splitlines()
    assert len(rendered) == len(shipped)
    for line, original in zip(rendered, shipped, strict=True):
        if line != original:
            assert re.search(r"listen|server 10\.0|allow|ems\.boston|/(srv|var|etc)/", original)


def test_check_deploy_is_clean_with_the_environment_example(tmp_path):
    env_file = ROOT / "deploy" / "env.example"
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    for line in env_file.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert env["DJANGO_SETTINGS_MODULE"] == "bostonems_site.settings.production"


# --- The running topology -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mail_server():
    with MailServer() as server:
        yield server


@pytest.fixture(scope="module")
def topology(collected_static, database_content, mail_server):
    _require_nginx()
    with Topology(
        database_url=database_url(),
        static_root=collected_static,
        media_root=settings.MEDIA_ROOT,
        EMAIL_URL=mail_server.url,
        NEWSLETTER_SIGNUP_LIMIT=str(SIGNUP_LIMIT),
        AXES_FAILURE_LIMIT=str(LOCKOUT_AFTER),
        PAGE_CACHE_RERENDER_INTERVAL=str(settings.PAGE_CACHE_RERENDER_INTERVAL),
    ) as topology:
        yield topology


EDITOR_LOOP = """
import json, sys, traceback
namespace = {}
print("ready", flush=True)
for line in sys.stdin:
    try:
        exec(json.loads(line), namespace)
        print(json.dumps(["ok", namespace.get("result")], default=str), flush=True)
    except Exception:
        print(json.dumps(["error", traceback.format_exc()]), flush=True)
"""


class Editor:
    """An editor's changes, made by Wagtail's own API in a process with the nodes' environment
    (production settings): each commits, and purges the page cache and nginx as the admin does."""

    def __init__(self, env):
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", EDITOR_LOOP],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout.readline().strip() == "ready"

    def run(self, code):
        """Run `code`; what it left in `result`."""
        self.process.stdin.write(json.dumps(code) + "\n")
        self.process.stdin.flush()
        state, value = json.loads(self.process.stdout.readline())
        assert state == "ok", value
        return value

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def editor(topology):
    editor = Editor(topology.env)
    yield editor
    editor.close()


def get(topology, path, **kwargs):
    return topology.get(path, **kwargs)


def html(response):
    return response.body.decode()


def from_front_cache(response):
    """Whether nginx answered from its micro-cache: fresh, or expired while it fetches anew."""
    return response.getheader("X-Front-Cache") in ("HIT", "UPDATING", "STALE")


def page_urls(editor, model):
    return editor.run(
        "from wagtail.models import Page\n"
        f"result = [p.url for p in Page.objects.live().filter(content_type__model={model!r})"
        ".order_by('path')]"
    )


@pytest.fixture
def nodes_back(topology):
    """Whatever a test does to the nodes, the next test finds both running, and nginx sending
    them requests again: a node that failed a request stays skipped for fail_timeout, and with
    one node skipped a request the other cannot take gets nginx's 503."""
    yield topology.nodes
    stopped = [node for node in topology.nodes if not node.running]
    start_together(stopped)
    if stopped:
        time.sleep(NODE_RETRY_SECONDS)


def test_pages_static_files_and_media_come_through_nginx(topology, editor, committed_site):
    video_page = page_urls(editor, "videopage")[0]
    for path in [*PUBLIC_PAGES, video_page]:
        assert get(topology, path).status == 200, path
        # The second request is answered by nginx's micro-cache.
        assert from_front_cache(get(topology, path)), path
    home = html(get(topology, "/"))

    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home).group(1)
    response = get(topology, stylesheet, headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Encoding") == "gzip"  # collectstatic's .gz, from disk
    # From disk, not from a node: the app would add its security headers.
    assert response.getheader("Content-Security-Policy") is None

    division = html(get(topology, "/divisions/field-operations/"))
    image = re.search(r"/media/images/[^\"\s,]+", division).group(0)
    response = get(topology, image)
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Security-Policy") is None
    # Private documents never come straight from disk: only through Wagtail's view.
    assert get(topology, "/media/documents/anything.pdf").status == 404

    page = get(topology, "/", headers={"Accept-Encoding": "br, gzip"})
    assert page.getheader("Content-Encoding") == "br"
    assert page.getheader("Strict-Transport-Security")  # the app's, over nginx's HTTPS


def test_only_the_app_nodes_may_purge(topology, committed_site):
    def purge(source):
        connection = __import__("http.client").client.HTTPConnection(
            "127.0.0.1", topology.nginx.purge_port, timeout=10, source_address=(source, 0)
        )
        connection.request("PURGE", "/", headers={"Host": "127.0.0.1"})
        status = connection.getresponse().status
        connection.close()
        return status

    assert purge(ALICE) == 403
    assert purge("127.0.0.1") in (200, 404)


def test_a_publish_is_visible_through_nginx_within_10_seconds(topology, editor, committed_site):
    path = "/divisions/field-operations/"
    assert get(topology, path).status == 200
    assert from_front_cache(get(topology, path))
    editor.run(
        "from wagtail.models import Page\n"
        f"page = Page.objects.get(url_path__endswith={path!r}, locale__language_code='en')"
        ".specific\n"
        "page.title = 'Field Operations, published just now'\n"
        "page.save_revision().publish()"
    )
    started = time.monotonic()
    while "published just now" not in html(get(topology, path)):
        assert time.monotonic() - started < 10, "the publish was not visible within 10 s"
        time.sleep(0.2)


def test_nginx_never_keeps_a_nodes_stale_copy(topology, editor, committed_site):
    """While one request renders a page just published, the nodes answer the others with the
    previous copy (X-Cache: STALE). nginx passes it on but must not keep it for its own
    lifetime: the next visitor after the render gets the new page, not the old one for seconds
    more (nor, with every node down, for as long as nginx keeps copies)."""
    path = page_urls(editor, "divisionpage")[1]
    assert get(topology, path).status == 200
    assert from_front_cache(get(topology, path))
    # Another request holds the page's render lock (page_cache/middleware.py), as during a
    # surge; the editor publishes, which purges the page from nginx.
    editor.run(
        "from django.core.cache import cache\n"
        "from django.test import RequestFactory\n"
        "from wagtail.models import Page\n"
        "from page_cache.middleware import LOCK_KEY_PREFIX, _entry_key\n"
        f"request = RequestFactory().get({path!r}, secure=True, HTTP_HOST='127.0.0.1',"
        " HTTP_X_FORWARDED_PROTO='https')\n"
        "lock = LOCK_KEY_PREFIX + _entry_key(request)\n"
        "assert cache.add(lock, 1, timeout=10)\n"
        f"page = Page.objects.get(url_path__endswith={path!r}, locale__language_code='en')"
        ".specific\n"
        "page.title = 'Renamed while a node renders'\n"
        "page.save_revision().publish()"
    )
    for _ in range(2):
        response = get(topology, path)
        assert response.getheader("X-Cache") == "STALE"
        assert not from_front_cache(response), "nginx kept the node's stale copy"
    editor.run("cache.delete(lock)")  # the render finished
    assert "Renamed while a node renders" in html(get(topology, path))


def test_a_settings_change_is_visible_through_nginx_within_10_seconds(
    topology, editor, committed_site
):
    """Not a page: every page may show it (here the footer), so nginx is purged of everything.
    Within the same bound as a publish: a node may answer the first request after the purge
    with its previous copy while it renders the new one."""
    for path in PUBLIC_PAGES:
        get(topology, path)
        assert from_front_cache(get(topology, path)), path
    editor.run(
        "from bostonems_site.models import SiteSettings\n"
        "settings = SiteSettings.objects.get()\n"
        "settings.main_phone = '617-555-0199'\n"
        "settings.save()"
    )
    started = time.monotonic()
    for path in PUBLIC_PAGES:
        while 'href="tel:6175550199"' not in html(get(topology, path)):
            assert time.monotonic() - started < 10, f"{path}: not visible within 10 s"
            time.sleep(0.2)


def _signup_status(topology, source, forwarded_for=None, email=""):
    headers = {
        "Origin": topology.url,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = f"email={email}&interests=news-and-events&source=/sign-up/&website=" if email else ""
    response = topology.get(
        "/newsletter/signup/", method="POST", body=body, headers=headers, source_address=source
    )
    return response.status


def test_each_client_behind_nginx_has_its_own_sign_up_limit(topology, committed_site):
    """An empty form is refused (400) and stores nothing; the limit answers 429 before it."""
    assert [_signup_status(topology, ALICE) for _ in range(SIGNUP_LIMIT + 1)] == [400] * (
        SIGNUP_LIMIT
    ) + [429]
    assert _signup_status(topology, BOB) == 400
    # Alice writes her own X-Forwarded-For: a new address each time, or Bob's. Still Alice.
    forged = ["198.51.100.7", "198.51.100.8", BOB]
    assert [_signup_status(topology, ALICE, header) for header in forged] == [429] * 3
    remaining = SIGNUP_LIMIT - 1
    assert [_signup_status(topology, BOB) for _ in range(remaining + 1)] == [400] * remaining + [
        429
    ]


class Browser:
    """A visitor's browser at `source` talking to nginx: its cookies, and what it writes in
    X-Forwarded-For, if anything."""

    def __init__(self, topology, source, forwarded_for=None):
        self.topology = topology
        self.source = source
        self.forwarded_for = forwarded_for
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        response = self.topology.get(
            path, method=method, body=body, headers=headers, source_address=self.source
        )
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        return response

    def sign_in(self, username, password):
        """302 signed in, 200 wrong password, 429 locked out."""
        from wagtail.test.utils.form_data import querydict_from_html

        form = querydict_from_html(
            html(self.request("GET", "/admin/login/")), form_index=0, exclude_csrf=False
        )
        form.update({"username": username, "password": password})
        response = self.request(
            "POST",
            "/admin/login/",
            body=form.urlencode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"{self.topology.url}/admin/login/",
            },
        )
        return response.status


def test_each_client_behind_nginx_has_its_own_admin_lockout(topology, editor, committed_site):
    password = "a long moderator password"
    editor.run(
        "from django.contrib.auth import get_user_model\n"
        "get_user_model().objects.create_superuser("
        f"'moderator', 'mod@example.org', {password!r})"
    )
    # Alice claims to be Bob, hoping to lock the moderator (Bob) out.
    alice = Browser(topology, ALICE, forwarded_for=BOB)
    statuses = [alice.sign_in("moderator", "guess") for _ in range(LOCKOUT_AFTER)]
    assert statuses == [200] * (LOCKOUT_AFTER - 1) + [429]
    assert Browser(topology, ALICE).sign_in("moderator", password) == 429
    assert Browser(topology, BOB).sign_in("moderator", password) == 302
    # The app records each client by its own address, never the one Alice wrote: the failed
    # attempts (django-axes, shown in the admin) are Alice's, the sign-in is Bob's.
    attempts, sign_ins = editor.run(
        "from axes.models import AccessAttempt, AccessLog\n"
        "result = [sorted({a.ip_address for a in AccessAttempt.objects.all()}),"
        " sorted({a.ip_address for a in AccessLog.objects.all()})]"
    )
    assert attempts == [ALICE]
    assert sign_ins == [BOB]


def test_the_worker_sends_queued_mail_while_a_node_is_down(
    topology, mail_server, committed_site, nodes_back
):
    topology.nodes[0].kill()
    # Pages still answer from the other node: a GET that meets the dead node is passed on, and
    # nginx then skips that node. A form posted at the very moment a node dies may get the
    # designed 503 instead (nginx never sends a POST twice); one posted once nginx knows
    # is taken by the other node.
    for number in range(4):
        assert get(topology, f"/?node-down={number}").status == 200
    address = "worker.test@example.org"
    status = _signup_status(topology, CAROL, email=address)
    assert status == 302
    deadline = time.monotonic() + 30
    while address not in mail_server.recipients():
        assert time.monotonic() < deadline, "the confirmation email was not sent within 30 s"
        time.sleep(0.2)


def _load_paths(topology, editor, workdir):
    """The paths wrk asks for in turn. Every request reaches a node: a query string the page
    ignores keeps nginx from answering it from its micro-cache (which would hide the node
    failing)."""
    if shutil.which("wrk") is None:
        if IN_CI:
            pytest.fail("wrk is missing: .ci/run installs it; CI must run this test.")
        pytest.skip("wrk is missing (apt-get install -y wrk)")
    paths = [*PUBLIC_PAGES, page_urls(editor, "videopage")[0], "/news/"]
    script = rotating_paths_script([f"{path}?load=1" for path in paths], workdir)
    for path in paths:
        assert get(topology, f"{path}?load=1").status == 200
    return script


def _nginx_errors(topology):
    return "\n".join(topology.nginx.log_path.read_text().splitlines()[-30:])


def test_kill_9_of_a_node_under_load_fails_no_request(
    topology, editor, committed_site, nodes_back, tmp_path
):
    script = _load_paths(topology, editor, tmp_path)

    def kill_one_node():
        time.sleep(2)
        topology.nodes[0].kill()
        time.sleep(18)

    result = wrk(topology.url + "/", connections=32, seconds=30, script=script, until=kill_one_node)
    assert result["requests"] > 100
    assert result["errors"] == 0, result["output"] + _nginx_errors(topology)


def test_a_rolling_restart_under_load_fails_no_request(
    topology, editor, committed_site, nodes_back, tmp_path
):
    script = _load_paths(topology, editor, tmp_path)

    def restart_each_node():
        """As docs/deployment.md says: stop a node (SIGTERM: gunicorn finishes what it is
        serving), start it, and once it answers wait until nginx tries it again."""
        time.sleep(1)
        for node in topology.nodes:
            node.restart()
            time.sleep(NODE_RETRY_SECONDS)

    result = wrk(
        topology.url + "/", connections=32, seconds=120, script=script, until=restart_each_node
    )
    assert result["requests"] > 100
    assert result["errors"] == 0, result["output"] + _nginx_errors(topology)


def _take_down(editor, path, action):
    editor.run(
        "from wagtail.models import Page, PageViewRestriction\n"
        f"page = Page.objects.get(url_path__endswith={path.strip('/').split('/')[-1] + '/'!r})\n"
        + {
            "unpublish": "page.unpublish()",
            "delete": "page.delete()",
            "restrict": "PageViewRestriction.objects.create(page=page, "
            "restriction_type='password', password='secret')",
        }[action]
    )


def test_take_downs_are_never_served_from_nginx_not_even_with_both_nodes_down(
    topology, editor, committed_site, nodes_back
):
    news = page_urls(editor, "newspage")
    # A new restriction first: the others purge everything, which would hide a restriction that
    # purged nothing.
    taken_down = dict(zip(["restrict", "unpublish", "delete"], news[:3], strict=True))
    titles = {}
    for path in taken_down.values():
        assert get(topology, path).status == 200
        assert from_front_cache(get(topology, path)), path
        titles[path] = re.search(r"<h1[^>]*>([^<]+)</h1>", html(get(topology, path))).group(1)

    for action, path in taken_down.items():
        _take_down(editor, path, action)
        # Straight after the editor's action, nginx does not answer from its copy.
        response = get(topology, path)
        assert not from_front_cache(response), action
        assert titles[path] not in html(response), action
    assert get(topology, taken_down["unpublish"]).status == 404
    assert get(topology, taken_down["delete"]).status == 404

    # The public pages are in nginx's cache again (the take-downs purged everything) ...
    for path in PUBLIC_PAGES:
        assert get(topology, path).status == 200
    never_cached = news[3]
    for node in topology.nodes:
        node.stop()
    # ... and with no node running, nginx answers them itself,
    for path in PUBLIC_PAGES:
        response = get(topology, path)
        assert response.status == 200, path
        for title in (titles[taken_down["unpublish"]], titles[taken_down["delete"]]):
            assert title not in html(response)
    # but never a page that was taken down: its 404, stored for seconds, or the designed 503 ...
    for path in taken_down.values():
        response = get(topology, path)
        assert titles[path] not in html(response), path
        assert response.status in (404, 503) or (
            path == taken_down["restrict"] and "password" in html(response).lower()
        ), path
    # ... and for a page it never stored, the designed 503.
    response = get(topology, never_cached)
    assert response.status == 503
    assert response.getheader("Retry-After") == "30"
    assert "This page is not available right now" in html(response)


def test_topology_script_names_the_packages_to_install_when_a_module_is_missing(tmp_path):
    """With the nginx modules not where Debian puts them, `up` stops at once with the apt-get
    line to run."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "scripts/topology.py", "up"],
        cwd=ROOT,
        env={**os.environ, "NGINX_MODULES": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert (
        "apt-get install -y libnginx-mod-http-cache-purge libnginx-mod-http-brotli-filter"
        in result.stderr
    )
