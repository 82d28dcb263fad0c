from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsroom.managers import organisations_with_releases, public_topics
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

    language = forms.ChoiceField(
        label=_("Alerts in"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("A release that has a version in this language is sent in it."),
    )

    class Meta:
        model = Subscription
        fields = ["all_releases", "topics", "organisations", "language"]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "organisations": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("language", get_language() or "da")  # the page's
        self.fields["topics"].queryset = public_topics()
        self.fields["topics"].label_from_instance = lambda topic: topic.shown_name
        self.fields["organisations"].queryset = organisations_with_releases()

    def clean_language(self):
        # Not given (an older form, a script): the language of the page signed up on.
        asked = self.cleaned_data.get("language")
        return asked or (self.instance.language if self.instance.pk else get_language())

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
        fields = ["email", "all_releases", "topics", "organisations", "language"]

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

    def __init__(self, *args, state=None, **kwargs):
        """`state`: the request's public_state, under which the options are kept in this
        process (reading them means reading every release's date and every organisation)."""
        super().__init__(*args, **kwargs)
        self.state = state
        self.fields["emne"].queryset = public_topics()
        self.fields["organisation"].queryset = organisations_with_releases()
        self.fields["aar"].choices = self._year_choices

    def _kept(self, key, compute):
        from newsroom.parts import kept_in_process

        if self.state is None:
            return compute()
        return kept_in_process(self.state, ("filter-options", *key), compute)

    def _year_choices(self):
        # A callable: the years are read when the form is shown or checked, never twice.
        if not hasattr(self, "_years"):
            published = PressRelease.objects.published()
            self._years = self._kept(
                ("years",),
                lambda: [day.year for day in published.dates("publish_at", "year", order="DESC")],
            )
        return [("", _("All years"))] + [(year, str(year)) for year in self._years]

    def select_options(self):
        """Each filter with its options as (value, label, selected, language of the label or
        None), for the template to write out in one loop: Django's widget templates took a
        third of the index page's time."""
        language = get_language()
        topics = self._kept(
            ("topics",),
            lambda: list(self.fields["emne"].queryset.values_list("slug", "name", "name_en")),
        )
        organisations = self._kept(
            ("organisations",),
            lambda: list(self.fields["organisation"].queryset.values_list("slug", "name")),
        )
        options = {
            # A topic by its name in the page's language, else the Danish one (marked).
            "emne": [
                (slug, name_en, "en") if language == "en" and name_en else (slug, name, "da")
                for slug, name, name_en in topics
            ],
            # Organisations have Danish names only: marked as Danish on English pages.
            "organisation": [(slug, name, "da") for slug, name in organisations],
            "aar": [(str(value), label, None) for value, label in self._year_choices()[1:]],
        }
        for name, choices in options.items():
            field = self[name]
            chosen = str(self.data.get(name, "")) if self.is_bound else ""
            empty_label = field.field.empty_label if name != "aar" else _("All years")
            empty = ("", empty_label, not chosen, None)
            yield field, [empty, *((v, label, v == chosen, lang) for v, label, lang in choices)]

    def filter(self, releases):
        data = self.cleaned_data
        if data.get("emne"):
            releases = releases.filter(topics=data["emne"])
        if data.get("organisation"):
            releases = releases.about(data["organisation"])
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
