import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// Static checks of docker-compose.yml, the Dockerfile and scripts/services.sh.
// No Docker engine is needed, because the files are only parsed.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const composeText = readFileSync(`${repoRoot}docker-compose.yml`, 'utf8');

interface DependsOnEntry {
  condition?: string;
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string | string[];
  profiles?: string[];
  ports?: Array<string | number | { host_ip?: string; published?: string | number }>;
  volumes?: Array<string | { type?: string; source?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  environment?: Record<string, string | number | boolean | null> | string[];
  secrets?: Array<string | { source: string }>;
  depends_on?: string[] | Record<string, DependsOnEntry>;
  network_mode?: string;
}

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
}

const compose = parse(composeText) as ComposeFile;
const services = Object.entries(compose.services);
const databases = ['redis', 'postgres', 'questdb'] as const;
const appServices = services.filter(([, service]) => service.profiles?.includes('app'));

function serviceNamed(name: string): Service {
  const service = compose.services[name];
  if (service === undefined) throw new Error(`docker-compose.yml has no service "${name}"`);
  return service;
}

// Returns the tag of an image reference, or undefined when it has none.
// "registry:5000/name:tag" has a colon in the registry part, so only the last
// path segment is searched. A digest pin ("@sha256:...") counts as a tag.
function imageTag(image: string): string | undefined {
  if (image.includes('@')) return image.slice(image.indexOf('@') + 1);
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? undefined : lastSegment.slice(colon + 1);
}

// Returns the environment as a map, whichever of the two Compose forms it uses.
function environmentOf(service: Service): Map<string, string> {
  const result = new Map<string, string>();
  const environment = service.environment;
  if (Array.isArray(environment)) {
    for (const entry of environment) {
      const equals = entry.indexOf('=');
      if (equals === -1) result.set(entry, '');
      else result.set(entry.slice(0, equals), entry.slice(equals + 1));
    }
  } else if (environment !== undefined) {
    for (const [key, value] of Object.entries(environment)) result.set(key, value === null ? '' : String(value));
  }
  return result;
}

// Returns the depends_on conditions, with Compose's default for the short form.
function dependencies(service: Service): Map<string, string> {
  const result = new Map<string, string>();
  const dependsOn = service.depends_on;
  if (Array.isArray(dependsOn)) {
    for (const name of dependsOn) result.set(name, 'service_started');
  } else if (dependsOn !== undefined) {
    for (const [name, entry] of Object.entries(dependsOn)) result.set(name, entry.condition ?? 'service_started');
  }
  return result;
}

// Returns the source of a volume mount, or undefined for an anonymous volume.
function volumeSource(volume: string | { type?: string; source?: string }): string | undefined {
  if (typeof volume !== 'string') return volume.source;
  const parts = volume.split(':');
  return parts.length >= 2 ? parts[0] : undefined;
}

function isNamedVolume(source: string): boolean {
  return !/^[./~$]/.test(source);
}

function secretNames(service: Service): string[] {
  return (service.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
}

function commandText(service: Service): string {
  return Array.isArray(service.command) ? service.command.join(' ') : (service.command ?? '');
}

describe('docker-compose.yml', () => {
  it('defines the database services', () => {
    for (const name of databases) {
      expect(compose.services, `service ${name}`).toHaveProperty(name);
    }
  });

  it('pins every image to a tag', () => {
    for (const [name, service] of services) {
      if (service.image === undefined) {
        expect(service.build, `${name} has neither image nor build`).toBeDefined();
        continue;
      }
      const tag = imageTag(service.image);
      expect(tag, `${name} image ${service.image} has no tag`).toBeDefined();
      expect(tag, `${name} image ${service.image}`).not.toBe('latest');
    }
  });

  it('gives each database a health check', () => {
    for (const name of databases) {
      const healthcheck = serviceNamed(name).healthcheck;
      expect(healthcheck, `${name} healthcheck`).toBeDefined();
      expect(healthcheck?.disable, `${name} healthcheck.disable`).not.toBe(true);
      const test = healthcheck?.test;
      expect(test, `${name} healthcheck.test`).toBeDefined();
      expect(test?.length, `${name} healthcheck.test is empty`).toBeGreaterThan(0);
      expect(Array.isArray(test) ? test[0] : test, `${name} healthcheck.test`).not.toBe('NONE');
    }
  });

  it('checks QuestDB health without curl or wget', () => {
    // The questdb/questdb image ships neither tool.
    const test = serviceNamed('questdb').healthcheck?.test;
    const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
    expect(text).not.toMatch(/\b(curl|wget)\b/);
    expect(text).toContain('9003');
  });

  it('stores database data in named volumes', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const name of databases) {
      const sources = (serviceNamed(name).volumes ?? []).map(volumeSource).filter((source) => source !== undefined);
      const named = sources.filter(isNamedVolume);
      expect(named.length, `${name} mounts no named volume`).toBeGreaterThan(0);
      for (const source of named) {
        expect(declared, `${name} volume ${source} is not declared under top-level volumes`).toContain(source);
      }
    }
  });

  it('publishes ports on 127.0.0.1 only', () => {
    for (const [name, service] of services) {
      expect(service.network_mode, `${name} network_mode`).not.toBe('host');
      for (const port of service.ports ?? []) {
        if (typeof port === 'object') {
          expect(port.host_ip, `${name} port ${JSON.stringify(port)}`).toBe('127.0.0.1');
        } else {
          // Short syntax: [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL].
          expect(String(port), `${name} port ${port}`).toMatch(/^127\.0\.0\.1:\d+(-\d+)?:\d+(-\d+)?(\/(tcp|udp))?$/);
        }
      }
    }
  });

  it('keeps the databases out of every profile', () => {
    for (const name of databases) {
      expect(serviceNamed(name).profiles, `${name} profiles`).toBeUndefined();
    }
  });

  it('puts migrate, worker and scheduler in the app profile', () => {
    const names = appServices.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['migrate', 'worker', 'scheduler']));
    for (const [name, service] of appServices) {
      expect(service.build, `${name} build`).toBeDefined();
    }
  });

  it('runs the migrate, worker and scheduler subcommands', () => {
    expect(commandText(serviceNamed('migrate'))).toBe('migrate');
    expect(commandText(serviceNamed('worker'))).toBe('worker');
    expect(commandText(serviceNamed('scheduler'))).toBe('scheduler');
  });

  it('checks the worker through its /health endpoint', () => {
    const worker = serviceNamed('worker');
    const environment = environmentOf(worker);
    const port = environment.get('METRICS_PORT');
    expect([environment.get('METRICS_HOST'), port, worker.ports]).toEqual(['0.0.0.0', '9464', ['127.0.0.1:9464:9464']]);
    const test = worker.healthcheck?.test;
    expect(Array.isArray(test) ? test.join(' ') : test).toContain(`http://127.0.0.1:${port}/health`);
  });

  it('gives the scheduler the schedule file it reads', () => {
    const scheduler = serviceNamed('scheduler');
    const file = environmentOf(scheduler).get('SCHEDULE_FILE');
    const mounts = (scheduler.volumes ?? []).map((v) => (typeof v === 'string' ? v : ''));
    expect(file).toBe('/app/config/schedules.yaml');
    expect(mounts).toContain(`./config/schedules.yaml:${file}:ro`);
    expect(existsSync(`${repoRoot}config/schedules.yaml`)).toBe(true);
    const dependsOn = dependencies(scheduler);
    expect(dependsOn.get('migrate'), 'scheduler -> migrate').toBe('service_completed_successfully');
  });

  it('starts app services on healthy databases', () => {
    for (const [name, service] of appServices) {
      const dependsOn = dependencies(service);
      const databasesUsed = databases.filter((database) => dependsOn.has(database));
      expect(databasesUsed.length, `${name} depends on no database`).toBeGreaterThan(0);
      for (const database of databasesUsed) {
        expect(dependsOn.get(database), `${name} -> ${database}`).toBe('service_healthy');
      }
    }
    const migrate = dependencies(serviceNamed('migrate'));
    expect(migrate.get('postgres'), 'migrate -> postgres').toBe('service_healthy');
    expect(migrate.get('questdb'), 'migrate -> questdb').toBe('service_healthy');
    const worker = dependencies(serviceNamed('worker'));
    for (const database of databases) {
      expect(worker.get(database), `worker -> ${database}`).toBe('service_healthy');
    }
    expect(worker.get('migrate'), 'worker -> migrate').toBe('service_completed_successfully');
  });

  it('points app services at the compose hosts', () => {
    for (const [name, service] of appServices) {
      const environment = environmentOf(service);
      expect(environment.get('REDIS_URL'), `${name} REDIS_URL`).toMatch(/^redis:\/\/redis:6379\b/);
      expect(environment.get('DATABASE_URL'), `${name} DATABASE_URL`).toMatch(/^postgres(ql)?:\/\/[^/]*@postgres:5432\/upstox_ingest$/);
      expect(environment.get('QUESTDB_HTTP_URL'), `${name} QUESTDB_HTTP_URL`).toBe('http://questdb:9000');
    }
  });

  it('gives the worker its token as a secret file', () => {
    const worker = serviceNamed('worker');
    expect(secretNames(worker)).toContain('upstox_token');
    expect(compose.secrets?.upstox_token?.file).toBe('./secrets/upstox_token');
    expect(compose.secrets?.upstox_token?.environment, 'secret must come from the file').toBeUndefined();
    const environment = environmentOf(worker);
    expect(environment.get('UPSTOX_ACCESS_TOKEN_FILE')).toBe('/run/secrets/upstox_token');
    expect(environment.has('UPSTOX_ACCESS_TOKEN'), 'worker sets UPSTOX_ACCESS_TOKEN').toBe(false);
  });

  it('holds no literal token value', () => {
    for (const [name, service] of services) {
      const environment = environmentOf(service);
      expect(environment.has('UPSTOX_ACCESS_TOKEN'), `${name} sets UPSTOX_ACCESS_TOKEN`).toBe(false);
      for (const [key, value] of environment) {
        if (/TOKEN/i.test(key) && !key.endsWith('_FILE')) {
          expect(value, `${name} ${key} must be a \${VARIABLE} reference`).toMatch(/^\$\{[A-Z0-9_]+(:?-)?\}$/);
        }
      }
    }
    // Upstox tokens are JWTs, which start with the base64 of '{"' (eyJ).
    expect(composeText).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('builds on node 24 bookworm-slim in two stages', () => {
    const bases = instructions.filter((line) => line.startsWith('FROM '));
    expect(bases.length).toBeGreaterThanOrEqual(2);
    for (const base of bases) {
      expect(base).toMatch(/^FROM node:24-bookworm-slim\b/);
    }
  });

  it('installs production dependencies only at run time', () => {
    const runtimeStart = instructions.findLastIndex((line) => line.startsWith('FROM '));
    const runtime = instructions.slice(runtimeStart);
    expect(runtime.some((line) => /^RUN npm ci --omit=dev\b/.test(line))).toBe(true);
    for (const path of ['dist', 'migrations', 'data/recorded', 'config']) {
      expect(runtime.some((line) => line.startsWith('COPY') && line.includes(` ./${path}`)), `runtime copies ${path}`).toBe(true);
    }
  });

  it('runs the CLI as the node user', () => {
    const users = instructions.filter((line) => line.startsWith('USER '));
    expect(users.at(-1)).toBe('USER node');
    expect(instructions.at(-1)).toBe('ENTRYPOINT ["node", "dist/src/cli/main.js"]');
  });

  it('keeps local state out of the build context', () => {
    const ignored = readFileSync(`${repoRoot}.dockerignore`, 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.services', '.git', 'coverage', 'secrets']) {
      expect(ignored, `.dockerignore entry ${entry}`).toContain(entry);
    }
  });
});

describe('scripts/services.sh', () => {
  const script = `${repoRoot}scripts/services.sh`;

  it('exists', () => {
    expect(existsSync(script)).toBe(true);
  });

  it('parses with bash -n', () => {
    // execFileSync throws with bash's message when the syntax check fails.
    expect(() => execFileSync('bash', ['-n', script], { stdio: 'pipe' })).not.toThrow();
  });
});
