export const DOCUMENT_KINDS: Record<string, string> = {
  passport: "Passport",
  id_card: "ID card",
  driving_licence: "Driving licence",
  insurance: "Insurance",
  bill: "Bill",
  certificate: "Certificate",
  other: "Other",
};

export function sizeInWords(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1048576) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1073741824) return `${(bytes / 1048576).toFixed(1)} MB`;
  return `${(bytes / 1073741824).toFixed(1)} GB`;
}
