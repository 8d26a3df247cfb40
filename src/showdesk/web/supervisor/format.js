// Numbers and times in words a supervisor reads at a glance.

/** 75 -> "1 min 15 s"; null -> "—" */
export function duration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${s % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** 1234 -> "1.2 s", 640 -> "640 ms" */
export function millis(ms) {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

export function percent(share) {
  return share === null || share === undefined ? '—' : `${Math.round(share * 100)} %`;
}

export function clock(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function clockSeconds(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString();
}

/** Seconds from `fromIso` to `toIso` (both the server's clock, so the browser's does not matter). */
export function between(fromIso, toIso) {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  return Number.isNaN(from) || Number.isNaN(to) ? null : (to - from) / 1000;
}

const CAUSES = {
  camera_denied: 'Camera not allowed',
  camera_missing: 'No camera',
  camera_busy: 'Camera in use',
  constraints_unsatisfiable: 'Camera cannot give the picture',
  ice_failed: 'Could not connect',
  no_relay: 'No relay server',
  relay_failed: 'Relay failed too',
  connection_lost: 'Connection lost',
  no_frames: 'No picture',
  unknown: 'Unknown',
};

/** A failure reason in words; one ShowDesk does not know keeps its code. */
export function cause(reason) {
  return CAUSES[reason] ?? reason;
}
