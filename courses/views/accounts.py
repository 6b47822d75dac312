"""Registration, sign in and out, password reset and profile: Django's auth, email as the login."""

from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from allauth.account.utils import perform_login
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited
from wagtail.models import APIToken

from cms.models import PartnershipSettings
from cms.validators import refuse_direction_controls
from courses import services
from courses.forms import ProfileForm, RegistrationForm
from courses.models import AgencyChangeRequest, LearnerProfile, PendingRegistration
from courses.scoping import require_report_viewer
from identity.two_step import has_authenticator, needs_two_step

WORK_ACCOUNT_ONLY = (
    "Sign in with your work account: this partnership has turned off signing in with a password."
)
REGISTER_WITH_WORK_ACCOUNT = (
    "Register by signing in with your work account: this partnership has turned off registering "
    "with a password."
)


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email address",
        max_length=200,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "The email address or password is not right. Check them and try again.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user):
        """Where the partnership has turned passwords off, only superusers may use one: the way
        in if the work-account provider fails (PartnershipSettings.allow_passwords)."""
        super().confirm_login_allowed(user)
        if not user.is_superuser and not PartnershipSettings.for_request(self.request).allow_passwords:
            raise ValidationError(WORK_ACCOUNT_ONLY, code="work_account_only")


# Beside the per-account pause (django-axes), failed sign-ins from one IP address across
# many accounts (trying one common password on each) pause that address. The number is high
# because a council's or a trust's staff may all sign in from one address.
SIGN_IN_FAILURES_PER_IP = "30/h"
TOO_MANY_SIGN_INS = (
    "There have been many unsuccessful sign-ins from your network, so we have paused them for "
    "an hour to keep accounts safe. If you have forgotten your password, reset it."
)


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def _failures_from_here(self, increment=False):
        return get_usage(
            self.request, group="sign-in:ip", key="ip", rate=SIGN_IN_FAILURES_PER_IP, increment=increment
        )

    def post(self, request, *args, **kwargs):
        failures = self._failures_from_here()
        if failures["count"] >= failures["limit"]:
            context = self.get_context_data(form=self.form_class(), problems=[(TOO_MANY_SIGN_INS, "")])
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """allauth's sign-in flow rather than Django's `login`, so that its stages run: someone
        with an authenticator app is asked for a code before the session is signed in."""
        user = form.get_user()
        record_authentication(self.request, user, method="password", email=user.email)
        return perform_login(self.request, user, redirect_url=self.get_success_url())

    def form_invalid(self, form):
        self._failures_from_here(increment=True)
        return super().form_invalid(form)


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """Only a POST signs out (a link or a prefetch must not). The page asks first when someone
    signed in opens it, and afterwards says plainly that they have signed out."""
    if request.method == "POST":
        logout(request)
        return redirect("courses:logout")
    return render(request, "registration/sign_out.html")


# Emails a visitor can make the site send, and accounts one can start: a few per address
# and more per IP address (a council's staff may share one), counted per hour in the shared
# cache. Only complete forms count, so correcting a mistake costs nothing.
PER_EMAIL_RATE = "3/h"
PER_IP_RATE = "20/h"
TOO_MANY = (
    "We have had several requests like this in a short time, so we have paused them for an hour "
    "to keep accounts safe. Check your email first: a message may already be on its way."
)


def _over_limit(request, action, email):
    """Count one request to `action` for this email address and this visitor; True past either limit."""
    by_email = is_ratelimited(
        request, group=f"{action}:email", key=lambda _g, _r: email, rate=PER_EMAIL_RATE, increment=True
    )
    by_ip = is_ratelimited(request, group=f"{action}:ip", key="ip", rate=PER_IP_RATE, increment=True)
    return by_email or by_ip


def _send(request, to, subject, template, context):
    body = render_to_string(template, {"request": request, **context})
    send_mail(subject, body, None, [to])


@require_http_methods(["GET", "POST"])
def register(request):
    """The page after "Create account" is the same whether or not the address has an account:
    a new address is sent a link to confirm it (see `PendingRegistration`), a registered one
    a note to its owner."""
    if request.user.is_authenticated:
        return redirect("courses:my_learning")
    if not PartnershipSettings.for_request(request).allow_passwords:
        # The page says to use a work account instead; a form sent anyway makes nothing.
        if request.method == "POST":
            return render(
                request,
                "registration/register.html",
                {"problems": [(REGISTER_WITH_WORK_ACCOUNT, "")]},
                status=403,
            )
        return render(request, "registration/register.html")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _over_limit(request, "register", data["email"]):
            form.add_error(None, TOO_MANY)
            return render(request, "registration/register.html", {"form": form}, status=429)
        owner = get_user_model().objects.filter(username__iexact=data["email"]).first()
        if owner is not None:
            _send(
                request,
                owner.email,
                "Someone tried to register with your email address",
                "registration/register_existing_email.txt",
                {"user": owner},
            )
        else:
            token = PendingRegistration.start(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                agency=data["agency"],
                job_role=data["job_role"],
                job_role_other=data["job_role_other"] if data["job_role"] == "other" else "",
                team=data["team"],
            )
            _send(
                request,
                data["email"],
                "Confirm your email address for the Safeguarding Learning Hub",
                "registration/register_confirm_email.txt",
                {
                    "first_name": data["first_name"],
                    "link": request.build_absolute_uri(reverse("courses:register_confirm", args=[token])),
                },
            )
        return render(request, "registration/register_check_email.html", {"email": data["email"]})
    return render(request, "registration/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_confirm(request, token):
    """The link in the confirmation email: a GET asks (mail scanners open links), a POST makes
    the account and signs its owner in. The POST locks the registration and deletes it with
    the account's creation, so the same link sent twice at once makes one account; the
    second finds the link used."""
    with transaction.atomic():
        pending = PendingRegistration.objects.live().for_token(token)
        if request.method == "POST":
            pending = pending.select_for_update()
        pending = pending.first()
        if pending is None:  # used, older than a day, or not copied in full
            return render(request, "registration/register_confirm.html", {"broken": True}, status=404)
        taken = get_user_model().objects.filter(username__iexact=pending.email).exists()
        if request.method == "POST":
            pending.delete()
            if not taken:
                try:
                    with transaction.atomic():
                        user = pending.create_account()
                        # Following the link confirmed the address: allauth's record of that.
                        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
                except IntegrityError:  # another link for this address was confirmed at the same moment
                    taken = True
    if request.method == "POST" and not taken:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your account is ready. Welcome to the Safeguarding Learning Hub.")
        return redirect("courses:my_learning")
    return render(
        request,
        "registration/register_confirm.html",
        {"email": pending.email, "taken": taken, "pending": pending},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    learner = LearnerProfile.objects.filter(user=user).select_related("agency").first()
    last_change = (
        AgencyChangeRequest.objects.filter(learner=user).select_related("agency").order_by("-pk").first()
    )
    pending = last_change is not None and last_change.status == AgencyChangeRequest.Status.PENDING
    waiting = last_change if pending else None
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    if learner:
        # While a move waits for approval the form shows the agency and job role asked for,
        # so saving another detail keeps the request as it is.
        wanted = waiting or learner
        initial.update(
            agency=wanted.agency,
            job_role=wanted.job_role,
            job_role_other=wanted.job_role_other,
            team=learner.team,
        )
    form = ProfileForm(request.POST or None, initial=initial, current_email=user.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "agency": data["agency"],
            "job_role": data["job_role"],
            "job_role_other": data["job_role_other"] if data["job_role"] == "other" else "",
        }
        moving = learner is not None and data["agency"] != learner.agency
        with transaction.atomic():
            user.first_name, user.last_name = data["first_name"], data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            if learner is None:
                LearnerProfile.objects.create(
                    user=user, team=data["team"], privacy_accepted_at=timezone.now(), **values
                )
            elif moving:
                # A move to another agency waits for that agency's lead; only the team changes now.
                learner.team = data["team"]
                learner.save(update_fields=["team"])  # saved, so that what counts teams hears of it
                services.request_agency_change(user, **values)
            else:
                learner.team = data["team"]
                for field, value in values.items():
                    setattr(learner, field, value)
                learner.save(update_fields=["team", *values])  # not the names just copied to it
                services.withdraw_agency_change(user)
        if moving:
            messages.success(
                request,
                f"Your details are saved. Your move to {data['agency'].name} waits for one of its leads "
                f"to approve it; until then you stay in {learner.agency.name}.",
            )
        else:
            messages.success(request, "Your details are saved.")
        return redirect("courses:profile")
    return render(
        request,
        "registration/profile.html",
        {
            "form": form,
            "learner": learner,
            "waiting": waiting,
            "last_change": last_change,
            "two_step_on": has_authenticator(user),
            "two_step_needed": needs_two_step(user),
        },
    )


class PasswordResetView(auth_views.PasswordResetView):
    success_url = reverse_lazy("courses:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"

    def form_valid(self, form):
        if _over_limit(self.request, "password-reset", form.cleaned_data["email"].strip().lower()):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("courses:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Leads make and revoke tokens for the reports API; the key is shown once."""
    require_report_viewer(request.user)
    new_key = None
    problems = []
    if request.method == "POST":
        if request.POST.get("revoke", "").isdigit():
            token = APIToken.objects.filter(pk=request.POST["revoke"], user=request.user).first()
            if token:
                token.revoke()
                messages.success(request, f"The token “{token.name}” no longer works.")
            return redirect("courses:api_tokens")
        name = " ".join(request.POST.get("name", "").split())[:60]
        if not name:
            problems = [("Give the token a name, such as the dashboard that will use it.", "name")]
        else:
            try:  # the name is shown on the lead's page, so it may not reorder what follows it
                refuse_direction_controls(name)
            except ValidationError as error:
                problems = [(error.messages[0], "name")]
            else:
                _, new_key = APIToken.create_token(user=request.user, name=name)
    tokens = APIToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created")
    return render(
        request, "registration/api_tokens.html", {"tokens": tokens, "new_key": new_key, "problems": problems}
    )
