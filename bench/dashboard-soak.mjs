// A dashboard left open: `bench/dashboard-soak.sh` runs it. Signs in, lets the page poll as it does (the "now"
// figures every 3 s, the analyses every 30 s) for `minutes`, and once a minute, after a forced garbage collection in
// the page, reads the page's JavaScript heap, DOM nodes and event listeners (Chrome DevTools Protocol) and the
// server's managed heap (GET /api/diagnostics/memory, which also collects first). Prints one line a minute. With
// `snapshotFrom` (a minute), it also takes heap snapshots at that minute and at the end and prints the kinds of
// objects that grew between them: where a slow climb of the heap comes from.
import { launchChromium } from './chromium.mjs';
import { grownKinds, heapByKind } from './heap-snapshot.mjs';

const [driver, url, key, minutesText, snapshotFromText] = process.argv.slice(2);
const minutes = Number(minutesText ?? 10);
const snapshotFrom = snapshotFromText === undefined ? null : Number(snapshotFromText);
let snapshot = null;

const browser = await launchChromium(driver);
const page = await browser.newPage();
await page.goto(`${url}/dashboard`);
await page.fill('#key', key);
await page.press('#key', 'Enter');
await page.waitForSelector('#panels:not([hidden])');
const devtools = await page.context().newCDPSession(page);
await devtools.send('Performance.enable');

const server = async () => {
  const response = await fetch(`${url}/api/diagnostics/memory`, { headers: { Authorization: `Bearer ${key}` } });
  return (await response.json()).managed_heap_bytes;
};
const mb = (bytes) => (bytes / 1048576).toFixed(2);

console.log('minute  page JS heap MB  DOM nodes  listeners  server managed heap MB');
for (let minute = 0; minute <= minutes; minute++) {
  if (minute > 0) await page.waitForTimeout(60_000);
  await devtools.send('HeapProfiler.collectGarbage');
  const { usedSize } = await devtools.send('Runtime.getHeapUsage');
  const { metrics } = await devtools.send('Performance.getMetrics');
  const metric = (name) => metrics.find((m) => m.name === name)?.value;
  console.log(`${String(minute).padStart(6)}  ${mb(usedSize).padStart(15)}  ${String(metric('Nodes')).padStart(9)}  ${String(metric('JSEventListeners')).padStart(9)}  ${mb(await server()).padStart(22)}`);
  if (minute === snapshotFrom) snapshot = await heapByKind(devtools);
}

if (snapshot !== null) {
  console.log(`\nobjects that grew from minute ${snapshotFrom} to minute ${minutes} (heap snapshots after a collection):`);
  for (const line of grownKinds(snapshot, await heapByKind(devtools))) console.log(line);
}

await browser.close();
