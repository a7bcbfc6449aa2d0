import type { Config } from './config.ts';

/**
 * The sections of the configuration each service reads. The composition root hands a service
 * only these (`configFor`): the sender-worker holds neither the session keyring nor the admin
 * keys, the API no keyring, the session-worker no admin key.
 */
export const serviceSections = {
  api: ['server', 'api', 'webhook'],
  sender: ['media', 'webhook', 'retention', 'workerCount'],
  session: ['session', 'media'],
} as const satisfies Record<string, readonly (keyof Config)[]>;

export type Service = keyof typeof serviceSections;
export type ServiceConfig<S extends Service> = Pick<Config, (typeof serviceSections)[S][number]>;

export function configFor<S extends Service>(service: S, config: Config): ServiceConfig<S> {
  return Object.fromEntries(serviceSections[service].map((section) => [section, config[section]])) as ServiceConfig<S>;
}
