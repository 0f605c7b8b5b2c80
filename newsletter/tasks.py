from django_tasks import task

from newsletter.sending import deliver


@task(backend="newsletter")
def send_mailing(mailing_id, base_url=""):
    """Runs in the worker (`manage.py db_worker --backend newsletter`)."""
    return deliver(mailing_id, base_url)
