"""Registration, sign in and out, password reset and profile: Django's auth, email as the login."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from courses.forms import ProfileForm, RegistrationForm
from courses.models import LearnerProfile


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


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def sign_out(request):
    """Only a POST signs out (a link or a prefetch must not). The page asks first when someone
    signed in opens it, and afterwards says plainly that they have signed out."""
    if request.method == "POST":
        logout(request)
        return redirect("courses:logout")
    return render(request, "registration/sign_out.html")


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("courses:my_learning")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(
                    username=data["email"],
                    email=data["email"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                LearnerProfile.objects.create(user=user, **form.profile_values())
        except IntegrityError:
            form.add_error("email", "An account with this email address already exists.")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready. Welcome to the Safeguarding Learning Hub.")
            return redirect("courses:my_learning")
    return render(request, "registration/register.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    learner = LearnerProfile.objects.filter(user=user).select_related("agency").first()
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    if learner:
        initial.update(
            agency=learner.agency,
            job_role=learner.job_role,
            job_role_other=learner.job_role_other,
            team=learner.team,
        )
    form = ProfileForm(request.POST or None, initial=initial, current_email=user.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user.first_name, user.last_name = data["first_name"], data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
            values = {
                "agency": data["agency"],
                "job_role": data["job_role"],
                "job_role_other": data["job_role_other"] if data["job_role"] == "other" else "",
                "team": data["team"],
            }
            if learner is None:
                from django.utils import timezone

                LearnerProfile.objects.create(user=user, privacy_accepted_at=timezone.now(), **values)
            else:
                LearnerProfile.objects.filter(pk=learner.pk).update(**values)
        messages.success(
            request,
            "Your details are saved. Courses you complete from now on count for the agency you chose.",
        )
        return redirect("courses:profile")
    return render(request, "registration/profile.html", {"form": form, "learner": learner})


password_reset = auth_views.PasswordResetView.as_view(
    success_url=reverse_lazy("courses:password_reset_done"),
    email_template_name="registration/password_reset_email.txt",
)
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("courses:password_reset_complete")
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Leads make and revoke tokens for the reports API; the key is shown once."""
    from wagtail.models import APIToken

    from courses.scoping import require_report_viewer

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
            _, new_key = APIToken.create_token(user=request.user, name=name)
    tokens = APIToken.objects.filter(user=request.user, revoked_at__isnull=True).order_by("-created")
    return render(
        request, "registration/api_tokens.html", {"tokens": tokens, "new_key": new_key, "problems": problems}
    )
