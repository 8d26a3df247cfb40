"""Chat delivery latency and throughput of ShowDesk, beside a bare WebSocket relay on the same stack."""
