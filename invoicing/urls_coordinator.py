from django.urls import path

from invoicing.views import invoices, payments

app_name = "invoicing_coordinator"
urlpatterns = [
    path("", invoices.invoice_list, name="list"),
    path("run/", invoices.invoice_run, name="run"),
    path("<int:pk>/", invoices.invoice_detail, name="detail"),
    path("<int:pk>/credit/", invoices.invoice_credit, name="credit"),
    path("<int:pk>/pdf/", invoices.invoice_pdf, name="pdf"),
    path("<int:pk>/finvoice/", invoices.invoice_finvoice, name="finvoice"),
    path("payments/", payments.payment_list, name="payments"),
    path("payments/import/", payments.payment_import, name="payment_import"),
    path("payments/<int:pk>/allocate/", payments.payment_allocate, name="allocate"),
]
