// How figures read: milliseconds, shares and times, in one place so every panel writes them alike.

const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const tenths = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const hundredths = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** A duration in ms; sub-millisecond times keep two decimals so a fast path does not read as 0. */
export function ms(value) {
  if (value === null || value === undefined) return '–';
  return `${(value >= 100 ? whole : value >= 10 ? tenths : hundredths).format(value)} ms`;
}

/** A share from 0 to 1 as a percentage. */
export const percent = (rate) => (rate === null || rate === undefined ? '–' : `${tenths.format(rate * 100)}%`);

export const count = (value) => (value === null || value === undefined ? '–' : whole.format(value));

export const decimal = (value) => (value === null || value === undefined ? '–' : hundredths.format(value));

const dateTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'medium' });

/** An ISO 8601 time in the operator's own time zone. */
export const when = (iso) => (iso ? dateTime.format(new Date(iso)) : '–');

/** Phases as "load 0.01 ms · ai 412 ms · …", in the order the server measured them. */
export const phases = (byName) => Object.entries(byName ?? {}).map(([name, value]) => `${name} ${ms(value)}`).join(' · ');
