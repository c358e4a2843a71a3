// ← / → (and PageUp / PageDown, which presenter remotes send) click the previous / next buttons;
// Esc leaves presentation mode.
(() => {
  if (window.__presentKeys) { document.removeEventListener("keydown", window.__presentKeys); }
  window.__presentKeys = (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    const which = { ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev", Escape: "exit" }[
      event.key
    ];
    const button = which && document.querySelector(`.st-key-present_${which} button`);
    if (!button || button.disabled) { return; }
    event.preventDefault();
    button.click();
  };
  document.addEventListener("keydown", window.__presentKeys);
})();
