// Accessible names for the controls that Bokeh and Panel draw without one (slider handles, spinner arrows, the file
// input, the template's header list), so a screen reader names every control. Components live in shadow roots, which
// a MutationObserver on the document cannot see into: each shadow root found is observed too.

function nameOf(el, root) {   // the visible label of a widget: its title element (sliders, inputs), or a fallback
  const host = root.host || el.closest(".bk-input-group") || el.parentElement;
  const title = (root.querySelector && root.querySelector(".bk-slider-title, label, .bk-input-group > label")) || null;
  return title ? title.textContent.replace(/\s+/g, " ").replace(/:\s*[-\d.,]+\s*$/, "").trim() : (host && host.title) || "";
}

export function labelControls(root = document) {
  for (const handle of root.querySelectorAll(".noUi-handle:not([aria-label])")) {
    const name = nameOf(handle, root); if (name) handle.setAttribute("aria-label", name);
  }
  for (const b of root.querySelectorAll(".bk-spin-btn-up:not([aria-label])")) b.setAttribute("aria-label", "Increase");
  for (const b of root.querySelectorAll(".bk-spin-btn-down:not([aria-label])")) b.setAttribute("aria-label", "Decrease");
  for (const input of root.querySelectorAll("input[type=file]:not([aria-label])")) input.setAttribute("aria-label", "Upload a kick");
  for (const list of root.querySelectorAll("ul.nav:not([role])"))   // the template's header: links in divs, not a list
    if ([...list.children].some(c => c.tagName !== "LI")) list.setAttribute("role", "none");
}

export function watchAccessibility(root = document, seen = new WeakSet()) {
  if (seen.has(root)) return; seen.add(root);
  const pass = () => {
    labelControls(root);
    for (const el of root.querySelectorAll("*")) if (el.shadowRoot) watchAccessibility(el.shadowRoot, seen);
  };
  let queued = false;
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; pass(); }); } })
    .observe(root, {childList: true, subtree: true});
  pass();
}
