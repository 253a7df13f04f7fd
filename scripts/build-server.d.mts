/** Packages left to node_modules (see build-server.mjs). */
export declare const EXTERNAL: string[]
/** One ESM bundle of `entry` at `outfile` for Node 20, with a source map; resolves to `outfile`. */
export declare function buildNode(entry: string, outfile: string): Promise<string>
