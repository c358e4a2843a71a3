// Charts keep the pixel size they were drawn at on screen; before printing, each one wider than
// an A4 column or taller than half a page is zoomed down to fit (and back after), so none is cut
// off at the edge and two ordinary charts share a page.
(() => {
  if (window.__printFit) { return; }
  window.__printFit = true;
  const WIDTH = 650;   // CSS px: A4 portrait minus 2 x 12 mm margins is ~700 px wide
  const HEIGHT = 380;  // and ~1030 px tall: two charts with their captions and gaps
  // The element container, not the chart: inner boxes keep the chart's height as a fixed size.
  const charts = () => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    .map((chart) => chart.closest('[data-testid="stElementContainer"]') || chart);
  window.addEventListener("beforeprint", () => {
    charts().forEach((chart) => {
      const svg = chart.querySelector(".main-svg");
      if (!svg) { return; }
      const box = svg.getBoundingClientRect();
      const tall = box.height > 1.5 * HEIGHT;  // a long list of bars may fill most of a page
      const zoom = Math.min(1, WIDTH / box.width, (tall ? 2.3 * HEIGHT : HEIGHT) / box.height);
      chart.style.zoom = zoom < 1 ? String(zoom) : "";
    });
  });
  window.addEventListener("afterprint", () => charts().forEach((chart) => { chart.style.zoom = ""; }));
})();
