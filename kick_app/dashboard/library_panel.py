"The sidebar's kick library: favourites (star, rename, export as a zip) and history, kept in the browser (library_panel.js)."
from pathlib import Path

import param
from panel.custom import JSComponent

from kick_app.web import ASSET_PREFIX, assets_version

class LibraryPanel(JSComponent):
    """Favourites and history of the producer's kicks, in the browser's storage (they survive a reload); a row recalls
    its kick (`on_recall(recall data, label)`), drags out as a WAV, and favourites rename and export as a zip."""
    assets = param.String(default=f"{ASSET_PREFIX}/{assets_version()}/", doc="where the page's JS modules are served")

    _esm = (Path(__file__).parent / "library_panel.js").read_text()
    _stylesheets = [(Path(__file__).parent / "deck.css").read_text()]

    def __init__(self, on_recall=None, # called with (recall data, label) when a row is picked
                 **params):
        super().__init__(**params)
        self._on_recall = on_recall

    def _handle_msg(self, msg):
        if isinstance(msg, dict) and msg.get("action") == "recall" and self._on_recall and isinstance(msg.get("recall"), dict):
            self._on_recall(msg["recall"], str(msg.get("label") or "recalled")[:80])
