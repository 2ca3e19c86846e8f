/**
 * Outpost's version, as package.json states it (a test keeps the two equal). A constant rather
 * than an import of package.json: the dependency rules keep the program's folders off files
 * outside them, and the single-file agent carries no package.json.
 */
export const OUTPOST_VERSION = "0.1.0";
