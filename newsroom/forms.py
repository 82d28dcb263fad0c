from django import forms
from django.utils.translation import gettext_lazy as _

from newsroom.models import PressRelease, Subscription, Topic
from organisations.models import Organisation


class SubscriptionChoicesForm(forms.ModelForm):
    """What to receive: all releases, or chosen topics and organisations."""

    all_releases = forms.TypedChoiceField(
        label=_("What would you like to receive?"),
        choices=[
            (True, _("All press releases")),
            (False, _("Only the topics and organisations I choose")),
        ],
        coerce=lambda value: value in (True, "True"),
        widget=forms.RadioSelect,
        initial=True,
    )

    class Meta:
        model = Subscription
        fields = ["all_releases", "topics", "organisations"]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Topic.objects.all()
        published = PressRelease.objects.published()
        self.fields["organisations"].queryset = Organisation.objects.filter(
            pk__in=published.values("organisations")
        ) | Organisation.objects.filter(pk__in=published.values("byline"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("all_releases") and not (
            cleaned.get("topics") or cleaned.get("organisations")
        ):
            raise forms.ValidationError(
                _("Choose at least one topic or organisation, or all press releases.")
            )
        return cleaned


class SubscribeForm(SubscriptionChoicesForm):
    email = forms.EmailField(label=_("Your e-mail address"))

    class Meta(SubscriptionChoicesForm.Meta):
        fields = ["email", "all_releases", "topics", "organisations"]

    def validate_unique(self):
        # An existing address is handled in the view without saying so on the page.
        pass
