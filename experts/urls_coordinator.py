"""Coordinator pages of the pool, mounted at /coordinator/experts/."""

from django.urls import path

from experts.views import coordinator, erasure, exports, imports

app_name = "experts_coordinator"
urlpatterns = [
    path("", coordinator.expert_list, name="list"),
    path("export/", coordinator.expert_export, name="export"),
    path("new/", coordinator.expert_new, name="new"),
    path("<int:pk>/", coordinator.expert_detail, name="detail"),
    path("<int:pk>/edit/", coordinator.expert_edit, name="edit"),
    path("<int:pk>/data.json", exports.expert_data_download, name="data_export"),
    path("<int:pk>/documents/new/", coordinator.document_new, name="document_new"),
    path("<int:pk>/tax-cards/new/", coordinator.tax_card_new, name="tax_card_new"),
    path("<int:pk>/consent/paper/", coordinator.consent_on_paper, name="consent_paper"),
    path("<int:pk>/consent/withdraw/", coordinator.consent_withdrawn, name="consent_withdraw"),
    path("<int:pk>/invite/", coordinator.invite, name="invite"),
    path("<int:pk>/erase/", erasure.expert_erase, name="erase"),
    path("import/", imports.import_upload, name="import"),
    path(
        "import/template.<str:file_format>",
        imports.import_template_download,
        name="import_template",
    ),
    path("import/<uuid:pk>/", imports.import_preview, name="import_preview"),
    path("import/<uuid:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<uuid:pk>/discard/", imports.import_discard, name="import_discard"),
]
