// The sidebar's kick library: favourites and history from the page's shared store (kickstore.js), drawn by library.js.
export function render({ model, el }) {
  const modules = Promise.all(["kickstore.js", "library.js"].map(m => import(new URL(model.assets + m, window.location.href).href)));
  let library = null;
  modules.then(([{sharedStore}, {KickLibrary, exportFavourites}]) => {
    library = new KickLibrary(el, sharedStore(), {
      onRecall: (entry) => model.send_msg({action: "recall", recall: entry.recall, label: entry.label}),
      onExport: (favourites) => exportFavourites(favourites).catch((e) => { window.alert(e.message); })});
    window.kickLibrary = library;
  });
  model.on("remove", () => { if (library) library.dispose(); });
}
