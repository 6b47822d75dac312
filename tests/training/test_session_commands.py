"""The scheduled commands: reminders two days before (each place reminded exactly once, by
however many runs, at once or after a failure) and lapsing offers."""

from smtplib import SMTPRecipientsRefused

from django.core.mail.backends.locmem import EmailBackend


class RefusingBackend(EmailBackend):
    """The in-memory backend, with a mail server that refuses anything to refused@…."""

    def send_messages(self, messages):
        for message in messages:
            if any(to.startswith("refused@") for to in message.to):
                raise SMTPRecipientsRefused({message.to[0]: (550, b"No such mailbox")})
        return super().send_messages(messages)
