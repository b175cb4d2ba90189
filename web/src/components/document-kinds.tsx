import { DOCUMENT_KINDS } from "@/lib/documents";

/** The `<option>`s of every document kind, for a select. */
export function DocumentKindOptions() {
  return Object.entries(DOCUMENT_KINDS).map(([value, label]) => (
    <option key={value} value={value}>
      {label}
    </option>
  ));
}
