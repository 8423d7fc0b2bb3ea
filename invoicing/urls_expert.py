"""The expert's own payments, mounted at /payments/."""

from django.urls import path

from invoicing.views import expert

app_name = "invoicing_expert"
urlpatterns = [
    path("", expert.payments_home, name="home"),
    path("summary/", expert.yearly_summary, name="summary"),
    path("<int:pk>/", expert.statement_detail, name="statement"),
    path("<int:pk>/pdf/", expert.statement_download, name="pdf"),
    path("gigs/<int:pk>/later/", expert.fee_move, name="move"),
]
