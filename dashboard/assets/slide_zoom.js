// A slide is laid out on a 1920 × 1080 canvas (viz/deck.py CANVAS_PX: what fits, and at which type size);
// a smaller screen (a 1366 × 768 laptop) shows the whole canvas scaled down, as presentation programs do.
// present.css reads --slide-zoom (the scale) and --slide-h (the screen's height in canvas pixels).
(() => {
  const root = document.documentElement;
  if (window.__slideFit) { window.removeEventListener("resize", window.__slideFit); }
  window.__slideFit = () => {
    const zoom = Math.min(1, window.innerWidth / 1920, window.innerHeight / 1080);
    root.style.setProperty("--slide-zoom", String(zoom));
    root.style.setProperty("--slide-h", `${window.innerHeight / zoom}px`);
  };
  window.addEventListener("resize", window.__slideFit);
  window.__slideFit();
})();
