"""The kick_nbdev applications: the REST API (`kick_app.api`) and the Panel dashboard (`kick_app.dashboard`).

Plain Python modules, not exported from notebooks: they are thin layers over the `kick_nbdev` library and ship in the
same distribution, so `api.py` and `dashboard.py` at the top of the checkout are only entry points."""
