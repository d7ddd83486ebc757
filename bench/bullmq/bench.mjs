// N no-op jobs through BullMQ against a given redis-server, in one of three settings, printed as
// one JSON line. Trainyard's benchmark runs each beside its own queue workload on the same
// redis-server (./trainyard bench bullmq) and compares against the best of them.
//   one-process  producer (addBulk of 1,000) and worker (concurrency 200) in this process,
//                first add -> last completed
//   split        a producer process (addBulk of 1,000) beside a worker process (concurrency
//                1,000, this one), first add -> last completed
//   drain        the queue filled first, then a worker of concurrency 1,000 drains it,
//                first pickup -> last completed
// Usage: node bench.mjs <redis port> <jobs> [one-process|split|drain]
//        node bench.mjs <redis port> <jobs> produce <queue name>   (split's producer process)
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';

const port = Number(process.argv[2] ?? 6379);
const total = Number(process.argv[3] ?? 200000);
const setting = process.argv[4] ?? 'one-process';
const connection = { host: '127.0.0.1', port };
const version = JSON.parse(readFileSync(new URL('./node_modules/bullmq/package.json', import.meta.url))).version;
const BATCH = 1000;

async function produce(queue) {
  for (let i = 0; i < total; i += BATCH) {
    const jobs = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++) {
      jobs.push({ name: 'noop', data: { i: j }, opts: { removeOnComplete: true } });
    }
    await queue.addBulk(jobs);
  }
}

function worker(name, concurrency, autorun = true) {
  let done = 0;
  let finished;
  const allDone = new Promise((resolve) => { finished = resolve; });
  let firstActive = 0;
  const w = new Worker(name, async () => null, {
    connection, concurrency, autorun, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 },
  });
  w.on('active', () => { if (firstActive === 0) firstActive = Date.now(); });
  w.on('completed', () => { if (++done === total) finished(Date.now()); });
  w.on('error', (err) => { console.error(err); process.exit(1); });
  return { w, allDone, firstActive: () => firstActive };
}

if (setting === 'produce') {
  // The split setting's producer: its first add's time goes back to the worker process.
  const queue = new Queue(process.argv[5], { connection });
  const start = Date.now();
  process.send({ start });
  await produce(queue);
  await queue.close();
  process.exit(0);
}

const name = `trainyard-bench-${setting}-${Date.now()}`;
const queue = new Queue(name, { connection });
let start;
let end;
let concurrency;
if (setting === 'one-process') {
  concurrency = 200;
  const { w, allDone } = worker(name, concurrency);
  await w.waitUntilReady();
  start = Date.now();
  await produce(queue);
  end = await allDone;
  await w.close();
} else if (setting === 'split') {
  concurrency = 1000;
  const { w, allDone } = worker(name, concurrency);
  await w.waitUntilReady();
  const producer = fork(new URL(import.meta.url).pathname, [String(port), String(total), 'produce', name]);
  start = await new Promise((resolve) => producer.once('message', (m) => resolve(m.start)));
  end = await allDone;
  await w.close();
} else if (setting === 'drain') {
  concurrency = 1000;
  await produce(queue);
  const { w, allDone, firstActive } = worker(name, concurrency, false);
  await w.waitUntilReady();
  w.run();
  end = await allDone;
  start = firstActive();
  await w.close();
} else {
  console.error(`unknown setting ${setting}`);
  process.exit(2);
}
const seconds = (end - start) / 1000;
console.log(JSON.stringify({ system: 'bullmq', setting, concurrency, version, jobs: total, seconds, jobsPerSecond: total / seconds }));
await queue.obliterate({ force: true });
await queue.close();
process.exit(0);
