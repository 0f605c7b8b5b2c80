"""Test infrastructure shared by every app's tests, the site-wide tests and the scripts
(`make bench`, the topology): real servers (gunicorn, PostgreSQL, Redis, a mail listener), the
database states tests start from, and the checkers for HTML, feeds and structured data.

Nothing outside tests and scripts imports it."""
