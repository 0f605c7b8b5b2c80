from django.core.wsgi import get_wsgi_application

from bostonems_site import environment

# The web server only ever runs production settings, reading the deployment's environment file
# like manage.py does (bostonems_site/environment.py).
environment.configure(default=environment.PRODUCTION)

application = get_wsgi_application()
