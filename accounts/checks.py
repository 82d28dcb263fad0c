from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_is_required(app_configs, **kwargs):
    if settings.NEWSROOM_REQUIRE_MFA:
        return []
    return [
        Warning(
            "Staff sign in with a password alone: NEWSROOM_REQUIRE_MFA is off.",
            hint="Leave NEWSROOM_REQUIRE_MFA unset (or 1) in production.",
            id="accounts.W001",
        )
    ]
