// "Where the time goes": each channel's phases stacked, bottlenecks and recommendations from the analytics API, and
// the slowest responses with their phases and a way to their session's transcript (where each has its trace id).

import { get, query } from './api.js';
import { base, chart, loadCharts, palette } from './charts.js';
import { byId, el, fill, row } from './dom.js';
import { count, ms, percent, phases, when } from './format.js';

const CHANNELS = [{ name: 'text', source: 'interview' }, { name: 'voice', source: 'voice' }];

let phaseChart = null;

/** One round; resolves to the text and voice phase breakdowns (the providers' table reads time to first token from them). */
export async function refreshTime(signal) {
  const days = byId('time-days').value;
  const source = byId('time-source').value;
  const [text, voice, bottlenecks, recommendations, slow] = await Promise.all([
    ...CHANNELS.map((c) => get(`/api/latency-analytics/by-phase${query({ days, source: c.source })}`, { signal })),
    get(`/api/latency-analytics/bottlenecks${query({ days, source })}`, { signal }),
    get(`/api/latency-analytics/recommendations${query({ days })}`, { signal }),
    // The last hour whatever the window: the slowest responses are read from raw rows (no digest keeps them), so a
    // day's would cost a scan of every response of that day each round.
    get(`/api/latency/slow${query({ hours: 1, limit: 10 })}`, { signal }),
  ]);
  await loadCharts();
  stacked([text, voice]);
  bottleneckRows(bottlenecks);
  recommendationList(recommendations);
  slowRows(slow);
  return { text, voice };
}

function stacked(breakdowns) {
  phaseChart ??= chart(byId('phase-chart'));
  const shown = CHANNELS.map((c, i) => ({ ...c, report: breakdowns[i] })).filter((c) => c.report.total_count > 0);
  const names = [...new Set(shown.flatMap((c) => c.report.phases.map((p) => p.phase)))];
  phaseChart.setOption({
    ...base,
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } },
    grid: { left: 56, right: 16, top: 56, bottom: 28 },
    xAxis: { type: 'value', name: 'ms (average)' },
    yAxis: { type: 'category', data: shown.map((c) => c.name) },
    series: names.map((name, i) => ({
      name, type: 'bar', stack: 'phases', color: palette[i % palette.length],
      data: shown.map((c) => c.report.phases.find((p) => p.phase === name)?.average_ms ?? 0),
    })),
  }, { replaceMerge: ['series'] });

  const summary = shown.length === 0 ? 'No responses in the window.'
    : shown.map((c) => `${c.name}: ${count(c.report.total_count)} responses averaging ${ms(c.report.total_average_ms)}, most of it in ${c.report.phases[0]?.phase ?? '–'} (slowest p95).`).join(' ');
  byId('phase-summary').textContent = summary;
  byId('phase-chart').setAttribute('aria-label', `Average time per phase, stacked per channel. ${summary}`);
  fill(byId('phase-rows'), shown.flatMap((c) => c.report.phases.map((p) =>
    row([c.name, p.phase, ms(p.average_ms), ms(p.p50_ms), ms(p.p95_ms), percent(p.share_of_total)], { header: true }))), 'No responses in the window.');
}

function bottleneckRows(report) {
  fill(byId('bottleneck-rows'), report.bottlenecks.map((b) =>
    row([b.phase, ms(b.p95_ms), `${percent(b.percent_over_threshold / 100)} over ${ms(b.threshold_ms)}`, count(b.affected_count),
      `${percent(b.estimated_speedup_percent / 100)} faster on average`, b.recommendation], { header: true })),
  `No phase's p95 is over ${ms(report.threshold_ms)}.`);
}

function recommendationList(report) {
  const items = report.recommendations.slice(0, 8).map((r) => el('li', {},
    el('strong', { textContent: `${r.source}${r.phase ? ` · ${r.phase}` : ''}: ` }),
    `p95 ${ms(r.current_p95_ms)} → ${ms(r.target_p95_ms)} (${percent(r.improvement_percent / 100)} better). `,
    r.actions.join(' ')));
  byId('recommendations').replaceChildren(...(items.length > 0 ? items : [el('li', { textContent: 'Nothing to improve in this window.' })]));
}

function slowRows(slow) {
  fill(byId('slow-rows'), slow.responses.map((r) => row([
    when(r.timestamp),
    // The button's words are its whole name (a longer aria-label would not match what a voice-control user reads).
    el('button', { type: 'button', className: 'link', textContent: `${r.candidate ?? 'Session'} …${r.session_id.slice(-6)}`, data: { open: r.session_id } }),
    r.interview_type, r.channel, String(r.question_number),
    el('span', { className: r.exceeded_threshold || r.failed ? 'over' : '', textContent: `${ms(r.response_time_ms)}${r.failed ? ' (failed)' : r.exceeded_threshold ? ' (over budget)' : ''}` }),
    phases(r.phases), r.fallback ? r.fallback_cause ?? 'yes' : '',
    // The id to look the response's trace up by in the tracing backend (stored only when a tracer listened).
    r.trace_id ?? '–',
  ])), 'No responses in the window.');
}
