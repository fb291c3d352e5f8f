// The few live gauges and counters the server exposes only in Prometheus's text format (GET /metrics): interviews in
// progress, voice streams, the providers' breakers, fallbacks. One pass over the text keeps only the wanted names.

const SAMPLE = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

/** Samples of each wanted metric: a Map from name to [{ labels, value }]. */
export function parse(text, wanted) {
  const samples = new Map(wanted.map((name) => [name, []]));
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    const list = match && samples.get(match[1]);
    if (!list) continue;
    const labels = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) labels[name] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    list.push({ labels, value: Number(match[3]) });
  }
  return samples;
}

export const sum = (samples) => samples.reduce((total, sample) => total + sample.value, 0);

/** Sums samples by one label's value: { value of the label: total }. */
export function sumBy(samples, label) {
  const totals = {};
  for (const sample of samples) {
    const key = sample.labels[label] ?? '';
    totals[key] = (totals[key] ?? 0) + sample.value;
  }
  return totals;
}
