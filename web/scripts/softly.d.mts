export function softlyBinary(): string;
export function fakesBinary(): string;
