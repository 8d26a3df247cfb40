"""ICE helpers: ShowDesk's own STUN responder and TURN REST credentials."""
