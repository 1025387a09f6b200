"""Attachments: type and size limits, storage outside the web root, safe download headers."""

from __future__ import annotations

import pytest
from django.conf import settings

from wsis.apps.registry.domain import RegistryError
from wsis.apps.registry.domain.attachments import add_attachment, attachment_path

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def test_type_and_size_are_checked(world, settings):
    with pytest.raises(RegistryError, match="not a PDF, PNG or JPEG"):
        add_attachment(initiative=world.draft, name="report.pdf", content=b"<html><script>alert(1)</script>")
    settings.WSIS_REGISTRY_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(RegistryError, match="limit is 50"):
        add_attachment(initiative=world.draft, name="map.png", content=PNG)


def test_stored_outside_static_and_served_safely(world, client):
    item = add_attachment(initiative=world.published, name='ma"p.png', content=PNG)
    path = attachment_path(attachment=item)
    assert path.read_bytes() == PNG
    assert not str(path).startswith(str(settings.STATIC_ROOT)) and item.name == "map.png"
    response = client.get(f"/en/registry/attachments/{item.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG
