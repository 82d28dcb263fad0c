"""Keeping a new organisation back until the release that presents it is out.

When a release the public has not seen yet (draft, scheduled, embargoed) names an
organisation the public cannot see either, the organisation is marked `kept_back`: a role
there, added to someone who is already public (often without a date), must not announce it
before the release does (`newsroom.managers.unannounced_organisations`). An organisation the
public could already see - a former employer in a public bio, say - is never kept back, so a
draft about it changes nothing the public sees and gives nothing away.
"""

from newsroom.managers import public_organisations


def keep_back_if_unannounced(release, organisation_id) -> None:
    from organisations.models import Organisation

    if organisation_id is None or release.is_published or release.was_public:
        return
    if public_organisations().filter(pk=organisation_id).exists():
        return
    Organisation.objects.filter(pk=organisation_id, kept_back=False).update(kept_back=True)


def organisation_linked(sender, instance, created, raw=False, **kwargs):
    if not raw:
        keep_back_if_unannounced(instance.release, instance.organisation_id)


def release_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        keep_back_if_unannounced(instance, instance.byline_id)


def organisations_added(sender, instance, action, reverse, pk_set, **kwargs):
    # release.organisations.add(...) writes the links without saving each one.
    if action != "post_add" or not pk_set:
        return
    if reverse:  # organisation.releases.add(release, ...)
        from newsroom.models import PressRelease

        for release in PressRelease.objects.filter(pk__in=pk_set):
            keep_back_if_unannounced(release, instance.pk)
    else:
        for organisation_id in pk_set:
            keep_back_if_unannounced(instance, organisation_id)
