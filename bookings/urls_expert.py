from django.urls import path

from bookings.views import expert, reports

app_name = "bookings_expert"
urlpatterns = [
    path("", expert.gig_home, name="home"),
    path("past/", expert.past_gigs, name="past"),
    path("offers/<int:pk>/", expert.offer_detail, name="offer"),
    path("offers/<int:pk>/accept/", expert.offer_accept, name="accept"),
    path("offers/<int:pk>/decline/", expert.offer_decline, name="decline"),
    path("offers/<int:pk>/withdraw/", expert.assignment_withdraw, name="withdraw"),
    path("answer/<str:token>/", expert.answer, name="answer"),
    path("<int:pk>/", expert.gig_detail, name="gig"),
    path("<int:pk>/confirm-time/", expert.gig_confirm_time, name="confirm_time"),
    path("<int:pk>/report/", reports.gig_report, name="report"),
    path("receipts/<int:pk>/", reports.receipt, name="receipt"),
    path("feedback/", reports.my_feedback, name="feedback"),
    path("calendar/reset/", expert.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", expert.calendar_feed, name="calendar"),
]
