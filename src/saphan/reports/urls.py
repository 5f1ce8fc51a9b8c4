from django.urls import path

from saphan.reports import views, views_docs

app_name = "reports"

urlpatterns = [
    path("", views.national, name="national"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("provinces/<str:code>/pdf/", views_docs.province_pdf, name="province_pdf"),
    path("brief/", views_docs.brief, name="brief"),
    path("open-data.csv", views_docs.open_data, name="open_data"),
    path("model-areas/", views_docs.model_area_list, name="model_areas"),
]
