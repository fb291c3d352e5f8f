// ECharts drawn on a canvas. Tooltips are drawn on the canvas too (renderMode 'richText'): ECharts' HTML tooltips
// carry inline style attributes, which the page's Content-Security-Policy refuses.

const made = [];
let library = null;

/**
 * ECharts (about 1 MB, 300 KB compressed) is fetched once an operator has signed in, not with the page, so the
 * sign-in form and the figures do not wait for it. It is a classic script defining the global `echarts` (imported as
 * a module, the statistics code bundled with it fails); the import map gives its hashed address. Every caller awaits
 * this before its first chart.
 */
export const loadCharts = () => (library ??= new Promise((resolve, reject) => {
  const script = document.createElement('script');
  script.src = import.meta.resolve('/lib/echarts.js');
  script.onload = resolve;
  script.onerror = () => reject(new Error('the chart library did not load'));
  document.head.append(script);
}));

/** A chart in `node`, made once; later rounds call setOption on it (updated in place, nothing re-created). */
export function chart(node) {
  const instance = echarts.init(node, null, { renderer: 'canvas' });
  made.push(instance);
  return instance;
}

/** Charts drawn while their panel was hidden have no size: called when the panels are shown. */
export const resizeAll = () => made.forEach((instance) => instance.resize());

addEventListener('resize', resizeAll);

/** What every chart shares: no animation (a poll redraws often), canvas tooltips, room for the legend. */
export const base = {
  animation: false,
  tooltip: { trigger: 'axis', renderMode: 'richText' },
  legend: { type: 'scroll', top: 0 },
  grid: { left: 56, right: 16, top: 36, bottom: 28 },
};

// Colours with at least 3:1 contrast on white, told apart by line style too (p50 dashed).
export const palette = ['#1f5fbf', '#b3261e', '#1b7f3b', '#7a4fb5', '#8a5a00', '#006d77', '#5c5c5c', '#c2185b', '#33691e'];
