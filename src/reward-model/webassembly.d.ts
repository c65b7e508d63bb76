/**
 * The part of the WebAssembly JS API that arena.ts uses: Node has it built in, but TypeScript's lib
 * declares it only with the DOM's, which this project leaves out.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
