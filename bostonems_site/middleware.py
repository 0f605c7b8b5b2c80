"""Security headers beyond what Django's SecurityMiddleware sends."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with two policies: the strict CONTENT_SECURITY_POLICY for the public site and
    ADMIN_CONTENT_SECURITY_POLICY under the Wagtail admin, whose editor inserts inline scripts
    and styles and frames page previews. A preview is rendered through a dummy request for the
    page's public path (Wagtail flags it `is_dummy`); it belongs to the admin, so it gets the
    admin policy. Views can still override either with django-csp's decorators."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        in_admin = request.path_info.startswith(settings.ADMIN_URL_PREFIX) or getattr(
            request, "is_dummy", False
        )
        if in_admin and not report_only and parts.config is None:
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts


def permissions_policy_header(policy):
    """{"camera": [], "fullscreen": ["self"]} -> 'camera=(), fullscreen=(self)'."""
    return ", ".join(f"{feature}=({' '.join(allow)})" for feature, allow in policy.items())


class PermissionsPolicyMiddleware:
    """Sends Permissions-Policy (settings.PERMISSIONS_POLICY) unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
