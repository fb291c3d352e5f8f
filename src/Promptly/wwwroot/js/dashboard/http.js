// "HTTP and providers": each route's traffic, speed and errors over the last hour (GET /api/metrics/requests), and
// the model's time to first token from the phase breakdown (phase ai_first_token).

import { get, query } from './api.js';
import { byId, fill, row } from './dom.js';
import { count, decimal, ms, percent } from './format.js';

export async function refreshRoutes(signal) {
  const report = await get(`/api/metrics/requests${query({ hours: 1 })}`, { signal });
  const minutes = Math.max(1, (new Date(report.to) - new Date(report.from)) / 60000);
  const share = (route, first) => {
    const errors = Object.entries(route.status_counts).filter(([status]) => status.startsWith(first)).reduce((n, [, c]) => n + c, 0);
    return route.count === 0 ? null : errors / route.count;
  };
  // The page's own files (hashed .js, .css, .svg) are not the API's traffic.
  const routes = report.routes.filter((r) => !/\.(js|css|svg)$/.test(r.route)).sort((a, b) => b.count - a.count);
  fill(byId('route-rows'), routes.map((r) => row([`${r.method} ${r.route}`, count(r.count), decimal(r.count / minutes), ms(r.p50_ms), ms(r.p95_ms),
    percent(share(r, '4')), percent(share(r, '5'))], { header: true, data: { route: `${r.method} ${r.route}` } })), 'No requests in the last hour.');
}

/** Time to first token of streamed model replies, per channel, from the phase breakdowns of "Where the time goes". */
export function showFirstToken(breakdowns) {
  const parts = Object.entries(breakdowns).map(([channel, report]) => {
    const phase = report.phases.find((p) => p.phase === 'ai_first_token');
    return phase ? `${channel}: p50 ${ms(phase.p50_ms)}, p95 ${ms(phase.p95_ms)} over ${count(phase.sample_count)} replies` : null;
  }).filter((part) => part !== null);
  byId('first-token').textContent = parts.length > 0 ? `Model time to first token (window of "Where the time goes"): ${parts.join('; ')}.`
    : 'No streamed model replies in the window of "Where the time goes".';
}
