export type Softly = {
  url: string;
  dataDir: string;
  link: (to: string, subject: string, linkPath: string, count?: number) => Promise<string>;
  stop: () => void;
  log: () => string;
};
export function startSoftly(options?: { env?: Record<string, string> }): Promise<Softly>;

export type Fakes = {
  /** DEEPGRAM_URL, DEEPGRAM_API_KEY, ANTHROPIC_URL, ANTHROPIC_API_KEY for `startSoftly`. */
  env: Record<string, string>;
  stop: () => void;
};
export function startFakes(options?: { says?: string; toolInput?: unknown }): Promise<Fakes>;
