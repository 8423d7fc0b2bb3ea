from django.urls import path

from invoicing.views import unit

app_name = "invoicing_unit"
urlpatterns = [
    path("", unit.invoice_list, name="list"),
    path("<int:pk>/", unit.invoice_detail, name="detail"),
    path("<int:pk>/pdf/", unit.invoice_pdf, name="pdf"),
]
