// Tells the page (dashboard/staging.py) when its first chart is on screen, so the rest of the
// charts are sent only then: mounting a dozen Plotly charts at once held back the first one's
// drawing by about a second. After 4 s without a chart (a page whose first row draws none) it
// tells the page anyway.
export default function ({ setStateValue }) {
  const started = performance.now();
  let done = false;
  const check = () => {
    if (done) return;
    const svg = document.querySelector(".js-plotly-plot .main-svg");
    if ((svg && svg.getBoundingClientRect().height > 0) || performance.now() - started > 4000) {
      done = true;
      // Two frames later the chart has been painted; then ask for the rest.
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => setStateValue("painted", true), 0)));
    } else {
      setTimeout(check, 50);
    }
  };
  check();
  return () => {
    done = true;
  };
}
