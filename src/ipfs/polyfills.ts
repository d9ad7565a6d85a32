/**
 * What the IPFS stack needs from the runtime that Node 20 lacks. Import this module before anything that loads
 * libp2p or Helia: libp2p's stream utilities and yamux call `Promise.withResolvers` (ES2024, native from Node 22),
 * and without it the first stream a peer opens fails with "Promise.withResolvers is not a function".
 */

interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

const promiseConstructor = Promise as PromiseConstructor & { withResolvers?: <T>() => Resolvers<T> };

if (typeof promiseConstructor.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(): Resolvers<T> {
      let resolve!: Resolvers<T>["resolve"];
      let reject!: Resolvers<T>["reject"];
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
