"""active_users' business rules, in four parts: presence (who is here, the EMA), the per-process
live hub (pub/sub fan-out to stream clients), the stream generators (SSE and WebSocket share
them), and share tokens (read-only access for dashboards that cannot send headers).
"""
