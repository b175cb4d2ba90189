/** The softly binary the web checks run against (see softly.mjs). */
export function softlyBinary(): string;
