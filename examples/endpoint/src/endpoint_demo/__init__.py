"""endpoint-demo: an inference pipeline around a given model endpoint."""
