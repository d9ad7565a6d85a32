/**
 * The Node flags a CertLedger node runs with: `npm start` passes them (package.json, which a test holds to this list),
 * and so does every script or test that starts `server/main.ts` as its own process.
 *
 * `--max-semi-space-size=64` (MiB, against V8's 16 on 64-bit): a node accepting a batch request holds each of its
 * credentials (the JSON, the validated copy, the JWS, the payload, the outbox's row) across several awaits until the
 * request's commit. With 16 MiB semi-spaces most of that outlived two scavenges and was copied into the old
 * generation, only to die there: 10,000 credentials cost 230 scavenges of 7-18 ms (2.2 s of the event loop) and old
 * space grew by ~12 MB per scavenge. With 64 MiB, 59 scavenges (1.1 s), and 7-21% more credentials accepted a second
 * (three runs side by side on 2 cores, 10,000 credentials each). V8 sizes the young generation up to this only under such load, so an idle node
 * uses no more memory.
 */
export const NODE_FLAGS = ["--max-semi-space-size=64"];
