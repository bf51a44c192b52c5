"""Static files build the way production builds them."""

from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    # The manifest storage rewrites every url() and sourceMappingURL it finds; a reference
    # to a file that is not there fails the whole build, and without the manifest every
    # page is a 500 when DEBUG is off.
    with override_settings(STORAGES=PRODUCTION_STORAGES, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        assert "vendor/bootstrap/bootstrap.min.css" in staticfiles_storage.hashed_files
        assert staticfiles_storage.url("vendor/htmx/htmx.min.js") != "/static/vendor/htmx/htmx.min.js"
    assert (tmp_path / "staticfiles.json").is_file()
