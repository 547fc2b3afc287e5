// Types of built.js (plain JavaScript: the bin reads it before any TypeScript loader exists).
export declare const BUILD_DIR: string;
export declare const MANIFEST: string;
/** Every file under scripts/ as its path, size and modification time, hashed. */
export declare function sourceFingerprint(): string;
/** The contents of scripts/, package.json and the lock, hashed with Node's version: what a cached check result depends on besides the file. */
export declare function codeIdentity(): string;
/** The built entry point when it was built from exactly these sources; undefined otherwise. */
export declare function freshBuild(): string | undefined;
