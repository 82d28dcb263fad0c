"""Forms for people and their positions: dates typed the way biographies give them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from people.dates import PartialDate, Precision, format_typed, parse_partial
from people.models import Person, Position


class PartialDateField(forms.CharField):
    """One text box for a date known to the year, the month or the day: "2017", "feb 2018",
    "1.2.2018". Cleans into a PartialDate (date, precision), or None when left empty."""

    default_error_messages = {
        "unreadable": _(
            "Cannot read the date “%(value)s”. Write for example 2017, feb 2018 or 1.2.2018."
        ),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("For example 2017, feb 2018 or 1.2.2018"))
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 14, "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return parse_partial(text)
        except ValueError:
            raise ValidationError(
                self.error_messages["unreadable"], code="unreadable", params={"value": text}
            ) from None

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def bound_data(self, data, initial):
        # Shown back as understood ("2018-02-01" as "1.2.2018") when the form comes back
        # with an error elsewhere; an unreadable text stays as typed, to be corrected.
        try:
            return self.to_python(data) or data
        except ValidationError:
            return data

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return format_typed(value.date, value.precision)
        return value


class PositionForm(forms.ModelForm):
    """A position with its start and end each typed in one box; the model keeps each as a
    date (the first day of its period) and a precision."""

    start = PartialDateField(label=capfirst(Position._meta.get_field("start").verbose_name))
    end = PartialDateField(label=capfirst(Position._meta.get_field("end").verbose_name))

    class Meta:
        model = Position
        fields = [
            "title",
            "title_en",
            "organisation",
            "kind",
            "start",
            "end",
            "ended_undated",
            "note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start", "end"):
            value = getattr(self.instance, name)
            if value is not None:
                precision = getattr(self.instance, f"{name}_precision")
                self.initial[name] = PartialDate(value, Precision(precision))

    def clean(self):
        cleaned = super().clean()
        for name in ("start", "end"):
            if name not in cleaned:
                # Unreadable: compared with nothing, not with the stored date, by the model's
                # end-before-start check.
                setattr(self.instance, name, None)
                continue
            date, precision = cleaned[name] or (None, Precision.DAY)
            cleaned[name] = date  # saved into the model field; its precision beside it
            setattr(self.instance, f"{name}_precision", precision)
        return cleaned


# The role rows the board form shows at first: a new board's chair, vice-chair and members,
# and two rows for any other role (suppleant, medarbejderrepræsentant, direktør).
BOARD_ROLES = [
    ("formand", Position.Kind.CHAIR),
    ("næstformand", Position.Kind.CHAIR),
    ("bestyrelsesmedlem", Position.Kind.BOARD),
    ("", Position.Kind.BOARD),
    ("", Position.Kind.BOARD),
]


class RoleRowForm(forms.Form):
    """One role of the board form: its title and kind, the people who get it, and its own
    dates where they differ from the board's. A row without people is left out."""

    title = forms.CharField(label=_("role title"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("kind"), choices=Position.Kind.choices)
    people = forms.ModelMultipleChoiceField(
        label=_("people already in the database"),
        queryset=Person.objects.all(),
        required=False,
    )
    new_people = forms.CharField(
        label=_("new people, one name per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    start = PartialDateField(
        label=capfirst(Position._meta.get_field("start").verbose_name),
        help_text=_("Only where it differs from the board's start above."),
    )
    end = PartialDateField(
        label=capfirst(Position._meta.get_field("end").verbose_name),
        help_text=_("Only where it differs from the board's end above."),
    )

    def clean_new_people(self):
        names = [" ".join(line.split()) for line in self.cleaned_data["new_people"].splitlines()]
        return list(dict.fromkeys(name for name in names if name))

    @property
    def is_used(self) -> bool:
        cleaned = getattr(self, "cleaned_data", {})
        return bool(cleaned.get("people") or cleaned.get("new_people"))

    def clean(self):
        cleaned = super().clean()
        if not self.is_used:
            if cleaned.get("start") or cleaned.get("end"):
                raise ValidationError(
                    _("Choose the people who hold this role, or clear its dates."),
                    code="no_people",
                )
            return cleaned
        if not cleaned.get("title", "").strip():
            self.add_error("title", _("Write the role's title."))
        return cleaned


class GroupPositionForm(forms.Form):
    """A whole board at one organisation in one form: a chair, a vice-chair and members, each
    role with the people who get it, all from the board's dates unless a role has its own."""

    organisation = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organisation.objects.all()
    )
    start = PartialDateField(label=capfirst(Position._meta.get_field("start").verbose_name))
    end = PartialDateField(label=capfirst(Position._meta.get_field("end").verbose_name))
    make_public = forms.BooleanField(
        label=_("show them publicly now"),
        required=False,
        help_text=_(
            "Their pages and their place on the organisation's page show at once. Leave it off "
            "when a release that is not out yet will announce them."
        ),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.roles = [
            RoleRowForm(
                data,
                prefix=f"role-{number}",
                initial={"title": title, "kind": kind},
            )
            for number, (title, kind) in enumerate(BOARD_ROLES)
        ]

    @property
    def media(self):
        return super().media + self.roles[0].media

    def is_valid(self):
        for role in self.roles:
            role.is_valid()  # every row's errors, not just the first's
        # clean() checks each role's dates against the board's, and may add to a row's errors.
        valid = super().is_valid()
        return valid and not any(role.errors for role in self.roles)

    def clean(self):
        cleaned = super().clean()
        used = [role for role in self.roles if role.is_valid() and role.is_used]
        if not used and all(not role.errors for role in self.roles):
            raise ValidationError(_("Choose people from the database or write new names."))
        for role in used:
            start, end = self.dates_of(role, cleaned)
            if start and end:
                probe = Position(
                    start=start.date,
                    start_precision=start.precision,
                    end=end.date,
                    end_precision=end.precision,
                )
                try:
                    probe.clean()
                except ValidationError as error:
                    field = "end" if role.cleaned_data.get("end") else None
                    (role.add_error if field else self.add_error)(field or "end", error.messages)
        return cleaned

    @staticmethod
    def dates_of(role, cleaned):
        """The role's own dates, else the board's."""
        return (
            role.cleaned_data.get("start") or cleaned.get("start"),
            role.cleaned_data.get("end") or cleaned.get("end"),
        )

    def save(self) -> list[tuple[str, list[Position]]]:
        """The positions made, by role title in the form's order: one per person and role; a
        name already in the database is that person."""
        data = self.cleaned_data
        saved = []
        everyone = []
        for role in self.roles:
            if not role.is_used:
                continue
            people = list(role.cleaned_data["people"])
            for name in role.cleaned_data["new_people"]:
                person = Person.objects.filter(name__iexact=name).first() or Person.objects.create(
                    name=name
                )
                if person not in people:
                    people.append(person)
            start, end = self.dates_of(role, data)
            title = role.cleaned_data["title"].strip()
            positions = []
            for person in people:
                position = Position(
                    person=person,
                    organisation=data["organisation"],
                    title=title,
                    kind=role.cleaned_data["kind"],
                    start=start.date if start else None,
                    start_precision=start.precision if start else Precision.DAY,
                    end=end.date if end else None,
                    end_precision=end.precision if end else Precision.DAY,
                )
                position.full_clean()
                position.save()
                positions.append(position)
            everyone += people
            saved.append((title, positions))
        if data["make_public"]:
            Person.objects.filter(pk__in=[person.pk for person in everyone]).update(is_public=True)
        return saved
