"""The standing office's read-only web desk: Starlette pages over the same read model as the chat."""
