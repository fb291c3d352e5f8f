// The "Now" panel: interviews in progress, responses per second, compliance and p50/p95 over the last 5 minutes and
// the last hour against the budget, and the alerts. Polled every few seconds.

import { get, query } from './api.js';
import { byId, fill, figure, row } from './dom.js';
import { count, decimal, ms, percent, when } from './format.js';
import { parse, sum, sumBy } from './prometheus.js';

const METRICS = [
  'promptly_sessions_active',
  'promptly_voice_streams_active',
  'promptly_interviewer_responses_total',
  'promptly_interviewer_fallbacks_total',
  'promptly_provider_breaker_state',
  'promptly_provider_calls_total',
];

// The previous reading of the responses counter: the rate is the change between two polls.
let previous = null;
// GET /metrics is answered on the API's port unless Metrics:Port moves it; after a 404 the page stops asking.
let metricsHere = true;

/** One round: the figures of now. Resolves to the parsed metrics (or null) for the providers' table. */
export async function refreshNow(signal) {
  const [hour, fiveMinutes, alerts, metrics] = await Promise.all([
    get(`/api/latency/compliance${query({ hours: 1 })}`, { signal }),
    get(`/api/latency/compliance${query({ hours: (5 / 60).toFixed(6) })}`, { signal }),
    get('/api/alerts', { signal }),
    metricsHere ? get('/metrics', { signal, text: true }).catch((error) => {
      if (error.status !== 404) throw error;
      metricsHere = false;
      return null;
    }) : null,
  ]);
  showWindow('h1', hour);
  showWindow('m5', fiveMinutes);
  splits(hour);
  alertRows(alerts);
  const samples = metrics === null ? null : parse(metrics, METRICS);
  active(samples);
  return samples;
}

/** The budget line: each interview type's threshold and the target. */
export function showBudget(budget) {
  const types = Object.entries(budget.interview_types).map(([type, b]) => `${ms(b.threshold_ms)} for ${type}`).join(', ');
  figure('budget', budget.target_compliance, `Budget: ${types}; target ${percent(budget.target_compliance)} of responses within it.`);
}

function showWindow(prefix, compliance) {
  const o = compliance.overall;
  figure(`${prefix}-responses`, o.total_responses, count(o.total_responses));
  figure(`${prefix}-compliance`, o.budget_compliance_rate, percent(o.budget_compliance_rate));
  figure(`${prefix}-p50`, o.p50, ms(o.p50));
  figure(`${prefix}-p95`, o.p95, ms(o.p95));
  // In words as well as colour (the stylesheet colours data-state), so the verdict does not rest on colour alone.
  const state = o.total_responses === 0 ? 'none' : o.meets_target ? 'pass' : 'fail';
  figure(`${prefix}-verdict`, state, state === 'none' ? 'no responses' : state === 'pass' ? '✓ meets target' : '✗ below target');
  document.querySelector(`[data-figure="${prefix}-verdict"]`).dataset.state = state;
}

function splits(hour) {
  const slices = [
    ...Object.entries(hour.by_interview_type).map(([name, report]) => [name, report]),
    ...Object.entries(hour.by_channel).map(([name, report]) => [`${name} channel`, report]),
  ];
  fill(byId('split-rows'), slices.map(([name, r]) =>
    row([name, count(r.total_responses), percent(r.budget_compliance_rate), ms(r.p50), ms(r.p95)], { header: true })), 'No responses in the last hour.');
}

function alertRows(alerts) {
  const firing = alerts.firing.length;
  figure('alerts-firing', firing, firing === 0 ? 'No alert is firing.' : `${firing} alert${firing === 1 ? '' : 's'} firing.`);
  // The latest five resolved ones: enough to see what just happened, and a bounded table.
  const shown = [...alerts.firing, ...alerts.resolved.slice(0, 5)];
  fill(byId('alert-rows'), shown.map((a) => row([
    `${a.name} (${a.severity})`, a.state, a.interview_type, a.rule,
    `${decimal(a.long_window.burn_rate)} over ${a.long_window.window} / ${decimal(a.short_window.burn_rate)} over ${a.short_window.window} (threshold ${decimal(a.burn_rate_threshold)})`,
    a.state === 'firing' ? when(a.since) : `${when(a.since)} to ${when(a.resolved_at)}`,
  ], { header: true, data: { state: a.state } })), alerts.evaluated_at ? 'No alerts.' : 'Not evaluated yet.');
}

function active(samples) {
  if (samples === null) {
    for (const name of ['active-total', 'active-text', 'active-voice', 'rate']) figure(name, null, 'not on this port');
    return;
  }
  const total = sum(samples.get('promptly_sessions_active'));
  const voice = sum(samples.get('promptly_voice_streams_active'));
  figure('active-total', total, count(total));
  figure('active-voice', voice, count(voice));
  // A voice interview is a session in progress too: the typed ones are the rest.
  figure('active-text', Math.max(0, total - voice), count(Math.max(0, total - voice)));
  const responses = sum(samples.get('promptly_interviewer_responses_total'));
  const at = performance.now();
  // A counter that went down is a restarted server: start over rather than show a negative rate.
  if (previous !== null && responses >= previous.responses) {
    const rate = (responses - previous.responses) / ((at - previous.at) / 1000);
    figure('rate', rate, decimal(rate));
  }
  previous = { responses, at };
}

/** Breaker state per provider, calls by outcome, and fallbacks by cause, from the same metrics. */
export function showProviders(samples) {
  if (samples === null) {
    fill(byId('provider-rows'), [], 'GET /metrics is not answered on this port (Metrics:Port is set).');
    fill(byId('fallback-rows'), [], 'GET /metrics is not answered on this port.');
    return;
  }
  const states = ['closed', 'open (not called)', 'half-open (probing)'];
  const calls = samples.get('promptly_provider_calls_total');
  const providers = new Set([...samples.get('promptly_provider_breaker_state'), ...calls].map((s) => s.labels.gen_ai_provider_name));
  fill(byId('provider-rows'), [...providers].sort().map((provider) => {
    const breaker = samples.get('promptly_provider_breaker_state').find((s) => s.labels.gen_ai_provider_name === provider);
    const outcomes = sumBy(calls.filter((s) => s.labels.gen_ai_provider_name === provider), 'promptly_provider_outcome');
    return row([provider, breaker ? states[breaker.value] ?? String(breaker.value) : '–',
      Object.entries(outcomes).map(([outcome, n]) => `${outcome} ${count(n)}`).join(' · ') || '–'], { header: true, data: { provider } });
  }), 'No model provider is configured (the built-in interviewer answers).');
  const causes = sumBy(samples.get('promptly_interviewer_fallbacks_total'), 'promptly_fallback_cause');
  fill(byId('fallback-rows'), Object.entries(causes).sort((a, b) => b[1] - a[1]).map(([cause, n]) => row([cause, count(n)], { header: true })), 'No fallbacks.');
}
