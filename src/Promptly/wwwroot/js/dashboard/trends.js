// The "Trends" panel: p50/p95 and compliance per hour or per day, interview types or text and voice side by side,
// regressions marked. The charts are updated in place; the table beside them is their text equivalent.

import { get, query } from './api.js';
import { base, chart, loadCharts, palette } from './charts.js';
import { byId, el, fill } from './dom.js';
import { count, ms, percent, when } from './format.js';

let latencyChart = null;
let complianceChart = null;

/** The series to compare: each interview type (from the budget), or text and voice (the analytics' sources). */
function seriesOf(split, budget) {
  return split === 'channel'
    ? [{ name: 'text', filter: { source: 'interview' } }, { name: 'voice', filter: { source: 'voice' } }]
    : Object.keys(budget.interview_types).map((type) => ({ name: type, filter: { interview_type: type } }));
}

export async function refreshTrends(signal, budget) {
  const interval = byId('trend-range').value;
  const days = interval === 'hour' ? 2 : 30;
  const series = seriesOf(byId('trend-split').value, budget);
  const reports = await Promise.all(series.map((s) =>
    get(`/api/latency-analytics/trends${query({ days, interval, ...s.filter })}`, { signal })));
  await loadCharts();
  latencyChart ??= chart(byId('trend-latency'));
  complianceChart ??= chart(byId('trend-compliance'));
  const threshold = reports[0]?.scope.budget_threshold_ms;

  const latency = [];
  const compliance = [];
  series.forEach((s, i) => {
    const points = reports[i].points;
    const colour = palette[i % palette.length];
    latency.push({
      name: `${s.name} p95`, type: 'line', color: colour, connectNulls: false, symbolSize: 5,
      data: points.map((p) => [p.start, p.p95_ms]),
      // A regression is an interval whose p95 is over 1.25× the median p95 of the intervals before it.
      markPoint: { symbol: 'pin', symbolSize: 36, label: { formatter: 'R' }, data: points.filter((p) => p.regression).map((p) => ({ coord: [p.start, p.p95_ms] })) },
      markLine: i === 0 && threshold ? { symbol: 'none', label: { formatter: 'budget' }, lineStyle: { color: '#5c5c5c' }, data: [{ yAxis: threshold }] } : undefined,
    });
    latency.push({ name: `${s.name} p50`, type: 'line', color: colour, lineStyle: { type: 'dashed' }, symbolSize: 5, data: points.map((p) => [p.start, p.p50_ms]) });
    compliance.push({ name: s.name, type: 'line', color: colour, symbolSize: 5, data: points.map((p) => [p.start, p.compliance_rate === null ? null : p.compliance_rate * 100]) });
  });
  // replaceMerge: the series of another split replace these rather than pile up beside them.
  latencyChart.setOption({ ...base, xAxis: { type: 'time' }, yAxis: { type: 'value', name: 'ms' }, series: latency }, { replaceMerge: ['series'] });
  complianceChart.setOption({
    ...base, xAxis: { type: 'time' }, yAxis: { type: 'value', name: '% within', max: 100 },
    series: compliance.map((s, i) => (i === 0 ? { ...s, markLine: { symbol: 'none', label: { formatter: 'target' }, data: [{ yAxis: budget.target_compliance * 100 }] } } : s)),
  }, { replaceMerge: ['series'] });

  summarise(series, reports, interval);
  table(series, reports);
}

function summarise(series, reports, interval) {
  const sentences = series.map((s, i) => {
    const points = reports[i].points.filter((p) => p.count > 0);
    if (points.length === 0) return `${s.name}: no responses.`;
    const last = points[points.length - 1];
    const regressions = reports[i].regressions.length;
    return `${s.name}: latest ${interval} p95 ${ms(last.p95_ms)}, ${percent(last.compliance_rate)} within budget; ${regressions} regression${regressions === 1 ? '' : 's'}.`;
  });
  const text = sentences.join(' ');
  byId('trend-summary').textContent = text;
  byId('trend-latency').setAttribute('aria-label', `p50 and p95 per ${interval}. ${text}`);
  byId('trend-compliance').setAttribute('aria-label', `Share within budget per ${interval}. ${text}`);
}

function table(series, reports) {
  const rows = [];
  series.forEach((s, i) => {
    for (const p of reports[i].points) {
      if (p.count === 0) continue;
      rows.push(el('tr', { data: { regression: String(p.regression) } },
        el('th', { scope: 'row', textContent: when(p.start) }), el('td', { textContent: s.name }), el('td', { textContent: count(p.count) }),
        el('td', { textContent: ms(p.p50_ms) }), el('td', { textContent: ms(p.p95_ms) }), el('td', { textContent: percent(p.compliance_rate) }),
        el('td', { textContent: p.regression ? 'yes' : '' })));
    }
  });
  fill(byId('trend-rows'), rows, 'No responses in the range.');
}
