from django.urls import path

from invoicing.views import fees, invoices, payments

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
    path("fees/", fees.statement_list, name="fee_statements"),
    path("fees/run/", fees.fee_run, name="fee_run"),
    path("fees/<int:pk>/", fees.statement_detail, name="fee_statement"),
    path("fees/<int:pk>/hold/", fees.statement_hold, name="fee_hold"),
    path("fees/<int:pk>/release/", fees.statement_release, name="fee_release"),
    path("fees/<int:pk>/correct/", fees.statement_correct, name="fee_correct"),
    path("fees/batches/", fees.batch_list, name="fee_batches"),
    path("fees/batches/new/", fees.batch_create, name="fee_batch_new"),
    path("fees/batches/<int:pk>/", fees.batch_detail, name="fee_batch"),
    path("fees/batches/<int:pk>/sepa/", fees.batch_sepa, name="fee_batch_sepa"),
    path("fees/batches/<int:pk>/confirm/", fees.batch_confirm, name="fee_batch_confirm"),
    path(
        "fees/batches/<int:pk>/reports-sent/",
        fees.batch_reports_sent,
        name="fee_batch_reports_sent",
    ),
    path(
        "fees/batches/<int:pk>/reports/xml/",
        fees.batch_reports_xml,
        name="fee_batch_reports_xml",
    ),
    path("fees/reports/", fees.report_list, name="fee_reports"),
    path("fees/reports/<int:pk>/xml/", fees.report_xml, name="fee_report_xml"),
    path("fees/reports/<int:pk>/sent/", fees.report_sent, name="fee_report_sent"),
    path("fees/missing/", fees.missing_list, name="fee_missing"),
]
