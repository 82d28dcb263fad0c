"""The "Om <person>" box, written from the person's positions as they stood on one day."""

import datetime
from dataclasses import dataclass, field

from people.models import Person, Position

# Board seats (chairs and vice-chairs included) are listed apart from the roles a person
# works in; a council or committee seat counts as a role.
BOARD_KINDS = {Position.Kind.BOARD, Position.Kind.CHAIR}


@dataclass
class Biography:
    person: Person
    day: datetime.date
    age: int | None
    current_roles: list[Position] = field(default_factory=list)
    board_seats: list[Position] = field(default_factory=list)
    earlier_roles: list[Position] = field(default_factory=list)

    @classmethod
    def for_person(
        cls, person: Person, day: datetime.date, hidden_organisations=frozenset()
    ) -> "Biography":
        # positions.all() so that a prefetch (with organisations) serves it.
        positions = [
            p for p in person.positions.all() if p.organisation_id not in hidden_organisations
        ]
        biography = cls(person=person, day=day, age=person.age_on(day))
        for position in positions:
            if position.is_held_on(day):
                if position.kind in BOARD_KINDS:
                    biography.board_seats.append(position)
                else:
                    biography.current_roles.append(position)
            elif position.has_ended_by(day):
                biography.earlier_roles.append(position)
        # Newest first; undated roles after dated ones.
        biography.earlier_roles.sort(
            key=lambda p: p.end_last_day or p.start or datetime.date.min, reverse=True
        )
        return biography

    @property
    def is_empty(self) -> bool:
        return not (
            self.age
            or self.current_roles
            or self.board_seats
            or self.earlier_roles
            or self.person.bio
        )
