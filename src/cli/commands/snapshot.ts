import { Option, type Command } from 'commander';
import { SNAPSHOT_JOBS } from '../../../jobs/index.js';
import { loadConfig } from '../../config/env.js';
import { PRIORITY_CLASSES, type PriorityClass } from '../../queue/names.js';
import { openContext } from '../context.js';

interface SnapshotOptions {
  set: string[];
  priority: PriorityClass;
  detach?: boolean;
  list?: boolean;
}

export function registerSnapshot(program: Command): void {
  program
    .command('snapshot')
    .argument('[job]', 'the job to run; --list names them')
    .description('run one job now, such as a quote snapshot, and wait for its result')
    .option('--set <name=value>', 'a payload field; repeat for each field; lists take comma-separated values', (value: string, all: string[]) => [...all, value], [])
    .addOption(new Option('--priority <class>', 'the priority class whose queue and rate budget the job uses').choices(PRIORITY_CLASSES).default('nightly'))
    .option('--detach', 'queue the job and return without waiting')
    .option('--list', 'list the jobs and what they do')
    .action(async (name: string | undefined, options: SnapshotOptions) => {
      if (options.list || !name) {
        for (const job of SNAPSHOT_JOBS) console.log(`  ${job.name.padEnd(28)} ${job.description}`);
        if (!options.list) {
          console.error('missing the job to run: name one of the jobs above, such as "upstox-ingest snapshot market-status"');
          process.exitCode = 2;
        }
        return;
      }
      const definition = SNAPSHOT_JOBS.find((job) => job.name === name);
      if (!definition) throw new Error(`unknown job ${JSON.stringify(name)}; "upstox-ingest snapshot --list" names the jobs`);
      const raw: Record<string, unknown> = {};
      for (const pair of options.set) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new Error(`--set ${JSON.stringify(pair)} is invalid: use --set name=value`);
        raw[pair.slice(0, eq)] = parseValue(pair.slice(eq + 1));
      }
      const parsed = definition.payloadSchema.safeParse(raw);
      if (!parsed.success) {
        throw new Error(`invalid payload for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ')}`);
      }
      // The schemas drop fields they do not know, so a misspelt field would pass unnoticed.
      const unknownFields = Object.keys(raw).filter((field) => !(field in (parsed.data as object)));
      if (unknownFields.length > 0) {
        const shape = (definition.payloadSchema as { shape?: Record<string, unknown> }).shape;
        const known = shape ? `; ${name} takes ${Object.keys(shape).join(', ') || 'no fields'}` : '';
        throw new Error(`unknown payload field ${unknownFields.join(', ')} for ${name}${known}`);
      }
      const config = loadConfig();
      const context = openContext(config);
      try {
        const jobId = definition.jobId(parsed.data, config.upstox.account);
        await context.producer.enqueue([{ jobId, name, data: parsed.data as Record<string, unknown> }], options.priority);
        console.log(`queued ${name} as ${jobId} (${options.priority})`);
        if (options.detach) return;
        const queue = context.producer.queues[options.priority];
        const hintAt = Date.now() + 5_000;
        let hinted = false;
        for (;;) {
          const job = await queue.getJob(jobId);
          const state = await queue.getJobState(jobId);
          if (state === 'completed') {
            console.log(`completed: ${JSON.stringify(job?.returnvalue)}`);
            return;
          }
          if (state === 'failed') {
            console.log(`failed: ${job?.failedReason ?? 'no reason recorded'}`);
            process.exitCode = 1;
            return;
          }
          if (!hinted && Date.now() > hintAt) {
            hinted = true;
            if (await queue.isPaused()) {
              console.error(`the ${options.priority} queue of account ${config.upstox.account} is paused; "upstox-ingest status" shows why and "upstox-ingest resume" resumes it`);
            } else if ((await queue.getWorkersCount()) === 0) {
              console.error(`no worker takes jobs from the ${options.priority} queue of account ${config.upstox.account}; start one with "upstox-ingest worker" (the job waits until then)`);
            }
          }
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      } finally {
        await context.close();
      }
    });
}

// Numbers and booleans as JSON; everything else stays a string for the job's schema to read.
function parseValue(text: string): unknown {
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(text)) return JSON.parse(text);
  return text;
}
