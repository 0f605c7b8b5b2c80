#!/usr/bin/env python
import sys

from bostonems_site import environment

if __name__ == "__main__":
    # Production settings on a deployment, development settings otherwise
    # (bostonems_site/environment.py).
    environment.configure()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
