// N no-op jobs through BullMQ against a given redis-server: producer and worker in one process,
// first add -> last completed, printed as one JSON line. Trainyard's benchmark runs it beside its
// own queue workload on the same redis-server (./trainyard bench bullmq).
// Usage: node bench.mjs <redis port> <jobs>
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';

const port = Number(process.argv[2] ?? 6379);
const total = Number(process.argv[3] ?? 200000);
const connection = { host: '127.0.0.1', port };
const name = `trainyard-bench-${Date.now()}`;
const version = JSON.parse(readFileSync(new URL('./node_modules/bullmq/package.json', import.meta.url))).version;

const queue = new Queue(name, { connection });
let done = 0;
let finished;
const allDone = new Promise((resolve) => { finished = resolve; });
const worker = new Worker(name, async () => null, {
  connection, concurrency: 200, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 },
});
worker.on('completed', () => { if (++done === total) finished(); });
worker.on('error', (err) => { console.error(err); process.exit(1); });
await worker.waitUntilReady();

const start = process.hrtime.bigint();
const batch = 1000;
for (let i = 0; i < total; i += batch) {
  const jobs = [];
  for (let j = i; j < Math.min(total, i + batch); j++) {
    jobs.push({ name: 'noop', data: { i: j }, opts: { removeOnComplete: true } });
  }
  await queue.addBulk(jobs);
}
await allDone;
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(JSON.stringify({ system: 'bullmq', version, jobs: total, seconds, jobsPerSecond: total / seconds }));
await worker.close();
await queue.obliterate({ force: true });
await queue.close();
process.exit(0);
