"""The Panel dashboard: one `DashboardState` (state.py) shared by small components, one per mode or view; `app.py`
composes them into the page and serves it (with the API, or on its own with `panel serve dashboard.py`)."""
