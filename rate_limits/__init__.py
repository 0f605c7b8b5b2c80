"""Infrastructure: how many requests each client made in a time window (the newsletter sign-up,
the admin's password reset). It imports nothing from the core or the content apps, which
import it."""
