// Printing: charts are drawn at the size of the screen's columns, and an A4 column is ~700 px wide.
// Before printing, each chart is drawn again (Plotly.relayout, synchronous) as it is on a 1366-px
// screen, its column ~900 px wide less the sidebar (so the paper does not depend on the window it was
// printed from), and shown at ZOOM, which fits that into the A4 column: a row of two or three charts
// stays a row, the theme's 16-px text prints at 12 px (9 pt), two rows of ordinary charts and their
// source lines share a page, and a long list of bars keeps the height its labels need up to most of
// a page. After printing, every chart goes back to its screen size. Collapsed expanders are opened
// for the print and closed again after, and each dataframe followed by its print copy is left out
// (print.css says so too, but in an expander just opened Chromium kept the canvas's height: blank pages).
(() => {
  if (window.__printFit) { return; }
  window.__printFit = true;
  const PAGE = 700;    // CSS px: A4 portrait (210 mm) less 2 × 12 mm margins is ~703 px
  const GAP = 12;      // between the columns of a row on paper (print.css)
  const ZOOM = 0.75;   // the page drawn ~933 px wide, printed 700 px wide
  const TALL = 1000;   // the most a chart is drawn high (750 px on paper)
  let drawn = [];    // [chart, its screen width and height] while printing
  let opened = [];
  let grids = [];    // the dataframes whose print copy is printed in their place

  const columns = (chart) => {
    const row = chart.closest('[data-testid="stHorizontalBlock"]');
    return row ? Math.max(1, row.querySelectorAll(':scope > [data-testid="stColumn"]').length) : 1;
  };
  const printSize = (chart) => {
    const n = columns(chart);
    const width = Math.floor((PAGE - (n - 1) * GAP) / n / ZOOM) - 2;
    return { width, height: Math.min(chart._fullLayout.height, TALL) };
  };
  const box = (chart) => chart.closest('[data-testid="stElementContainer"]') || chart;

  window.addEventListener("beforeprint", () => {
    const plotly = window.Plotly;
    drawn = [];
    if (plotly) {
      document.querySelectorAll(".js-plotly-plot").forEach((chart) => {
        if (!chart._fullLayout) { return; }
        drawn.push([chart, chart.layout.width, chart.layout.height]);
        plotly.relayout(chart, printSize(chart));
        box(chart).style.zoom = String(ZOOM);
      });
    }
    opened = Array.from(document.querySelectorAll('[data-testid="stExpander"] details:not([open])'));
    opened.forEach((details) => { details.open = true; });
    grids = Array.from(document.querySelectorAll(".print-copy"))
      .map((copy) => copy.closest('[data-testid="stElementContainer"]'))
      .map((box) => box && box.previousElementSibling)
      .filter((grid) => grid && grid.querySelector('[data-testid="stDataFrame"]'));
    grids.forEach((grid) => grid.style.setProperty("display", "none", "important"));
  });
  window.addEventListener("afterprint", () => {
    const plotly = window.Plotly;
    drawn.forEach(([chart, width, height]) => {
      box(chart).style.zoom = "";
      if (plotly && chart.isConnected) { plotly.relayout(chart, { width: width ?? null, height: height ?? null }); }
    });
    drawn = [];
    opened.forEach((details) => { details.open = false; });
    opened = [];
    grids.forEach((grid) => grid.style.removeProperty("display"));
    grids = [];
  });
})();
