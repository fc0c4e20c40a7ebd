// The strandq console: polls the server's JSON API about once a second and shows it.
// Everything the server sends is data (account names, errors and payloads come from users):
// it reaches the page only through textContent and attributes, never as HTML.
'use strict';

const POLL_MS = 1000;
const HISTORY = 300; // samples kept for the charts (about five minutes, one a second)
const TOKEN_KEY = 'strandq.token';
const GAUGES = [
  ['pending', 'pending'], ['accounts', 'accounts'], ['ready', 'ready'], ['leased', 'leased'],
  ['delayed', 'delayed'], ['parked', 'parked'], ['paused', 'paused'], ['dead', 'dead'],
  ['oldest_pending_age_ms', 'oldest pending'],
];

const history = []; // {t, acked, enqueued, pending}
const view = {account: null, offset: 0, limit: 100};
let polls = 0;
let timer = null;
let polling = false;
let pollAgain = false;
let actionError = null;

// ---- DOM helpers ----

const $ = (id) => document.getElementById(id);

// An element with text (or child nodes) and attributes; never parses HTML.
function el(tag, content, attrs) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of [].concat(content === undefined ? [] : content)) {
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

// True while the user holds a mouse button or has selected text in `node`: a table is not
// redrawn under a click or a selection (its rows are rebuilt on every poll).
let pointerDown = false;
function busy(node) {
  const sel = window.getSelection();
  return pointerDown || (sel !== null && !sel.isCollapsed && node.contains(sel.anchorNode));
}

function table(id, headings, rows, empty) {
  const t = $(id);
  if (busy(t)) return;
  t.replaceChildren(el('tr', headings.map((h) => el('th', h))));
  for (const cells of rows) t.append(el('tr', cells.map((c) => el('td', c))));
  if (rows.length === 0) t.append(el('tr', el('td', empty, {colspan: headings.length, class: 'empty'})));
}

function button(label, onClick, cls) {
  const b = el('button', label, {type: 'button', class: cls || ''});
  b.addEventListener('click', onClick);
  return b;
}

function accountLink(name) {
  return el('a', name, {href: '#account=' + encodeURIComponent(name), class: 'account'});
}

function age(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  if (ms < 3600000) return Math.floor(ms / 60000) + ' m ' + Math.floor(ms / 1000) % 60 + ' s';
  return Math.floor(ms / 3600000) + ' h ' + Math.floor(ms / 60000) % 60 + ' m';
}

function payloadText(p) {
  const s = typeof p === 'string' ? p : JSON.stringify(p);
  return s.length > 200 ? s.slice(0, 200) + '…' : s;
}

// ---- the API ----

class ApiError extends Error {}

async function api(method, path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store'});
  } catch (e) {
    throw new ApiError(`${method} ${path}: cannot reach the server (${e.message})`);
  }
  const text = await res.text();
  if (!res.ok) {
    let msg = text;
    try { msg = JSON.parse(text).error || text; } catch (e) { /* not JSON: show it as it is */ }
    const err = new ApiError(`${method} ${path}: ${res.status} ${msg}`);
    if (res.status === 401) {
      askForToken(token ? 'The server refused this token.' : null);
      err.asksForToken = true; // the token form says it; no need to list it as well
    }
    throw err;
  }
  return JSON.parse(text);
}

function askForToken(why) {
  $('token-form').hidden = false;
  if (why) $('token-why').textContent = why + ' Enter the token strandq serve was given (--token).';
}

function showErrors(errors) {
  const list = $('errors');
  if (actionError) errors = [actionError].concat(errors);
  list.replaceChildren(...errors.map((e) => el('li', e)));
  list.hidden = errors.length === 0;
}

// Runs a button's POST, then refreshes at once; its error stays shown until the next action.
async function act(method, path, body) {
  actionError = null;
  try {
    await api(method, path, body);
  } catch (e) {
    actionError = e.message;
  }
  poll();
}

// Settles every request of one poll, so that one failing endpoint hides nothing else.
async function fetchAll(requests) {
  const results = await Promise.allSettled(requests.map(([m, p]) => api(m, p)));
  const errors = results.filter((r) => r.status === 'rejected' && !r.reason.asksForToken)
    .map((r) => r.reason.message);
  return [results.map((r) => (r.status === 'fulfilled' ? r.value : null)), errors];
}

// ---- the overview ----

function renderGauges(store) {
  const items = [];
  for (const [key, label] of GAUGES) {
    const v = store[key];
    const text = v === undefined ? '–' : key.endsWith('_ms') ? age(v) : String(v);
    items.push(el('div', [el('dt', label), el('dd', text, {id: 'gauge-' + key, 'data-value': v === undefined ? '' : v})],
      {class: v > 0 && ['delayed', 'parked', 'paused', 'dead'].includes(key) ? 'gauge warn' : 'gauge'}));
  }
  $('gauges').replaceChildren(...items);
}

function record(store) {
  history.push({t: performance.now(), acked: store.acked, enqueued: store.enqueued, pending: store.pending});
  if (history.length > HISTORY + 1) history.shift();
}

// Per-second rates between consecutive samples, as [time, rate] points.
function rates(key) {
  const out = [];
  for (let i = 1; i < history.length; i++) {
    const dt = (history[i].t - history[i - 1].t) / 1000;
    out.push([history[i].t, dt > 0 ? Math.max(0, history[i][key] - history[i - 1][key]) / dt : 0]);
  }
  return out;
}

// Draws series ([time, value] points, oldest first) as polylines over the time the history
// covers (at least a minute), with the largest value as the scale.
function chart(id, series) {
  const [w, h, top] = [600, 160, 14];
  const now = history.length ? history[history.length - 1].t : 0;
  const span = Math.max(60000, now - (history.length ? history[0].t : 0));
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const nodes = [svg('line', {x1: 0, y1: h - 0.5, x2: w, y2: h - 0.5, class: 'axis'})];
  for (const s of series) {
    const points = s.points.map(([t, v]) =>
      `${(w - ((now - t) / span) * w).toFixed(1)},${(h - (v / max) * (h - top)).toFixed(1)}`);
    nodes.push(svg('polyline', {points: points.join(' '), class: 'line ' + s.cls}));
  }
  const label = svg('text', {x: 4, y: 11, class: 'label'});
  label.textContent = `max ${Math.round(max)} · last ${span < 120000 ? Math.round(span / 1000) + ' s' :
    Math.round(span / 60000) + ' min'}`;
  nodes.push(label);
  $(id).replaceChildren(...nodes);
}

function stateCell(a) {
  const flags = [a.state];
  if (a.paused && a.state !== 'paused') flags.push('paused');
  if (a.parked && a.state !== 'parked') flags.push('parked');
  return el('span', flags.join(', '), {class: 'state ' + a.state});
}

function renderBlocked(lists) {
  const seen = new Set();
  const accounts = [];
  for (const a of lists.flat()) {
    if (seen.has(a.account)) continue;
    seen.add(a.account);
    accounts.push(a);
  }
  accounts.sort((x, y) => (y.last_error ? 1 : 0) - (x.last_error ? 1 : 0) || y.pending - x.pending);
  table('blocked', ['account', 'state', 'pending', 'last error', 'due in', 'head waiting'],
    accounts.map((a) => [accountLink(a.account), stateCell(a), a.pending,
      el('span', a.last_error, {class: 'last-error'}), a.due_in_ms ? age(a.due_in_ms) : '',
      a.head ? age(a.head.age_ms) : '']),
    'No account is delayed, paused or parked.');
}

function renderBacklog(accounts) {
  table('backlog', ['account', 'state', 'pending', 'head waiting', 'last error'],
    accounts.map((a) => [accountLink(a.account), stateCell(a), a.pending,
      a.head ? age(a.head.age_ms) : '', el('span', a.last_error, {class: 'last-error'})]),
    'Nothing pending.');
}

function renderDead(dead) {
  table('dead', ['id', 'account', 'seq', 'attempts', 'error', 'died', 'payload', ''],
    dead.map((d) => [String(d.id), accountLink(d.account), d.seq, d.attempt,
      el('span', d.error, {class: 'last-error'}), age(d.age_ms) + ' ago', el('code', payloadText(d.payload)),
      el('span', [button('Replay', () => act('POST', '/v1/dead/replay', {ids: [d.id]}), 'replay'), ' ',
        button('Purge', () => act('POST', '/v1/dead/purge', {ids: [d.id]}), 'purge danger')])]),
    'No dead letters.');
}

async function pollOverview() {
  const [[stats, delayed, paused, parked, backlog, dead], errors] = await fetchAll([
    ['GET', '/v1/stats'],
    ['GET', '/v1/accounts?state=delayed&limit=50'],
    ['GET', '/v1/accounts?state=paused&limit=50'],
    ['GET', '/v1/accounts?state=parked&limit=50'],
    ['GET', '/v1/accounts?sort=backlog&limit=10'],
    ['GET', '/v1/dead?limit=100'],
  ]);
  if (stats) {
    record(stats.store);
    renderGauges(stats.store);
    chart('chart-rate', [{points: rates('acked'), cls: 'acked'}, {points: rates('enqueued'), cls: 'enqueued'}]);
    chart('chart-pending', [{points: history.map((s) => [s.t, s.pending]), cls: 'pending'}]);
  }
  if (delayed && paused && parked) renderBlocked([parked.accounts, paused.accounts, delayed.accounts]);
  if (backlog) renderBacklog(backlog.accounts);
  if (dead) renderDead(dead.dead);
  return errors;
}

// ---- one account ----

async function pollAccount() {
  const path = `/v1/accounts/${encodeURIComponent(view.account)}?offset=${view.offset}&limit=${view.limit}`;
  const [[detail], errors] = await fetchAll([['GET', path]]);
  if (!detail) return errors;
  const a = detail.account;
  $('account-info').replaceChildren(...[
    ['state', stateCell(a)], ['pending', a.pending], ['due in', a.due_in_ms ? age(a.due_in_ms) : '–'],
    ['lease holder', a.lease_holder || '–'], ['head waiting', a.head ? age(a.head.age_ms) : '–'],
  ].map(([k, v]) => el('div', [el('dt', k), el('dd', v)], {class: 'gauge'})));
  $('account-pause').disabled = a.paused;
  $('account-resume').disabled = !a.paused;
  $('account-error').textContent = a.last_error ? 'Last error: ' + a.last_error : '';
  $('events-prev').disabled = view.offset === 0;
  $('events-next').disabled = view.offset + detail.events.length >= a.pending;
  table('account-events', ['#', 'seq', 'id', 'attempt', 'replay', 'waiting', 'payload'],
    detail.events.map((e, i) => [view.offset + i + 1, e.seq, String(e.id), e.attempt, e.replay,
      age(e.age_ms), el('code', payloadText(e.payload))]),
    'No pending events.');
  return errors;
}

// ---- the loop ----

// One poll at a time: a poll asked for while one runs (a button, a new view) follows it.
async function poll() {
  clearTimeout(timer);
  if (polling) {
    pollAgain = true;
    return;
  }
  if (document.hidden) return; // a tab nobody looks at costs the server nothing (see init)
  polling = true;
  let errors;
  try {
    errors = await (view.account === null ? pollOverview() : pollAccount());
  } catch (e) {
    errors = ['console: ' + e.message]; // an answer the page did not expect
  }
  polling = false;
  polls++;
  document.documentElement.dataset.polls = polls;
  showErrors(errors);
  $('status').textContent = (errors.length ? 'errors · ' : 'live · ') + 'updated ' +
    new Date().toLocaleTimeString();
  $('status').className = errors.length ? 'status bad' : 'status ok';
  if (pollAgain) {
    pollAgain = false;
    poll();
  } else {
    timer = setTimeout(poll, POLL_MS);
  }
}

function route() {
  const m = /^#account=(.+)$/.exec(location.hash);
  const account = m ? decodeURIComponent(m[1]) : null;
  if (account !== view.account) view.offset = 0;
  view.account = account;
  $('overview').hidden = account !== null;
  $('account-view').hidden = account === null;
  if (account !== null) $('account-name').textContent = account;
  poll();
}

function accountAction(verb) {
  return () => act('POST', `/v1/accounts/${encodeURIComponent(view.account)}/${verb}`);
}

function init() {
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
    $('token-input').value = '';
    $('token-form').hidden = true;
    poll();
  });
  $('account-pause').addEventListener('click', accountAction('pause'));
  $('account-resume').addEventListener('click', accountAction('resume'));
  $('events-prev').addEventListener('click', () => { view.offset = Math.max(0, view.offset - view.limit); poll(); });
  $('events-next').addEventListener('click', () => { view.offset += view.limit; poll(); });
  $('dead-replay-all').addEventListener('click', () => act('POST', '/v1/dead/replay', {all: true}));
  $('dead-purge-all').addEventListener('click', () => {
    if (confirm('Delete every dead letter for good?')) act('POST', '/v1/dead/purge', {all: true});
  });
  document.addEventListener('pointerdown', () => { pointerDown = true; });
  for (const ev of ['pointerup', 'pointercancel']) {
    document.addEventListener(ev, () => { pointerDown = false; });
  }
  window.addEventListener('blur', () => { pointerDown = false; });
  window.addEventListener('hashchange', route);
  document.addEventListener('visibilitychange', () => document.hidden || poll());
  route();
}

document.addEventListener('DOMContentLoaded', init);
