"""Reads for the working pages: tickets and who sees them, tasks and queues, errors."""
