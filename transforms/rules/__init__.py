"""The language rules: numbers, dates, places, attribution, the casualty and event patterns and their engine.

Vocabularies (``vocab/``) and patterns (``patterns/``) are data; the modules hold the guards and the steps
after matching. Each rule reads one parsed sentence; ``stages.extract`` applies them to a staged batch.
"""
