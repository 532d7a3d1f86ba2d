/**
 * The host ↔ engine channel's building blocks. Each feature declares its
 * requests in its own module beside this one (`datasets.ts`, `map.ts`, …) with
 * the method `embeddingLens/<module file name>/<verb>`; both sides import those
 * constants, and neither spells a method name as a string anywhere else.
 * test/unit/protocol_contract.test.ts holds every module to the naming rule and
 * checks that the engine answers each request exactly once.
 *
 * Pure TypeScript on purpose (no vscode, no node imports): the webview-free
 * `src/shared` folder is compiled into both the extension host and the engine.
 */

/** A typed request: the phantom fields carry the payload types to both ends. */
export interface RequestDef<P, R> {
  readonly kind: 'request';
  readonly method: string;
  /** Never set; only here so TypeScript keeps P and R attached to the constant. */
  readonly _types?: [P, R];
}

export function request<P, R>(method: string): RequestDef<P, R> {
  return { kind: 'request', method };
}

/** A typed notification the engine sends to the host (no response). */
export interface NotificationDef<P> {
  readonly kind: 'notification';
  readonly method: string;
  readonly _types?: P;
}

export function notification<P>(method: string): NotificationDef<P> {
  return { kind: 'notification', method };
}
