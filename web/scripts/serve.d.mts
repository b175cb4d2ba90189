export type Softly = {
  url: string;
  dataDir: string;
  link: (to: string, subject: string, linkPath: string, count?: number) => Promise<string>;
  stop: () => void;
  log: () => string;
};
export function startSoftly(): Promise<Softly>;
