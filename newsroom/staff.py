"""Staff and their roles: an Editor or a Publisher is made in one step.

The roles are the groups made by migration 0004 ("Editor", "Publisher"); their names stay in
English in the database (code refers to them) and are shown in the admin's language.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ROLES = {"editor": "Editor", "publisher": "Publisher"}
ROLE_LABELS = {"Editor": _("Editor"), "Publisher": _("Publisher")}


def role_label(group: Group) -> str:
    """A group's name in the admin's language."""
    return str(ROLE_LABELS.get(group.name, group.name))


def give_role(user, role: str) -> None:
    """Give a user the role (editor or publisher) and with it access to the admin."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=ROLES[role]))


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj)


class StaffUserAdmin(UserAdmin):
    """Choosing the Editor or Publisher group gives staff status in the same save."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        roles = user.groups.filter(name__in=ROLES.values())
        if roles and not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            self.message_user(
                request,
                gettext("The user %(user)s can now log in to the admin as %(roles)s.")
                % {"user": user.get_username(), "roles": ", ".join(map(role_label, roles))},
                messages.INFO,
            )


class RoleGroupAdmin(GroupAdmin):
    list_display = ["role"]

    @admin.display(description=_("name"), ordering="name")
    def role(self, group):
        return role_label(group)


class StaffAuthenticationForm(AdminAuthenticationForm):
    """A right password on an account without admin access is told so, not that the password
    is wrong."""

    def confirm_login_allowed(self, user):
        if not user.is_active or not user.is_staff:
            raise ValidationError(
                _(
                    "Your user name and password are right, but this account has no access to "
                    "the admin. Ask an administrator to give you the role Editor or Publisher."
                ),
                code="no_admin_access",
            )
        super().confirm_login_allowed(user)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), StaffUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleGroupAdmin)
admin.site.login_form = StaffAuthenticationForm
admin.site.site_header = _("Newsroom")
admin.site.site_title = _("Newsroom administration")
admin.site.index_title = _("Overview")
