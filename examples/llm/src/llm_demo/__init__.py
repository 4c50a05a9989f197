"""llm_demo: an inference pipeline around a chat model."""
