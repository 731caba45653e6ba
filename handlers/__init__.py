"""What the bot does with an event. No Flask, no HTTP, no LINE SDK calls in here.

Two layers, imports one way: `handlers.chat` (the conversation) uses the case rules
(`handlers.cases`, `manual`, `routing`, `stats`, `thai`) and never the other way round;
the layers are checked by import-linter (`.importlinter`).
"""
