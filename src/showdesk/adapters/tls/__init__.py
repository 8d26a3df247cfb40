"""HTTPS served by ShowDesk itself: the TLS settings, certificates checked before start, the machine's
names and addresses, and the local CA of `serve --tls self-signed`."""
