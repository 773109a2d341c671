"""The HTTP service (`copydesk serve`, extra copydesk[serve]): app.py the routes and limits, pool.py the warm
worker processes, openapi.py the API's description."""
