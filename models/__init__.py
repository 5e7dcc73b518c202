"""The shipped trained model (cleaner.npz), its manifest (cleaner.json) and MODEL_CARD.md."""
