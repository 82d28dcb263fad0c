from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.managers import public_topics
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
        self.fields["topics"].queryset = public_topics()
        published = PressRelease.objects.published()
        self.fields["organisations"].queryset = Organisation.objects.filter(
            Q(pk__in=published.values("organisations")) | Q(pk__in=published.values("byline"))
        )

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


class ReleaseFilterForm(forms.Form):
    """The index's filters. Slugs and a year in the URL, so filtered lists can be linked."""

    emne = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All organisations"),
    )
    aar = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["emne"].queryset = public_topics()
        published = PressRelease.objects.published()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            Q(pk__in=published.values("organisations")) | Q(pk__in=published.values("byline"))
        )
        years = [day.year for day in published.dates("publish_at", "year", order="DESC")]
        self.fields["aar"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]

    def filter(self, releases):
        data = self.cleaned_data
        if data.get("emne"):
            releases = releases.filter(topics=data["emne"])
        if data.get("organisation"):
            organisation = data["organisation"]
            releases = releases.filter(
                Q(pk__in=PressRelease.objects.filter(organisations=organisation).values("pk"))
                | Q(byline=organisation)
            )
        if data.get("aar"):
            releases = releases.filter(publish_at__year=data["aar"])
        return releases

    def query_string(self) -> str:
        """The active filters as a query string, for pagination links."""
        if not self.is_valid():
            return ""
        params = {}
        if self.cleaned_data.get("emne"):
            params["emne"] = self.cleaned_data["emne"].slug
        if self.cleaned_data.get("organisation"):
            params["organisation"] = self.cleaned_data["organisation"].slug
        if self.cleaned_data.get("aar"):
            params["aar"] = self.cleaned_data["aar"]
        return urlencode(params)
