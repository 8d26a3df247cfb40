"""The drop-in widget's snippet, as the console shows it: one <script> tag from the server, bound to the
deployment, its values escaped as HTML attributes."""

from __future__ import annotations

from showdesk.domain.deployments import Deployment, widget_snippet


def test_the_snippet_loads_the_widget_from_the_server_for_the_deployment() -> None:
    snippet = widget_snippet(Deployment(id="demo-webchat", organization_id="demo", name="Shop"), "https://chat.test")
    tag = snippet.splitlines()[:2]
    assert tag == [
        '<script src="https://chat.test/sdk/widget.js"',
        '        data-organization="demo" data-deployment="demo-webchat" async></script>',
    ]


def test_values_cannot_leave_their_attribute() -> None:
    odd = Deployment(id='x" onload="alert(1)', organization_id="<org>", name="Shop")
    snippet = widget_snippet(odd, "https://chat.test")
    assert 'data-deployment="x&quot; onload=&quot;alert(1)"' in snippet
    assert 'data-organization="&lt;org&gt;"' in snippet
    assert 'onload="' not in snippet
