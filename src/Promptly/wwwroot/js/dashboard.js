// The operators' dashboard: a sign-in form for the operator key, then panels fed by the operator API. Two short polls
// keep it live: the "Now" figures every 3 s, the heavier analyses every 30 s (their digests change little faster).

import { AuthError, forgetKey, get, storedKey, storeKey } from './dashboard/api.js';
import { loadCharts, resizeAll } from './dashboard/charts.js';
import { byId } from './dashboard/dom.js';
import { showFirstToken, refreshRoutes } from './dashboard/http.js';
import { refreshNow, showBudget, showProviders } from './dashboard/now.js';
import { Poller } from './dashboard/poller.js';
import { load, setFilterChoices, setUpSessions } from './dashboard/sessions.js';
import { refreshTime } from './dashboard/time.js';
import { refreshTrends } from './dashboard/trends.js';

const status = byId('status');
let budget = null;

const now = new Poller(async (signal) => {
  showProviders(await refreshNow(signal));
  // Outside the live region: a screen reader should not announce every round, only failures.
  byId('updated').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}.`;
  status.textContent = '';
}, 3000, failed);

const analyses = new Poller(async (signal) => {
  const [, breakdowns] = await Promise.all([refreshTrends(signal, budget), refreshTime(signal), refreshRoutes(signal)]);
  showFirstToken(breakdowns);
}, 30000, failed);

/** A refused key returns to the sign-in with the reason; anything else is said in the status line and polling goes on. */
function failed(error) {
  if (error instanceof AuthError) signOut(error.message);
  else status.textContent = `Could not update: ${error.message}`;
}

async function signIn(key) {
  budget = await get('/api/latency/budget', { key });
  storeKey(key);
  loadCharts();
  showBudget(budget);
  setFilterChoices(await get('/concepts'), budget);
  byId('sign-in').hidden = true;
  byId('panels').hidden = false;
  byId('sign-out').hidden = false;
  resizeAll();
  now.start();
  analyses.start();
  await load(null);
}

function signOut(message) {
  now.stop();
  analyses.stop();
  forgetKey();
  budget = null;
  byId('panels').hidden = true;
  byId('sign-out').hidden = true;
  byId('sign-in').hidden = false;
  byId('sign-in-message').textContent = message;
  status.textContent = '';
  byId('updated').textContent = '';
  byId('key').focus();
}

byId('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = byId('key');
  byId('sign-in-message').textContent = '';
  try {
    await signIn(input.value.trim());
    input.value = '';
  } catch (error) {
    signOut(error instanceof AuthError ? 'That key was refused. Check it and try again.' : `Could not sign in: ${error.message}`);
  }
});
byId('sign-out').addEventListener('click', () => signOut('Signed out.'));
for (const id of ['trend-range', 'trend-split', 'time-days', 'time-source']) byId(id).addEventListener('change', () => analyses.now());
setUpSessions(failed);

// A key kept from earlier in this tab signs in again on reload.
if (storedKey()) signIn(storedKey()).catch((error) => signOut(error instanceof AuthError ? error.message : `Could not sign in: ${error.message}`));
