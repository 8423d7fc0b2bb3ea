from django.urls import path

from bookings.views import after, feedback, gigs, panels, report_steps

app_name = "bookings_expert"
urlpatterns = [
    path("", gigs.gig_home, name="home"),
    path("past/", gigs.past_gigs, name="past"),
    path("offers/<int:pk>/", gigs.offer_detail, name="offer"),
    path("offers/<int:pk>/accept/", gigs.offer_accept, name="accept"),
    path("offers/<int:pk>/decline/", gigs.offer_decline, name="decline"),
    path("offers/<int:pk>/withdraw/", gigs.assignment_withdraw, name="withdraw"),
    path("answer/<str:token>/", gigs.answer, name="answer"),
    path("<int:pk>/", gigs.gig_detail, name="gig"),
    path("<int:pk>/confirm-time/", gigs.gig_confirm_time, name="confirm_time"),
    path("<int:pk>/report/", after.gig_report, name="report"),
    path("<int:pk>/report/step/<int:step>/", report_steps.gig_report_step, name="report_step"),
    path("receipts/<int:pk>/", after.receipt, name="receipt"),
    path("feedback/", feedback.my_feedback, name="feedback"),
    path("panels/", panels.my_panels, name="panels"),
    path("panels/<int:pk>/", panels.my_panel, name="panel"),
    path("panels/minutes/<int:pk>.pdf", panels.my_minutes_file, name="panel_minutes"),
    path("calendar/reset/", gigs.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", gigs.calendar_feed, name="calendar"),
]
