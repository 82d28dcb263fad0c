from django.contrib.admin.apps import AdminConfig


class SecondFactorAdminConfig(AdminConfig):
    """django.contrib.admin, whose default site (admin.site) asks for the second factor."""

    default_site = "accounts.admin_site.SecondFactorAdminSite"
