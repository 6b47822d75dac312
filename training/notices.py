"""The emails a session sends the people booked on it, each with what they need in hand:
the time and place (or the joining link), and an iCalendar invitation they can add.

Each function is called after the change it announces has committed."""


def booked(booking):
    """A place is confirmed: the confirmation, with the invitation attached."""


def waiting(booking):
    """The session is full: she is on the waiting list."""


def offered(booking):
    """A place freed up and is offered to her until `booking.offered_until`."""


def cancelled_by_person(booking):
    """She gave up her place (or left the waiting list): the invitation is withdrawn."""
