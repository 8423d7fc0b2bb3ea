from django.urls import path

from training.views import public

app_name = "training_public"
urlpatterns = [
    path("", public.apply, name="apply"),
    path("thanks/", public.thanks, name="thanks"),
]
