import datetime
import io

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PillowImage

from media.models import Image, MediaContact
from media.services import image_process
from newsroom.models import PressRelease, ReleaseImage, ReleasePerson, Topic
from organisations.models import Organisation
from people.models import Person, Position


def jpeg_bytes(size=(64, 48), color=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.NGO
    about = factory.LazyAttribute(lambda o: f"<p>{o.name} arbejder for noget godt.</p>")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person Nummer {n}")
    birth_year = 1970


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    title = "direktør"
    kind = Position.Kind.EMPLOYMENT


class MediaContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaContact

    name = factory.Sequence(lambda n: f"Kontakt {n}")
    title = "pressechef"
    is_listed = True
    phone = "+45 12 34 56 78"
    email = factory.Sequence(lambda n: f"kontakt{n}@example.org")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image
        skip_postgeneration_save = True

    file = factory.LazyFunction(lambda: ContentFile(jpeg_bytes(), name="photo.jpg"))
    title = factory.Sequence(lambda n: f"Foto {n}")
    alt_text = "Et rødt billede"
    credit = "Fotograf Fotografsen"

    @factory.post_generation
    def renditions(obj, create, extracted, **kwargs):
        if create:
            image_process(image=obj)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    name = factory.Sequence(lambda n: f"Emne {n}")


class PressReleaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PressRelease
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Pressemeddelelse nummer {n}")
    lead = "En kort indledning."
    body = "<p>Brødtekst.</p>"
    status = PressRelease.Status.PUBLISHED
    publish_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=PressRelease.Status.DRAFT, publish_at=None)
        scheduled = factory.Trait(
            status=PressRelease.Status.SCHEDULED,
            publish_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def people(obj, create, extracted, **kwargs):
        for order, person in enumerate(extracted or []):
            ReleasePerson.objects.create(release=obj, person=person, order=order)

    @factory.post_generation
    def photos(obj, create, extracted, **kwargs):
        for order, image in enumerate(extracted or []):
            ReleaseImage.objects.create(release=obj, image=image, order=order)
