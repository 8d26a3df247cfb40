"""REST routes under /api/v2, one module per area; each route parses, calls one service, shapes the answer."""
