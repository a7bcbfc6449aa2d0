import type { Config } from '@turbozap/shared/config';

interface Item {
  /** The operational plan's wording (§6.1). */
  item: string;
  status: 'pass' | 'fail' | 'manual';
  note: string;
}

const weakKeys = /^(your-api-key|changeme|secret|test|key|admin)$/i;

/** The plan's production checklist, evaluated against the running configuration. */
export function evaluateChecklist(config: Config): Item[] {
  const keys = config.api.adminKeys;
  const strongKeys = keys.length > 0 && keys.every((k) => k.length >= 32 && !weakKeys.test(k));
  const tls = Boolean(config.server.tls) || (config.api.publicUrl?.startsWith('https://') ?? false);
  const cors = config.api.corsOrigins;
  return [
    {
      item: 'API_KEY forte e única',
      status: strongKeys ? 'pass' : 'fail',
      note: strongKeys ? `${keys.length} admin key(s), each ≥ 32 characters` : 'set API_KEY to `openssl rand -hex 32`',
    },
    {
      item: 'TLS/HTTPS configurado',
      status: tls ? 'pass' : 'fail',
      note: tls
        ? 'native TLS or an https PUBLIC_URL behind a TLS proxy'
        : 'set TLS_CERT_FILE/TLS_KEY_FILE, or PUBLIC_URL=https://… behind a TLS proxy',
    },
    {
      item: 'Firewall restringindo portas',
      status: 'manual',
      note: 'expose only the API port; keep 5432/5672/6379/15672/9000 private',
    },
    {
      item: 'Secrets em variáveis de ambiente',
      status: config.mode === 'distributed' ? 'pass' : 'manual',
      note: 'secrets are read from the environment (or .env), never from the command line',
    },
    {
      item: 'Logs sem dados sensíveis',
      status: 'pass',
      note: 'enforced: keys, tokens, message text and phone numbers are redacted by the logger',
    },
    {
      item: 'Backup de sessões criptografado',
      status: config.session.keyring.length > 0 && config.session.keyring[0]?.id !== 'local' ? 'pass' : 'fail',
      note: 'sessions are AES-256-GCM encrypted in the database; keep SESSION_ENCRYPTION_KEY(S) outside the backup',
    },
    {
      item: 'Rate limiting ativo',
      status: config.api.rateLimitRpm > 0 ? 'pass' : 'fail',
      note: `REDIS_RATE_LIMIT_RPM=${config.api.rateLimitRpm}`,
    },
    {
      item: 'CORS restrito a domínios permitidos',
      status: cors.includes('*') ? 'fail' : 'pass',
      note: cors.length === 0 ? 'CORS off (no browser origin allowed)' : `allowed: ${cors.join(', ')}`,
    },
  ];
}

export function productionChecklist(config: Config, print: (line: string) => void): number {
  const items = evaluateChecklist(config);
  print('Checklist de Produção (OPERATIONAL_PLAN §6.1):');
  for (const i of items)
    print(
      `  [${i.status === 'pass' ? 'x' : i.status === 'fail' ? ' ' : '?'}] ${i.item} — ${i.status.toUpperCase()}: ${i.note}`,
    );
  return items.filter((i) => i.status === 'fail').length;
}
