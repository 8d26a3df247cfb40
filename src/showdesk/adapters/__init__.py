"""Adapters: storage, bus and clock behind the services' ports."""
