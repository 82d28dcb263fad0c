from django import forms
from django.utils.translation import gettext_lazy as _


class AppCodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Six digits; a new code every 30 seconds."),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes shown at enrolment; each works once."""

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        help_text=_("Eight letters and digits, as on your list (for example abcd-2345)."),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )
