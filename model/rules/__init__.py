"""The rules of a turn, one phase per module, written once over batched arrays and used by both engines."""
