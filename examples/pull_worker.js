#!/usr/bin/env node
// Copyright 2026 The strandq Authors.
//
// A strandq pull worker in Node.js, built-in modules only.
//
// Leases events from `strandq serve` (POST /v1/leases), runs `handle` on each (async, up to
// --concurrency at once), settles the outcomes in batches (in the next POST /v1/leases, which
// settles before it leases; POST /v1/leases/settle when stopping) and keeps the leases it holds
// alive (POST /v1/leases/extend) while their handlers run. Each account's events come one at a
// time, in order; an event whose lease ran out (this process stalled or died) goes to another
// worker.
//
//   node examples/pull_worker.js --url http://127.0.0.1:8080 --concurrency 25
//
// Replace `handle` with your own work. SIGINT/SIGTERM: stop leasing, finish and settle the
// events in hand, exit 0.
'use strict';

const http = require('http');
const os = require('os');

// Throw from `handle` to have the event retried (after retryAfterMs, or the store's backoff).
class Retry extends Error {
  constructor(message, retryAfterMs) {
    super(message);
    this.retryAfterMs = retryAfterMs;
  }
}
// Throw from `handle` for an event that can never succeed: it is dead-lettered now.
class Dead extends Error {}

// The work. `event` has id, account, seq, attempt and payload (a string). Resolve to ack.
async function handle(event, opts) {
  if (opts.nackFirstEvery && event.id % opts.nackFirstEvery === 0 && event.attempt === 1) {
    throw new Retry('injected failure of attempt 1', 5);
  }
  if (opts.deadEvery && event.id % opts.deadEvery === 0) {
    throw new Dead('injected permanent failure');
  }
  if (opts.sleepMs) await new Promise((resolve) => setTimeout(resolve, opts.sleepMs));
}

function parseArgs(argv) {
  const opts = {
    url: 'http://127.0.0.1:8080',
    token: process.env.STRANDQ_TOKEN || '',
    name: `node-${os.hostname()}-${process.pid}`,
    concurrency: 8,
    waitMs: 1000,
    pollMs: 20,
    exitWhenIdleMs: 0,
    sleepMs: 0,
    nackFirstEvery: 0,
    deadEvery: 0,
  };
  const flags = {
    '--url': 'url', '--token': 'token', '--name': 'name', '--concurrency': 'concurrency',
    '--wait-ms': 'waitMs', '--poll-ms': 'pollMs', '--exit-when-idle-ms': 'exitWhenIdleMs',
    '--sleep-ms': 'sleepMs', '--nack-first-every': 'nackFirstEvery', '--dead-every': 'deadEvery',
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = flags[argv[i]];
    if (!key || i + 1 >= argv.length) {
      fail(`unknown flag or missing value: ${argv[i]} (flags: ${Object.keys(flags).join(' ')})`);
    }
    opts[key] = typeof opts[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
    if (Number.isNaN(opts[key])) fail(`${argv[i]} must be a number, not '${argv[i + 1]}'`);
  }
  if (opts.concurrency < 1) fail('--concurrency must be at least 1');
  return opts;
}

function fail(message) {
  console.error(`pull_worker: ${message}`);
  process.exit(2);
}

// POSTs JSON over a keep-alive agent; resolves to the decoded answer. Rejects with an Error
// whose `reachable` is false when the server cannot be reached.
function makeApi(opts) {
  const url = new URL(opts.url);
  if (url.protocol !== 'http:') fail(`--url must be http://HOST:PORT, not '${opts.url}'`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const headers = { 'Content-Type': 'application/json', 'Strandq-Worker': opts.name };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  return (path, body, timeoutMs = 10000) => new Promise((resolve, reject) => {
    const data = Buffer.from(JSON.stringify(body));
    const req = http.request({
      host: url.hostname, port: url.port || 80, path, method: 'POST', agent,
      headers: { ...headers, 'Content-Length': data.length }, timeout: timeoutMs,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let answer = {};
        try {
          answer = JSON.parse(Buffer.concat(chunks).toString() || '{}');
        } catch (e) {
          return reject(new Error(`POST ${path}: unreadable answer: ${e.message}`));
        }
        if (res.statusCode === 401) fail('strandq serve refused the token (401): pass --token');
        if (res.statusCode !== 200) {
          return reject(new Error(`POST ${path}: HTTP ${res.statusCode}: ${answer.error}`));
        }
        resolve(answer);
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => {
      const err = new Error(`cannot reach strandq serve at ${url.host}: ${e.message}`);
      err.reachable = false;
      reject(err);
    });
    req.end(data);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Worker {
  constructor(opts) {
    this.opts = opts;
    this.post = makeApi(opts);
    this.held = new Map(); // lease -> event, from its grant until its settle was answered
    this.finished = []; // settle items of handlers that finished
    this.wake = null; // resolves the main loop's wait for a finished handler
    this.stopping = false;
    this.ttlMs = 30000;
    this.counts = { acked: 0, retrying: 0, dead: 0, refused: 0 };
  }

  start(event) {
    handle(event, this.opts).then(
      () => ({ lease: event.lease, outcome: 'ack' }),
      (e) => {
        const item = { lease: event.lease, outcome: e instanceof Dead ? 'dead' : 'nack' };
        item.error = e instanceof Retry || e instanceof Dead ? e.message : `${e.name}: ${e.message}`;
        if (e instanceof Retry && e.retryAfterMs !== undefined) item.retry_after_ms = e.retryAfterMs;
        return item;
      },
    ).then((item) => {
      this.finished.push(item);
      if (this.wake) this.wake();
    });
  }

  // The finished handlers' items, waiting up to `ms` for the first.
  async takeFinished(ms) {
    if (this.finished.length === 0 && ms > 0) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
    }
    return this.finished.splice(0, 1000);
  }

  settled(batch, results) {
    batch.forEach((item, i) => {
      const r = results[i] || { error: 'no answer' };
      if (r.ok) {
        this.counts[r.disposition] += 1;
      } else { // the lease ran out before the settle: another worker has the event now
        this.counts.refused += 1;
        console.error(`pull_worker: settle refused: ${r.error}`);
      }
      this.held.delete(item.lease);
    });
  }

  async run() {
    const { opts } = this;
    let idleSince = Date.now();
    let batch = [];
    for (;;) {
      const running = this.held.size - batch.length;
      if (this.stopping) {
        if (batch.length) this.settled(batch, await this.settleOnly(batch));
        if (this.held.size === 0) return;
        batch = await this.takeFinished(100);
        continue;
      }
      const want = opts.concurrency - running;
      if (want === 0) { // every lease is at work: wait for one to finish
        batch = batch.concat(await this.takeFinished(this.ttlMs));
        continue;
      }
      const body = { max: want, wait_ms: running ? 0 : opts.waitMs };
      if (batch.length) body.settle = batch;
      let answer;
      try {
        answer = await this.post('/v1/leases', body, 10000 + body.wait_ms);
      } catch (e) {
        console.error(`pull_worker: lease: ${e.message}; retrying in 0.5s`);
        await sleep(500);
        continue; // the batch goes with the next request
      }
      if (batch.length) this.settled(batch, answer.settled || []);
      const leases = answer.leases || [];
      for (const event of leases) {
        this.held.set(event.lease, event);
        this.ttlMs = event.expires_in_ms;
        this.start(event);
      }
      if (leases.length || this.held.size) {
        idleSince = Date.now();
      } else if (opts.exitWhenIdleMs && Date.now() - idleSince >= opts.exitWhenIdleMs) {
        return;
      }
      batch = await this.takeFinished(!leases.length && this.held.size ? opts.pollMs : 0);
    }
  }

  async settleOnly(batch) {
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      try {
        return await this.post('/v1/leases/settle', batch);
      } catch (e) {
        if (e.reachable !== false) return batch.map(() => ({ error: e.message }));
        console.error(`pull_worker: settle: ${e.message}; retrying`);
        await sleep(200 * attempt);
      }
    }
    return batch.map(() => ({ error: 'strandq serve unreachable' }));
  }

  // Extends every lease held, a third of their time to live after the last round, until stopped.
  async heartbeat() {
    let last = Date.now();
    while (!this.stopping) {
      await sleep(Math.min(this.ttlMs / 6, 100));
      if (Date.now() - last < this.ttlMs / 3) continue;
      last = Date.now();
      const leases = [...this.held.keys()];
      for (let i = 0; i < leases.length; i += 1000) {
        const chunk = leases.slice(i, i + 1000);
        try {
          const results = await this.post('/v1/leases/extend', chunk.map((lease) => ({ lease })));
          results.forEach((r, k) => {
            const event = this.held.get(chunk[k]);
            if (r.error && event) {
              console.error(`pull_worker: event ${event.id} (${event.account}#${event.seq}): ` +
                `${r.error}; its settle will be refused`);
            }
          });
        } catch (e) {
          console.error(`pull_worker: extend: ${e.message}`);
        }
      }
    }
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const worker = new Worker(opts);
  const stop = () => { worker.stopping = true; if (worker.wake) worker.wake(); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  worker.heartbeat(); // ends with the process
  await worker.run();
  worker.stopping = true;
  const c = worker.counts;
  console.log(`pull_worker ${opts.name}: ${c.acked} acked, ${c.retrying} retrying, ` +
    `${c.dead} dead, ${c.refused} refused`);
  process.exit(0);
}

main().catch((e) => {
  console.error(`pull_worker: ${e.stack || e}`);
  process.exit(1);
});
