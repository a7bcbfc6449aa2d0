// Checks the operations files against what TurboZap exports and accepts (deploy/known.json,
// deploy/metrics.json): roles, env vars, ports, images, queues, metric names, PromQL.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { composeVariables, interpolate } from './compose-env.ts';
import { generatedEnv } from './gen-env.ts';
import { known, type Obj, read, root } from './known.ts';
import { checkWithPromtool, havePromtool, type MetricCatalog, promqlProblems } from './promql.ts';
import { parseYaml, parseYamlAll } from './yaml.ts';

const catalog = JSON.parse(read('deploy/metrics.json')) as MetricCatalog;
const deployableEnv = known.env.filter((name) => !known.testOnlyEnv.includes(name));

/** The role a container runs, from its command and args (`./turbozap worker`, or `worker` after the entrypoint). */
function roleOf(command: unknown, args?: unknown): string | undefined {
  const words = (value: unknown): string[] =>
    typeof value === 'string' ? value.split(/\s+/) : ((value ?? []) as string[]);
  const all = [...words(command), ...words(args)];
  const start = ['./turbozap', 'turbozap', '/app/turbozap', known.executable].includes(all[0] ?? '') ? 1 : 0;
  return all[start];
}

const envNames = (env: unknown): string[] =>
  Array.isArray(env) ? env.map((entry: string) => entry.split('=')[0]!) : Object.keys((env ?? {}) as Obj);
const imageName = (image: string): string => image.replace(/:[^/:]+$/, '');
const containerPort = (mapping: string | number): number => Number(String(mapping).split(':').at(-1)!.split('/')[0]);

describe('docker compose', () => {
  // Read as Compose reads them: interpolated with the .env that scripts/gen-env.sh writes.
  const env = generatedEnv();
  const composeFile = (path: string) => {
    const { text, errors } = interpolate(read(path), env);
    if (errors.length > 0) throw new Error(`${path}: ${errors.join('; ')}`);
    return parseYaml(text) as Obj;
  };
  const base = composeFile('docker-compose.yml');
  const scale = composeFile('docker-compose.scale.yml');
  const services = base.services as Record<string, Obj>;
  // The scale file as Compose merges it over the base (only the keys it uses).
  const merged: Record<string, Obj> = structuredClone(services);
  for (const [name, over] of Object.entries(scale.services as Record<string, Obj>)) {
    merged[name] ??= {};
    const target = merged[name];
    for (const [key, value] of Object.entries(over)) {
      if (key === 'environment')
        target.environment = {
          ...target.environment,
          ...Object.fromEntries((value as string[]).map((e) => e.split('=') as [string, string])),
        };
      else target[key] = value;
    }
  }
  const turbozapServices = (all: Record<string, Obj>) =>
    Object.entries(all).filter(([, s]) => imageName(s.image ?? '') === known.image);

  test('every service uses a known image, and TurboZap services run a known ./turbozap role', () => {
    for (const files of [services, merged])
      for (const [name, service] of Object.entries(files)) {
        expect([name, Object.keys(known.images)]).toEqual([name, expect.arrayContaining([service.image])]);
        if (imageName(service.image) === known.image) expect(known.roles).toContain(roleOf(service.command));
      }
    expect(roleOf(services.turbozap!.command)).toBe('api');
    expect(roleOf(services.worker!.command)).toBe('worker');
    expect(roleOf(services.migrate!.command)).toBe('migrate');
    expect(services.migrate!.restart).toBe('no');
    expect(services.turbozap!.depends_on.migrate.condition).toBe('service_completed_successfully');
  });

  test('TurboZap services set only known env vars, and every distributed one', () => {
    const distributed = ['DATABASE_URL', 'RABBITMQ_URL', 'REDIS_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY'];
    for (const [name, service] of turbozapServices(merged)) {
      const names = envNames(service.environment);
      expect([name, names.filter((env) => !deployableEnv.includes(env))]).toEqual([name, []]);
      expect(names).toEqual(
        expect.arrayContaining([...distributed, 'S3_SECRET_KEY', 'API_KEY', 'SESSION_ENCRYPTION_KEY']),
      );
      expect(String(service.environment.SERVER_PORT)).toBe(String(known.serverPort));
    }
  });

  test('deploy/env.example holds only TurboZap env vars or variables the compose file reads', () => {
    const compose = read('docker-compose.yml');
    const keys = [...read('deploy/env.example').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]!);
    for (const key of keys)
      expect([key, known.env.includes(key) || compose.includes(`\${${key}`)]).toEqual([key, true]);
    // Every variable the compose files read is documented there.
    for (const file of ['docker-compose.yml', 'docker-compose.scale.yml'])
      for (const name of composeVariables(read(file)).all)
        expect([file, name, keys.includes(name)]).toEqual([file, name, true]);
  });

  test('no default passwords: every secret is required (with a message naming it) and generated by gen-env.sh', () => {
    const source = read('docker-compose.yml');
    const { required, defaulted } = composeVariables(source);
    const secrets = ['API_KEY', 'SESSION_ENCRYPTION_KEY', 'POSTGRES_PASSWORD', 'RABBITMQ_PASSWORD', 'REDIS_PASSWORD'];
    secrets.push('MINIO_ROOT_PASSWORD', 'GRAFANA_ADMIN_PASSWORD');
    expect(required).toEqual(expect.arrayContaining([...secrets, 'COMPOSE_PROJECT_NAME']));
    expect(defaulted.filter((name) => /PASS|SECRET|KEY/.test(name))).toEqual([]);
    for (const name of required) {
      const { errors } = interpolate(source, { ...env, [name]: '' });
      expect([name, errors[0]]).toEqual([
        name,
        expect.stringMatching(new RegExp(`^${name}: set ${name}\\b.*env\\.example`)),
      ]);
      if (name !== 'COMPOSE_PROJECT_NAME') expect(env[name]).toMatch(/^[0-9a-f]{64}$/);
    }
    // Each service really gets its password; TurboZap reaches each one with it.
    const s = services;
    const vars = s.turbozap!.environment;
    expect(s.postgres!.environment.POSTGRES_PASSWORD).toBe(env.POSTGRES_PASSWORD);
    expect(vars.DATABASE_URL).toBe(`postgres://postgres:${env.POSTGRES_PASSWORD}@postgres:5432/turbozap`);
    expect(s.rabbitmq!.environment).toEqual({
      RABBITMQ_DEFAULT_USER: 'turbozap',
      RABBITMQ_DEFAULT_PASS: env.RABBITMQ_PASSWORD,
    });
    expect(vars.RABBITMQ_URL).toBe(`amqp://turbozap:${env.RABBITMQ_PASSWORD}@rabbitmq:5672`);
    expect(s.redis!.environment.REDISCLI_AUTH).toBe(env.REDIS_PASSWORD);
    expect(s.redis!.command.at(-1)).toMatch(
      /^exec docker-entrypoint\.sh redis-server .*--requirepass "\$REDISCLI_AUTH"$/,
    );
    expect(vars.REDIS_URL).toBe(`redis://:${env.REDIS_PASSWORD}@redis:6379`);
    for (const name of ['minio', 'minio-init'])
      expect(s[name]!.environment.MINIO_ROOT_PASSWORD).toBe(env.MINIO_ROOT_PASSWORD);
    expect(vars.S3_SECRET_KEY).toBe(env.MINIO_ROOT_PASSWORD);
    expect(s.grafana!.environment.GF_SECURITY_ADMIN_PASSWORD).toBe(env.GRAFANA_ADMIN_PASSWORD);
  });

  test("the project name comes from COMPOSE_PROJECT_NAME: docker-compose 1.x (the plan's command) rejects a top-level name", () => {
    for (const file of [base, scale]) expect(file).not.toHaveProperty('name');
    expect(read('deploy/env.example')).toMatch(/^COMPOSE_PROJECT_NAME=turbozap$/m);
    expect(env.COMPOSE_PROJECT_NAME).toBe('turbozap');
  });

  test('ports are ones the images listen on, and service URLs point at a service and its port', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const mapping of service.ports ?? [])
        expect([name, known.images[service.image]]).toEqual([name, expect.arrayContaining([containerPort(mapping)])]);
      const deps = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(services).toHaveProperty([dep]);
    }
    for (const [, service] of turbozapServices(services))
      for (const value of Object.values(service.environment as Obj)) {
        const url = /^[a-z]+:\/\/(?:[^@/]*@)?([\w-]+):(\d+)/.exec(String(value));
        if (!url) continue;
        const target = services[url[1]!];
        expect([url[0], known.images[target?.image]]).toEqual([url[0], expect.arrayContaining([Number(url[2])])]);
      }
    expect(services.lb!.ports).toEqual(['8080:8080']);
    expect(services.rabbitmq!.ports.map(containerPort)).toContain(15672);
  });

  test('docker-compose.scale.yml: 3 API replicas behind the load balancer, 5 workers with 4 consumers each', () => {
    expect(merged.turbozap!.deploy.replicas).toBe(3);
    expect(roleOf(merged.turbozap!.command)).toBe('api');
    expect(merged.worker!.deploy.replicas).toBe(5);
    expect(merged.worker!.image).toBe(known.image);
    expect(merged.worker!.command).toEqual(['./turbozap', 'worker']);
    expect(merged.worker!.environment.RABBITMQ_WORKER_COUNT).toBe('4');
    for (const [name, service] of Object.entries(merged))
      if ((service.deploy?.replicas ?? 1) > 1) {
        expect([name, service.ports ?? [], service.container_name]).toEqual([name, [], undefined]);
      }
    const haproxy = read('deploy/haproxy/haproxy.cfg');
    expect(haproxy).toMatch(new RegExp(`server-template \\w+ \\d+ turbozap:${known.serverPort} `));
    expect(haproxy).toContain(`option httpchk GET ${known.endpoints.readiness}`);
    expect(haproxy).toMatch(/bind :8080\b/);
  });

  test('files mounted into containers exist', () => {
    for (const service of Object.values(services))
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0]!;
        if (source.startsWith('./')) expect([source, existsSync(join(root, source))]).toEqual([source, true]);
      }
  });

  test('Prometheus scrapes every serving TurboZap service on SERVER_PORT; Grafana reads that Prometheus', () => {
    const config = parseYaml(read('deploy/prometheus/prometheus.yml')) as Obj;
    const scraped = (config.scrape_configs as Obj[]).flatMap((job) =>
      (job.dns_sd_configs ?? []).flatMap((sd: Obj) => sd.names.map((host: string) => `${host}:${sd.port}`)),
    );
    const serving = turbozapServices(services)
      .filter(([, s]) => known.serving.includes(roleOf(s.command)!))
      .map(([name]) => `${name}:${known.serverPort}`);
    expect(scraped.sort()).toEqual(serving.sort());
    const mounts = (services.prometheus!.volumes as string[]).map((v) => v.split(':'));
    for (const rules of config.rule_files as string[])
      expect(mounts).toContainEqual([`./deploy/prometheus/${rules}`, `/etc/prometheus/${rules}`, 'ro']);

    const datasource = (parseYaml(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as Obj)
      .datasources[0];
    const { hostname, port } = new URL(datasource.url);
    expect(known.images[services[hostname]!.image]).toContain(Number(port));
    const provider = (parseYaml(read('deploy/grafana/provisioning/dashboards/turbozap.yml')) as Obj).providers[0];
    expect(services.grafana!.volumes).toContain(`./deploy/grafana/dashboards:${provider.options.path}:ro`);
  });
});

describe('kubernetes', () => {
  const dir = 'deploy/k8s';
  const files = readdirSync(join(root, dir)).filter((f) => f.endsWith('.yaml'));
  const docs = files.flatMap((f) => parseYamlAll(read(`${dir}/${f}`)) as Obj[]).filter(Boolean);
  const ofKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const workloads = [...ofKind('Deployment'), ...ofKind('Job')];
  const containers = workloads.flatMap((w) => w.spec.template.spec.containers as Obj[]);
  const deployment = (name: string) => ofKind('Deployment').find((d) => d.metadata.name === name)!;
  const matches = (selector: Obj, labels: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  test('kustomization lists every manifest except the Secret example', () => {
    const kustomization = parseYaml(read(`${dir}/kustomization.yaml`)) as Obj;
    expect([...kustomization.resources].sort()).toEqual(
      files.filter((f) => !['kustomization.yaml', 'secret.example.yaml'].includes(f)).sort(),
    );
  });

  test('api, session-worker and sender-worker deployments and a migrate job run their role of the TurboZap image', () => {
    const roles = Object.fromEntries(
      workloads.map((w) => [
        w.metadata.name,
        roleOf(w.spec.template.spec.containers[0].command, w.spec.template.spec.containers[0].args),
      ]),
    );
    expect(roles).toEqual({
      'turbozap-api': 'api',
      'turbozap-session-worker': 'session-worker',
      'turbozap-sender-worker': 'sender-worker',
      'turbozap-migrate': 'migrate',
    });
    for (const c of containers) {
      expect(imageName(c.image)).toBe(known.image);
      expect(known.roles).toContain(roleOf(c.command, c.args));
    }
    for (const w of workloads) expect(w.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
  });

  test('env vars, ConfigMap and Secret keys are known TurboZap settings, and referenced objects exist', () => {
    const configMaps: Record<string, Obj> = Object.fromEntries(
      ofKind('ConfigMap').map((d) => [d.metadata.name, d.data]),
    );
    const secrets: Record<string, Obj> = Object.fromEntries(
      ofKind('Secret').map((d) => [d.metadata.name, d.stringData]),
    );
    for (const data of [...Object.values(configMaps), ...Object.values(secrets)])
      expect(Object.keys(data).filter((k) => !deployableEnv.includes(k))).toEqual([]);
    for (const c of containers) {
      expect((c.env ?? []).map((e: Obj) => e.name).filter((k: string) => !deployableEnv.includes(k))).toEqual([]);
      for (const from of c.envFrom) {
        if (from.configMapRef) expect(configMaps).toHaveProperty([from.configMapRef.name]);
        if (from.secretRef) expect(secrets).toHaveProperty([from.secretRef.name]);
      }
    }
    expect(Number(configMaps['turbozap-config']?.SERVER_PORT)).toBe(known.serverPort);
  });

  test('serving containers listen on SERVER_PORT with liveness on /health and readiness on /ready', () => {
    for (const d of ofKind('Deployment')) {
      const c = d.spec.template.spec.containers[0];
      const port = (ref: string | number) =>
        c.ports.find((p: Obj) => p.name === ref || p.containerPort === ref)?.containerPort;
      expect(known.serving).toContain(roleOf(c.command, c.args));
      expect([d.metadata.name, c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual([
        d.metadata.name,
        known.endpoints.liveness,
        known.endpoints.readiness,
      ]);
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe])
        expect(port(probe.httpGet.port)).toBe(known.serverPort);
      expect(d.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(known.serverPort));
    }
  });

  test('every deployment has a PodDisruptionBudget; the Service selects the API pods on a named port', () => {
    for (const d of ofKind('Deployment')) {
      const labels = d.spec.template.metadata.labels;
      expect(matches(d.spec.selector.matchLabels, labels)).toBe(true);
      expect(
        ofKind('PodDisruptionBudget').filter((pdb) => matches(pdb.spec.selector.matchLabels, labels)),
      ).toHaveLength(1);
    }
    const [service] = ofKind('Service');
    const api = deployment('turbozap-api').spec.template;
    expect(matches(service!.spec.selector, api.metadata.labels)).toBe(true);
    expect(api.spec.containers[0].ports.map((p: Obj) => p.name)).toContain(service!.spec.ports[0].targetPort);
  });

  test('KEDA scales sender-workers on the length of their RabbitMQ queues', () => {
    const [scaled] = ofKind('ScaledObject');
    const target = deployment(scaled!.spec.scaleTargetRef.name);
    expect(roleOf(target.spec.template.spec.containers[0].command, target.spec.template.spec.containers[0].args)).toBe(
      'sender-worker',
    );
    expect(target.spec.replicas).toBeUndefined();
    const auth = ofKind('TriggerAuthentication').map((a) => a.metadata.name);
    const queues = scaled!.spec.triggers.map((t: Obj) => {
      expect([t.type, t.metadata.mode]).toEqual(['rabbitmq', 'QueueLength']);
      expect(auth).toContain(t.authenticationRef.name);
      return t.metadata.queueName;
    });
    expect(queues).toContain('whatsapp.send.messages');
    for (const q of queues) expect(known.queues).toContain(q);
    for (const ref of ofKind('TriggerAuthentication').flatMap((a) => a.spec.secretTargetRef))
      expect(known.env).toContain(ref.key);
  });
});

describe('PromQL in alerts and dashboards', () => {
  const alerts = (parseYaml(read('deploy/prometheus/alerts.yml')) as Obj).groups.flatMap((g: Obj) => g.rules) as Obj[];
  const dashboardDir = 'deploy/grafana/dashboards';
  const dashboards = readdirSync(join(root, dashboardDir)).map((f) => JSON.parse(read(`${dashboardDir}/${f}`)) as Obj);
  // Grafana variables replaced by a value of the right shape, so the query is plain PromQL.
  const substitute = (expr: string) =>
    expr
      .replace(/\$\{?wa_instance\}?/g, 'example')
      .replace(/\$\{?__(?:rate_)?interval\}?/g, '5m')
      .replace(/\$\{?__range\}?/g, '1h');
  const panelExprs = dashboards.flatMap((d) =>
    (d.panels as Obj[]).flatMap((p) =>
      (p.targets as Obj[]).map((t) => ({
        where: `${d.title} / ${p.title} / ${t.refId}`,
        name: `dashboard:${d.uid.replace(/-/g, '_')}:panel_${p.id}_${t.refId}`,
        raw: t.expr as string,
        expr: substitute(t.expr),
      })),
    ),
  );
  const all = [...alerts.map((r) => ({ where: `alert ${r.alert}`, raw: r.expr, expr: r.expr })), ...panelExprs];

  test("the plan's alerts keep their names, next to latency, target-down and inactivity alerts", () => {
    expect(alerts.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'TurboZapHighErrorRate',
        'TurboZapInstanceDisconnected',
        'TurboZapQueueBacklog',
        'TurboZapHighLatency',
        'TurboZapTargetDown',
        'TurboZapInstanceInactive',
      ]),
    );
  });

  test('every query uses only exported metrics and their labels, and reads cluster-wide gauges with max', () => {
    const found = all.map(({ where, expr }) => [where, promqlProblems(expr, catalog)]);
    expect(found).toEqual(all.map(({ where }) => [where, []]));
    for (const { where, expr } of all) expect([where, expr.includes('$')]).toEqual([where, false]);
  });

  test('the metric check can fail', () => {
    expect(promqlProblems('sum(turbozap_instances_activ)', catalog)).toEqual([
      'unknown metric turbozap_instances_activ',
    ]);
    expect(promqlProblems('sum(turbozap_queue_messages_pending)', catalog)).toEqual([
      'turbozap_queue_messages_pending is cluster-wide: read it with max(...)',
    ]);
    expect(promqlProblems('turbozap_messages_sent_total{instance_name="a"}', catalog)).toEqual([
      'turbozap_messages_sent_total has no label instance_name',
    ]);
    expect(promqlProblems('sum by (wa_instance) (turbozap_instances_active)', catalog)).toEqual([
      'grouping by unknown label wa_instance',
    ]);
    expect(promqlProblems('rate(turbozap_http_requests_duration_seconds[5m])', catalog)).toHaveLength(1);
  });

  test("dashboards: the plan's two, on the provisioned datasource, the instance one templated on wa_instance", () => {
    const uid = (parseYaml(read('deploy/grafana/provisioning/datasources/prometheus.yml')) as Obj).datasources[0].uid;
    expect(dashboards.map((d) => d.title).sort()).toEqual(['TurboZap — Instância', 'TurboZap — Principal']);
    for (const d of dashboards) {
      const ids = (d.panels as Obj[]).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of d.panels as Obj[]) {
        expect(p.targets.length).toBeGreaterThan(0);
        for (const ds of [p.datasource, ...p.targets.map((t: Obj) => t.datasource)])
          expect(ds).toEqual({ type: 'prometheus', uid });
      }
    }
    const instance = dashboards.find((d) => d.title === 'TurboZap — Instância')!;
    expect(instance.templating.list.map((v: Obj) => [v.name, v.datasource])).toEqual([
      ['wa_instance', { type: 'prometheus', uid }],
    ]);
    for (const p of instance.panels as Obj[])
      for (const t of p.targets) expect([p.title, t.expr]).toEqual([p.title, expect.stringContaining('$wa_instance')]);
    // The variable filters the WhatsApp instance label; `instance` is Prometheus's scrape target.
    for (const { where, raw } of panelExprs)
      expect([where, raw.match(/\$\{?wa_instance/g)?.length ?? 0]).toEqual([
        where,
        raw.match(/\bwa_instance\s*=~?\s*"\$\{?wa_instance\b/g)?.length ?? 0,
      ]);
  });

  const promtool = havePromtool();
  if (!promtool) {
    if (process.env.REQUIRE_PROMTOOL === '1') throw new Error('promtool is required (REQUIRE_PROMTOOL=1) but missing');
    console.warn('SKIPPING dashboard PromQL syntax check: promtool missing (bash deploy/test/run.sh installs it)');
  }
  (promtool ? test : test.skip)('every dashboard query is valid PromQL (promtool check rules)', () => {
    const result = checkWithPromtool(panelExprs);
    expect(result.output).toContain(`SUCCESS: ${panelExprs.length} rules found`);
    expect(result.ok).toBe(true);
    const broken = checkWithPromtool([{ name: 'broken', expr: 'sum(rate(turbozap_messages_sent_total[5m])' }]);
    expect(broken.ok).toBe(false);
  });
});
