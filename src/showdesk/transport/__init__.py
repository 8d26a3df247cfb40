"""The ASGI edge: REST routes, WebSocket gateways, static files. Parses, authenticates, calls services."""
