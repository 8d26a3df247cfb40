"""The domain core: entities, rules and state machines. Pure Python: no web, database or Redis code."""
