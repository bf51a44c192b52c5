"""HTTP action tasks: the runner interface the engine hands queued actions to."""
