// Sending files to the vault: each file straight to the URL the API hands out (its SHA-256
// computed here, so the server can check what arrived), with progress; the multipart
// endpoint where the browser cannot hash (an insecure context) or the direct path is off.
import { accessToken, api, apiOrigin, call, type Document } from "./api/client";
import { ApiProblem } from "./api/problem";

const TYPES: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
};

function contentTypeOf(file: File): string {
  const extension = file.name.split(".").pop()?.toLowerCase() ?? "";
  return file.type || TYPES[extension] || "application/octet-stream";
}

async function sha256Base64(file: File): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  let binary = "";
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Sends `file`, reporting progress from 0 to 1; resolves with the stored document. */
export async function upload(file: File, onProgress: (fraction: number) => void): Promise<Document> {
  if (!globalThis.crypto?.subtle) return multipart(file, onProgress);
  const ticket = await api
    .POST("/v1/documents/uploads", {
      body: { filename: file.name, byte_size: file.size, checksum_sha256: await sha256Base64(file), content_type: contentTypeOf(file) },
    })
    .catch(() => {
      throw ApiProblem.offline();
    });
  if (ticket.response.status === 404 || ticket.response.status === 405 || ticket.response.status === 501) {
    return multipart(file, onProgress);
  }
  if (!ticket.response.ok || !ticket.data) throw ApiProblem.fromBody(ticket.response, ticket.error);
  const { upload_id, url, method, headers } = ticket.data;
  await send(method, url, headers, file, onProgress);
  const done = await call(api.POST("/v1/documents/uploads/{upload_id}/complete", { params: { path: { upload_id } }, body: {} }));
  return done.document;
}

async function multipart(file: File, onProgress: (fraction: number) => void): Promise<Document> {
  const form = new FormData();
  form.append("file", file, file.name);
  const token = await accessToken();
  const body = await send("POST", `${apiOrigin()}/v1/documents`, token ? { authorization: `Bearer ${token}` } : {}, form, onProgress);
  return (JSON.parse(body) as { document: Document }).document;
}

/** An XMLHttpRequest: the one browser API that reports upload progress. */
function send(method: string, url: string, headers: Record<string, string>, body: Blob | FormData, onProgress: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(method, url);
    for (const [name, value] of Object.entries(headers)) {
      if (name.toLowerCase() !== "content-length" && name.toLowerCase() !== "host") request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve(request.responseText);
        return;
      }
      let problem: unknown = null;
      try {
        problem = JSON.parse(request.responseText);
      } catch {
        problem = null;
      }
      const response = new Response(null, { status: request.status, headers: { "retry-after": request.getResponseHeader("retry-after") ?? "" } });
      reject(ApiProblem.fromBody(response, problem));
    };
    request.onerror = () => reject(ApiProblem.offline());
    request.send(body);
  });
}
