// The fault tier's own Redis and RabbitMQ (Jest globalSetup): its tests restart them freely while
// the other tiers keep using the machine's. Workers start after this and inherit the variables.
import { type FaultServices, startFaultServices } from '@turbozap/shared/testing/fault-services';

declare global {
  var turbozapFaultServices: FaultServices | undefined;
}

export default async function setup(): Promise<void> {
  const services = await startFaultServices();
  Object.assign(process.env, services.env);
  globalThis.turbozapFaultServices = services;
}
