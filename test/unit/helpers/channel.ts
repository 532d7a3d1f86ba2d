/**
 * The host ↔ engine channel without the processes, for tests that drive the engine's
 * handlers on a stand-in connection: what the host sends and what the engine answers
 * go through JSON as over Node IPC, encoded and decoded as EngineClient does
 * (src/shared/wire.ts), so a handler test sees exactly what the host would.
 */
import { decodeWire, encodeWire } from '../../../src/shared/wire';

/** A JSON round trip, as Node IPC's serialisation makes one (NaN would become null). */
export function throughJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Params as the engine's handler receives them from the host. */
export function sent(params: unknown): unknown {
  return throughJson(encodeWire(params));
}

/** A handler's answer (or notification) as the host reads it. */
export function received<R>(answer: unknown): R {
  return decodeWire(throughJson(answer)) as R;
}
