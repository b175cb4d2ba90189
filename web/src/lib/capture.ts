// Capture in the browser: recording a voice note (MediaRecorder, with a level meter and
// the server's time limit) and sending it; the types the capture screens share.
import { useCallback, useEffect, useRef, useState } from "react";
import { accessToken, apiOrigin, type Schemas } from "./api/client";
import { ApiProblem, problemFrom } from "./api/problem";

export type Capture = Schemas["CaptureView"];
export type Proposal = Schemas["Proposal"];
export type DraftItem = Schemas["NewItemRequest"];

/** Containers the API takes, in the order browsers are asked for them. */
const RECORDING_TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4"];

export type Recorder = {
  state: "idle" | "asking" | "recording";
  /** 0 to 1: how loud the microphone is now. */
  level: number;
  seconds: number;
  problem: string | null;
  start: () => Promise<void>;
  stop: () => void;
};

/** Records until `stop` or `maxSeconds`; hands the recording to `onRecorded`. */
export function useRecorder(maxSeconds: number, onRecorded: (recording: Blob) => void): Recorder {
  const [state, setState] = useState<Recorder["state"]>("idle");
  const [level, setLevel] = useState(0);
  const [seconds, setSeconds] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const stopRef = useRef<() => void>(() => {});
  const recorded = useRef(onRecorded);
  useEffect(() => {
    recorded.current = onRecorded;
  });

  const start = useCallback(async () => {
    setProblem(null);
    if (!navigator.mediaDevices?.getUserMedia || typeof MediaRecorder === "undefined") {
      setProblem("This browser cannot record here. Type it instead.");
      return;
    }
    setState("asking");
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      setState("idle");
      setProblem("Softly may not use the microphone. Allow it in the browser's site settings, or type it instead.");
      return;
    }
    const mimeType = RECORDING_TYPES.find((type) => MediaRecorder.isTypeSupported(type));
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    const chunks: Blob[] = [];
    recorder.ondataavailable = (event) => event.data.size > 0 && chunks.push(event.data);
    const audio = new AudioContext();
    const analyser = audio.createAnalyser();
    analyser.fftSize = 512;
    audio.createMediaStreamSource(stream).connect(analyser);
    const samples = new Uint8Array(analyser.fftSize);
    let frame = 0;
    const measure = () => {
      analyser.getByteTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample - 128) / 128);
      setLevel(peak);
      frame = requestAnimationFrame(measure);
    };
    const began = Date.now();
    const clock = setInterval(() => {
      const elapsed = Math.floor((Date.now() - began) / 1000);
      setSeconds(elapsed);
      if (elapsed >= maxSeconds) stopRef.current();
    }, 250);
    recorder.onstop = () => {
      clearInterval(clock);
      cancelAnimationFrame(frame);
      stream.getTracks().forEach((track) => track.stop());
      void audio.close();
      setState("idle");
      setLevel(0);
      recorded.current(new Blob(chunks, { type: recorder.mimeType || mimeType || "audio/webm" }));
    };
    stopRef.current = () => recorder.state === "recording" && recorder.stop();
    recorder.start(1000);
    setSeconds(0);
    setState("recording");
    frame = requestAnimationFrame(measure);
  }, [maxSeconds]);

  useEffect(() => () => stopRef.current(), []);
  return { state, level, seconds, problem, start, stop: () => stopRef.current() };
}

/** Sends a recording as a capture; resolves with the capture (processing). */
export async function sendRecording(recording: Blob): Promise<Capture> {
  const extension = recording.type.includes("mp4") ? "m4a" : recording.type.includes("ogg") ? "ogg" : "webm";
  const form = new FormData();
  form.append("file", recording, `voice-note.${extension}`);
  const token = await accessToken();
  let response: Response;
  try {
    response = await fetch(`${apiOrigin()}/v1/captures`, {
      method: "POST",
      headers: token ? { authorization: `Bearer ${token}` } : {},
      body: form,
    });
  } catch {
    throw ApiProblem.offline();
  }
  if (!response.ok) throw await problemFrom(response);
  return ((await response.json()) as { capture: Capture }).capture;
}

/** "0:07" */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** How sure the reader was, in words. */
export function sureness(confidence: number): string {
  if (confidence >= 0.8) return "Softly is fairly sure of this";
  if (confidence >= 0.5) return "Softly is not quite sure of this";
  return "Softly guessed much of this";
}
